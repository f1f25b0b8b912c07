"""The data scope as a query condition: the one SQL translation of `core.shared.scope.RowScope`.

A module's table opts in once, beside its definition, by naming its two owner columns:

    scoped(things, dept="dept_id", user="creator_id")

and every query of a scoped use case adds `*in_scope(things, scope)` to its WHERE. The
condition is `RowScope.admits` in SQL: everything -> no condition; nothing -> false; else
`dept IN (depts)` OR `dept` within the subtrees (read from the tree at query time, so a moved
subtree is obeyed by the next query) OR `user = owner`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, false, or_

from adapters.sqlalchemy.org import in_subtrees
from core.shared.scope import RowScope

_KEY = "row_owners"


@dataclass(frozen=True)
class RowOwners:
    """A scoped table's owner columns: the row's department, and the user who owns it (if any)."""

    dept: ColumnElement[Any]
    user: ColumnElement[Any] | None = None

    def where(self, scope: RowScope) -> list[ColumnElement[bool]]:
        """The WHERE clauses (none or one) that keep the rows `scope` admits."""
        if scope.everything:
            return []
        parts: list[ColumnElement[bool]] = []
        if scope.depts:
            parts.append(self.dept.in_(sorted(scope.depts)))
        if scope.subtrees:
            parts.append(in_subtrees(self.dept, scope.subtrees))
        if scope.owner is not None and self.user is not None:
            parts.append(self.user == scope.owner)
        return [or_(*parts)] if parts else [false()]


def scoped(table: Table, *, dept: str, user: str | None = None) -> RowOwners:
    """Declares `table` scoped by its columns `dept` (owner department) and `user` (owner user)."""
    owners = RowOwners(table.c[dept], table.c[user] if user is not None else None)
    table.info[_KEY] = owners
    return owners


def in_scope(table: Table, scope: RowScope) -> list[ColumnElement[bool]]:
    """The clauses that keep the rows of a scoped table that `scope` admits."""
    owners = table.info.get(_KEY)
    if not isinstance(owners, RowOwners):
        raise TypeError(f"{table.name} is not scoped: declare it with scoped(...)")
    return owners.where(scope)
