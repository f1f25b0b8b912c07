"""The one metadata of the schema, and the columns every table has.

Each module's tables live in its own adapter file (`adapters/sqlalchemy/<module>.py`) on this
metadata; `adapters.sqlalchemy.modules.load` imports the files of the modules in the list, so
the metadata is complete once the container (or Alembic's environment) has loaded them.
Alembic revisions must match it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    MetaData,
)

from adapters.sqlalchemy.types import Id, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def audit_columns() -> list[Column[object]]:
    """The columns every table has; `is_deleted` is 0 when live, else the row's own id."""
    return [
        Column("id", Id, primary_key=True, autoincrement=True),
        Column("created_time", UtcDateTime(), nullable=True, index=True),
        Column("creator_id", BigInteger, nullable=True),
        Column("modified_time", UtcDateTime(), nullable=True),
        Column("modifier_id", BigInteger, nullable=True),
        Column("is_deleted", BigInteger, nullable=False, server_default="0", default=0),
    ]
