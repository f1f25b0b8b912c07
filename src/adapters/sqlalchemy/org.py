"""Tables and SQLAlchemy repositories of the organisation module (departments and posts)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from adapters.sqlalchemy.tables import audit_columns, metadata
from adapters.sqlalchemy.types import ExactString

# --- tables ---
# A department's `path` is the ids from the root down to itself, `/1/4/9/`: the subtree of a
# department is every row whose path starts with its path (one indexed prefix match on every
# database), and moving a subtree rewrites that prefix in one statement. `parent_id` 0 is a root.
depts = Table(
    "t_dept",
    metadata,
    *audit_columns(),
    Column("parent_id", BigInteger, nullable=False, server_default="0"),
    Column("path", ExactString(760), nullable=False, server_default=""),
    Column("name", String(64), nullable=False),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("leader", String(64), nullable=False, server_default=""),
    Column("phone", String(32), nullable=False, server_default=""),
    Column("email", String(128), nullable=False, server_default=""),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    UniqueConstraint("parent_id", "name", "is_deleted"),
    Index("ix_t_dept_path", "path"),
)

posts = Table(
    "t_post",
    metadata,
    *audit_columns(),
    Column("code", ExactString(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("remark", String(255), nullable=False, server_default=""),
    UniqueConstraint("code", "is_deleted"),
)
