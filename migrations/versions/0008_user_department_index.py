"""the users' department index also holds `is_deleted` and `created_time`

A data-scoped user list finds the users of the caller's departments through this index: with
the liveness and the creation time in it, choosing a page reads the index alone and sorts ids,
instead of reading every matching row (1,201 rows for a ninth of the bench's 10,000 users;
decision 40).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("t_users") as batch:
        batch.create_index(
            batch.f("ix_t_users_dept_live"), ["dept_id", "is_deleted", "created_time"], unique=False
        )
        batch.drop_index(batch.f("ix_t_users_dept_id"))


def downgrade() -> None:
    with op.batch_alter_table("t_users") as batch:
        batch.create_index(batch.f("ix_t_users_dept_id"), ["dept_id"], unique=False)
        batch.drop_index(batch.f("ix_t_users_dept_live"))
