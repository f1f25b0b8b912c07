"""notices

Notices and announcements (`t_notice`: a title, a type, sanitised HTML content, a status and
the instant it was first published) and who read which (`t_notice_read`, one live mark per
notice and user).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# 64 KiB of sanitised HTML does not fit MySQL's TEXT (65,535 bytes).
HTML = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "t_notice",
        *_audit(),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=16), server_default="notice", nullable=False),
        sa.Column("content", HTML, nullable=False),
        sa.Column("status", sa.String(length=16), server_default="draft", nullable=False),
        sa.Column("published_time", DT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_notice")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_notice") as batch:
        batch.create_index(batch.f("ix_t_notice_created_time"), ["created_time"], unique=False)
        batch.create_index(
            "ix_t_notice_status_published_time", ["status", "published_time"], unique=False
        )

    op.create_table(
        "t_notice_read",
        *_audit(),
        sa.Column("notice_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["t_notice.id"], name=op.f("fk_t_notice_read_notice_id_t_notice")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["t_users.id"], name=op.f("fk_t_notice_read_user_id_t_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_notice_read")),
        sa.UniqueConstraint(
            "notice_id",
            "user_id",
            "is_deleted",
            name=op.f("uq_t_notice_read_notice_id_user_id_is_deleted"),
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_notice_read") as batch:
        batch.create_index(batch.f("ix_t_notice_read_created_time"), ["created_time"], unique=False)
        batch.create_index("ix_t_notice_read_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    for table in ("t_notice_read", "t_notice"):
        op.drop_table(table)
