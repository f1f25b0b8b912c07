"""Data scope: which rows of a scoped module a caller may see (RuoYi's "data permission").

A role carries one `DataScope`; a caller's `RowScope` is the union of the scopes of their live
roles, resolved once per request from the access cache. A scoped row has an owner department
and an owner user (a user row: its own department and itself; a reg code: its creator's
department and its creator). The scope is applied as a query condition by the adapter
(`adapters/sqlalchemy/scope.py`), never as a filter after loading; subtrees stay department
ids here and are expanded by the database at query time, so moving a subtree is live at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class DataScope(StrEnum):
    ALL = "all"  # every row
    CUSTOM = "custom"  # rows of the role's chosen departments (exactly those)
    DEPT = "dept"  # rows of the user's own department
    DEPT_AND_BELOW = "dept_and_below"  # rows of the user's department and everything below it
    SELF = "self"  # rows the user owns


@dataclass(frozen=True)
class RoleScope:
    """One role's data scope, and for `custom` its departments."""

    scope: DataScope
    dept_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RowScope:
    """The rows a caller may see: everything, or the union of the parts below."""

    everything: bool = False
    depts: frozenset[int] = frozenset()  # owned by exactly these departments
    subtrees: frozenset[int] = frozenset()  # owned by these departments or any below them
    owner: int | None = None  # owned by this user

    @classmethod
    def all(cls) -> RowScope:
        return cls(everything=True)

    @property
    def empty(self) -> bool:
        """True when no row can match: no department, no subtree, no owner."""
        return not (self.everything or self.depts or self.subtrees or self.owner is not None)

    def key(self) -> str:
        """A canonical text of the scope: equal scopes, equal keys (the kept answers key on it)."""
        if self.everything:
            return "all"
        depts = ",".join(map(str, sorted(self.depts)))
        subtrees = ",".join(map(str, sorted(self.subtrees)))
        return f"d{depts};t{subtrees};o{'' if self.owner is None else self.owner}"


def resolve(user_id: int, admin: bool, dept_id: int | None, roles: Iterable[RoleScope]) -> RowScope:
    """The union of a user's live roles' scopes; admin, or any `all` role, sees every row.

    A user with no role, or whose roles name nothing that exists, sees no row (not every row).
    `dept` and `dept_and_below` name nothing for a user without a department.
    """
    if admin:
        return RowScope.all()
    depts: set[int] = set()
    subtrees: set[int] = set()
    owner: int | None = None
    for role in roles:
        if role.scope is DataScope.ALL:
            return RowScope.all()
        if role.scope is DataScope.CUSTOM:
            depts |= role.dept_ids
        elif role.scope is DataScope.DEPT and dept_id is not None:
            depts.add(dept_id)
        elif role.scope is DataScope.DEPT_AND_BELOW and dept_id is not None:
            subtrees.add(dept_id)
        elif role.scope is DataScope.SELF:
            owner = user_id
    return RowScope(depts=frozenset(depts), subtrees=frozenset(subtrees), owner=owner)
