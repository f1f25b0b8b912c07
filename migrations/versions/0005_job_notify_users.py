"""job notices go to users of the product, not to typed addresses

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

`t_jobs.notify_emails` (addresses anyone with perm:job:post could type) becomes
`notify_user_ids` (a JSON list of user ids; the notice goes to each user's stored e-mail).
Typed addresses cannot be mapped to users safely, so they are dropped and every job that
notified stops notifying (`notify = 'none'`); an operator picks the recipients again.
Downgrading gives the column back empty, with notifications off.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _swap(old: str, new: str) -> None:
    # Added nullable, filled, then made NOT NULL: MySQL gives TEXT columns no default.
    op.add_column("t_jobs", sa.Column(new, sa.Text(), nullable=True))
    op.execute(sa.text(f"UPDATE t_jobs SET {new} = '[]', notify = 'none'"))  # noqa: S608
    # Batch mode: SQLite alters a column by copying the table.
    with op.batch_alter_table("t_jobs") as batch:
        batch.alter_column(new, existing_type=sa.Text(), nullable=False)
        batch.drop_column(old)


def upgrade() -> None:
    _swap("notify_emails", "notify_user_ids")


def downgrade() -> None:
    _swap("notify_user_ids", "notify_emails")
