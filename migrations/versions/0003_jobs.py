"""jobs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# MySQL/MariaDB: Unicode tables whatever the database's default character set is.
TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "t_jobs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("script", sa.String(length=64), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("kwargs", sa.Text(), nullable=False),
        sa.Column("cron", sa.String(length=120), nullable=False),
        sa.Column(
            "misfire_policy", sa.String(length=16), server_default="run_once", nullable=False
        ),
        sa.Column("concurrent", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="paused", nullable=False),
        sa.Column("notify", sa.String(length=16), server_default="none", nullable=False),
        sa.Column("notify_emails", sa.Text(), nullable=False),
        sa.Column("remark", sa.String(length=500), server_default="", nullable=False),
        sa.Column("next_fire_time", DT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_jobs")),
        sa.UniqueConstraint("name", "is_deleted", name=op.f("uq_t_jobs_name_is_deleted")),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_t_jobs_created_time"), ["created_time"], unique=False)

    op.create_table(
        "t_job_logs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created_time", DT, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("modified_time", DT, nullable=True),
        sa.Column("modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("is_deleted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("job_name", sa.String(length=64), nullable=False),
        sa.Column("script", sa.String(length=64), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("scheduled_time", DT, nullable=True),
        sa.Column("start_time", DT, nullable=False),
        sa.Column("end_time", DT, nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("output", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("instance", sa.String(length=128), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["t_jobs.id"], name=op.f("fk_t_job_logs_job_id_t_jobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t_job_logs")),
        # One log per (job, scheduled fire time): the row is the claim on the fire.
        sa.UniqueConstraint(
            "job_id",
            "scheduled_time",
            "is_deleted",
            name=op.f("uq_t_job_logs_job_id_scheduled_time_is_deleted"),
        ),
        **TABLE_OPTIONS,
    )
    with op.batch_alter_table("t_job_logs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_t_job_logs_created_time"), ["created_time"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_t_job_logs_start_time"), ["start_time"], unique=False)


def downgrade() -> None:
    for table in ("t_job_logs", "t_jobs"):
        op.drop_table(table)
