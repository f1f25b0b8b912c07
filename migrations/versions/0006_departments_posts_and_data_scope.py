"""departments, posts and data scope

Departments form a tree (`path` holds the ids from the root down, `/1/4/9/`, so a subtree is
one prefix match), posts are a flat list, a user has a department and posts, a role a data
scope (`all` by default, so every existing role keeps seeing every row) and, for `custom`, its
departments; a reg code records its creator's department.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _exact(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
    ]


def _link(name: str, left: tuple[str, str], right: tuple[str, str]) -> None:
    """A link table `name` of `left` = (column, table) and `right`, live pairs unique."""
    (lcol, ltab), (rcol, rtab) = left, right
    op.create_table(
        name,
        *_audit(),
        sa.Column(lcol, sa.BigInteger(), nullable=False),
        sa.Column(rcol, sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint([lcol], [f"{ltab}.id"], name=op.f(f"fk_{name}_{lcol}_{ltab}")),
        sa.ForeignKeyConstraint([rcol], [f"{rtab}.id"], name=op.f(f"fk_{name}_{rcol}_{rtab}")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            lcol, rcol, "is_deleted", name=op.f(f"uq_{name}_{lcol}_{rcol}_is_deleted")
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table(name) as batch:
        batch.create_index(batch.f(f"ix_{name}_created_time"), ["created_time"], unique=False)
        batch.create_index(f"ix_{name}_{rcol}", [rcol], unique=False)


def upgrade() -> None:
    op.create_table(
        "t_dept",
        *_audit(),
        sa.Column("parent_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("path", _exact(760), server_default="", nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.Column("leader", sa.String(length=64), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=32), server_default="", nullable=False),
        sa.Column("email", sa.String(length=128), server_default="", nullable=False),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_dept")),
        sa.UniqueConstraint(
            "parent_id", "name", "is_deleted", name=op.f("uq_t_dept_parent_id_name_is_deleted")
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_dept") as batch:
        batch.create_index(batch.f("ix_t_dept_created_time"), ["created_time"], unique=False)
        batch.create_index("ix_t_dept_path", ["path"], unique=False)

    op.create_table(
        "t_post",
        *_audit(),
        sa.Column("code", _exact(64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("remark", sa.String(length=255), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_post")),
        sa.UniqueConstraint("code", "is_deleted", name=op.f("uq_t_post_code_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_post") as batch:
        batch.create_index(batch.f("ix_t_post_created_time"), ["created_time"], unique=False)

    _link("t_role_dept", ("role_id", "t_roles"), ("dept_id", "t_dept"))
    _link("t_user_post", ("user_id", "t_users"), ("post_id", "t_post"))

    for table in ("t_reg_code", "t_users"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("dept_id", sa.BigInteger(), nullable=True))
            batch.create_index(batch.f(f"ix_{table}_dept_id"), ["dept_id"], unique=False)
    with op.batch_alter_table("t_roles") as batch:
        batch.add_column(
            sa.Column("data_scope", sa.String(length=16), server_default="all", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("t_roles") as batch:
        batch.drop_column("data_scope")
    for table in ("t_users", "t_reg_code"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_dept_id"))
            batch.drop_column("dept_id")
    for table in ("t_user_post", "t_role_dept", "t_post", "t_dept"):
        op.drop_table(table)
