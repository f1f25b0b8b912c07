"""two-factor sign-in: each user's TOTP secret and recovery codes

`t_user_mfa` holds a user's second factor (the secret sealed with a key derived from the
signing key, the last time step accepted, so a code is good once); `t_user_recovery_code` the
SHA-256 digests of the ten recovery codes, each good once. One live row per user and per code
(the `is_deleted` = own id scheme).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


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
        "t_user_mfa",
        *_audit(),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("secret", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("last_step", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("enabled_time", DT, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["t_users.id"], name=op.f("fk_t_user_mfa_user_id_t_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_user_mfa")),
        sa.UniqueConstraint("user_id", "is_deleted", name=op.f("uq_t_user_mfa_user_id_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_user_mfa") as batch:
        batch.create_index(batch.f("ix_t_user_mfa_created_time"), ["created_time"], unique=False)

    op.create_table(
        "t_user_recovery_code",
        *_audit(),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_time", DT, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["t_users.id"], name=op.f("fk_t_user_recovery_code_user_id_t_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_user_recovery_code")),
        sa.UniqueConstraint(
            "user_id",
            "code_hash",
            "is_deleted",
            name=op.f("uq_t_user_recovery_code_user_id_code_hash_is_deleted"),
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_user_recovery_code") as batch:
        batch.create_index(
            batch.f("ix_t_user_recovery_code_created_time"), ["created_time"], unique=False
        )


def downgrade() -> None:
    for table in ("t_user_recovery_code", "t_user_mfa"):
        op.drop_table(table)
