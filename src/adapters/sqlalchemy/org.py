"""Tables and SQLAlchemy repositories of the organisation module (departments and posts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    false,
    select,
)

from adapters.sqlalchemy.base import live
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


def in_subtrees(column: ColumnElement[Any], roots: Iterable[int]) -> ColumnElement[bool]:
    """`column` (a department id) names one of `roots` or a live department below one of them.

    The subtree is read from the tree at query time (a prefix match on `path`), so a subtree
    moved a moment ago is already where it now is.
    """
    ids = sorted(set(roots))
    if not ids:
        return false()
    root = depts.alias("root")
    below = (
        select(depts.c.id)
        .join(root, depts.c.path.startswith(root.c.path))
        .where(root.c.id.in_(ids), root.c.is_deleted == 0, live(depts))
    )
    return column.in_(below)
