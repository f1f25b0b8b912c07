"""rbac and audit tables

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Naive UTC with microseconds on MySQL/MariaDB (the adapter's UtcDateTime); SQLite ids must be INTEGER.
DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# MySQL/MariaDB: Unicode tables whatever the database's default character set is.
TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "t_login_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), server_default="", nullable=False),
        sa.Column("user_agent", sa.String(length=255), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(length=255), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_login_log")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_login_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_login_log_created_time"), ["created_time"], unique=False
        )
        batch_op.create_index("ix_t_login_log_username", ["username"], unique=False)

    op.create_table(
        "t_menus",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("title_en", sa.String(length=64), server_default="", nullable=False),
        sa.Column(
            "type",
            sa.Enum("dir", "menu", "button", name="menutype", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("path", sa.String(length=255), server_default="", nullable=False),
        sa.Column("component", sa.String(length=255), server_default="", nullable=False),
        sa.Column("icon", sa.String(length=64), server_default="", nullable=False),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hidden", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("perm", sa.String(length=128), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_menus")),
        sa.UniqueConstraint("name", "is_deleted", name=op.f("uq_t_menus_name_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_menus", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_t_menus_created_time"), ["created_time"], unique=False)

    op.create_table(
        "t_oper_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("username", sa.String(length=64), server_default="", nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.String(length=128), server_default="", nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=64), server_default="", nullable=False),
        sa.Column("duration_ms", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_oper_log")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_oper_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_oper_log_created_time"), ["created_time"], unique=False
        )
        batch_op.create_index("ix_t_oper_log_user_id", ["user_id"], unique=False)

    op.create_table(
        "t_perm_label",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("label", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("remark", sa.String(length=255), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_perm_label")),
        sa.UniqueConstraint("label", "is_deleted", name=op.f("uq_t_perm_label_label_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_perm_label", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_perm_label_created_time"), ["created_time"], unique=False
        )

    op.create_table(
        "t_roles",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.Column("remark", sa.String(length=255), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_roles")),
        sa.UniqueConstraint("code", "is_deleted", name=op.f("uq_t_roles_code_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_t_roles_created_time"), ["created_time"], unique=False)

    op.create_table(
        "t_users",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("nickname", sa.String(length=64), server_default="", nullable=False),
        sa.Column("email", sa.String(length=128), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("avatar", sa.String(length=255), nullable=True),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_users")),
        sa.UniqueConstraint("email", "is_deleted", name=op.f("uq_t_users_email_is_deleted")),
        sa.UniqueConstraint("username", "is_deleted", name=op.f("uq_t_users_username_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_t_users_created_time"), ["created_time"], unique=False)

    op.create_table(
        "t_perm_label_role",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("label_id", sa.BigInteger(), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["t_perm_label.id"],
            name=op.f("fk_t_perm_label_role_label_id_t_perm_label"),
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["t_roles.id"], name=op.f("fk_t_perm_label_role_role_id_t_roles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_perm_label_role")),
        sa.UniqueConstraint(
            "label_id",
            "role_id",
            "is_deleted",
            name=op.f("uq_t_perm_label_role_label_id_role_id_is_deleted"),
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_perm_label_role", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_perm_label_role_created_time"), ["created_time"], unique=False
        )
        batch_op.create_index("ix_t_perm_label_role_role_id", ["role_id"], unique=False)

    op.create_table(
        "t_role_menu",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.Column("menu_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["menu_id"], ["t_menus.id"], name=op.f("fk_t_role_menu_menu_id_t_menus")
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["t_roles.id"], name=op.f("fk_t_role_menu_role_id_t_roles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_role_menu")),
        sa.UniqueConstraint(
            "role_id",
            "menu_id",
            "is_deleted",
            name=op.f("uq_t_role_menu_role_id_menu_id_is_deleted"),
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_role_menu", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_role_menu_created_time"), ["created_time"], unique=False
        )
        batch_op.create_index("ix_t_role_menu_menu_id", ["menu_id"], unique=False)

    op.create_table(
        "t_user_role",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"], ["t_roles.id"], name=op.f("fk_t_user_role_role_id_t_roles")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["t_users.id"], name=op.f("fk_t_user_role_user_id_t_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_user_role")),
        sa.UniqueConstraint(
            "user_id",
            "role_id",
            "is_deleted",
            name=op.f("uq_t_user_role_user_id_role_id_is_deleted"),
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_user_role", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_user_role_created_time"), ["created_time"], unique=False
        )
        batch_op.create_index("ix_t_user_role_role_id", ["role_id"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes; link tables go first for their foreign keys.
    for table in (
        "t_perm_label_role",
        "t_role_menu",
        "t_user_role",
        "t_perm_label",
        "t_menus",
        "t_roles",
        "t_users",
        "t_oper_log",
        "t_login_log",
    ):
        op.drop_table(table)
