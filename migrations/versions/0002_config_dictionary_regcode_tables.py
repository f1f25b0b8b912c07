"""config dictionary regcode tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# MySQL/MariaDB: Unicode tables whatever the database's default character set is.
TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "t_config_settings",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("remark", sa.String(length=500), server_default="", nullable=False),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_config_settings")),
        sa.UniqueConstraint("key", "is_deleted", name=op.f("uq_t_config_settings_key_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_config_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_config_settings_created_time"), ["created_time"], unique=False
        )

    op.create_table(
        "t_dict_item",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("type_code", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("label_en", sa.String(length=100), server_default="", nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("sort", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("css_class", sa.String(length=32), server_default="", nullable=False),
        sa.Column("remark", sa.String(length=500), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_dict_item")),
        sa.UniqueConstraint(
            "type_code",
            "value",
            "is_deleted",
            name=op.f("uq_t_dict_item_type_code_value_is_deleted"),
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_dict_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_dict_item_created_time"), ["created_time"], unique=False
        )

    op.create_table(
        "t_dict_type",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("remark", sa.String(length=500), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_dict_type")),
        sa.UniqueConstraint("code", "is_deleted", name=op.f("uq_t_dict_type_code_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_dict_type", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_dict_type_created_time"), ["created_time"], unique=False
        )

    op.create_table(
        "t_reg_code",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reg_times", sa.Integer(), nullable=False),
        sa.Column("first_active_time", DT, nullable=True),
        sa.Column("deadline", DT, nullable=True),
        sa.Column("state", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("remark", sa.String(length=255), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_reg_code")),
        sa.UniqueConstraint("code", "is_deleted", name=op.f("uq_t_reg_code_code_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_reg_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_reg_code_created_time"), ["created_time"], unique=False
        )
        batch_op.create_index("ix_t_reg_code_creator_id", ["creator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_t_reg_code_deadline"), ["deadline"], unique=False)


def downgrade() -> None:
    for table in ("t_reg_code", "t_dict_item", "t_dict_type", "t_config_settings"):
        op.drop_table(table)
