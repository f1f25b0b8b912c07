"""Data scope: which rows of a scoped module a caller may see (RuoYi's "data permission").

A role carries one `DataScope`; a caller's `RowScope` is the union of the scopes of their live
roles, resolved once per request from the access cache. A scoped row has an owner department
and an owner user (a user row: its own department and itself; a business row: its creator's
department and its creator). The scope is applied as a query condition by the adapter
(`adapters/sqlalchemy/scope.py`), never as a filter after loading; subtrees stay department
ids here and are expanded by the database at query time, so moving a subtree is live at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

# What a scoped list answer reads besides its own tables: the department tree, whose moves
# change which rows a `dept_and_below` scope selects (the kept answers key on the scope itself).
SCOPE_TABLES: tuple[str, ...] = ("t_dept",)


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

    def admits(self, dept_path: Sequence[int] | None, owner: int | None) -> bool:
        """Whether a row owned by the department at `dept_path` (root first, itself last; None:
        no department) and by the user `owner` is in the scope: the rule the adapter's query
        condition translates (`adapters/sqlalchemy/scope.py`)."""
        if self.everything:
            return True
        if owner is not None and owner == self.owner:
            return True
        if not dept_path:
            return False
        return dept_path[-1] in self.depts or any(d in self.subtrees for d in dept_path)

    def covers(self, other: RowScope, paths: Mapping[int, Sequence[int]]) -> bool:
        """Whether every row `other` admits is admitted here, the tree being `paths` (dept id ->
        its path, root first); a department missing from `paths` is a path of its own id.

        `other`'s owner is left out: rows its own holder owns widen nobody's view.
        """
        if self.everything:
            return True
        if other.everything:
            return False

        def path(d: int) -> Sequence[int]:
            return paths.get(d) or (d,)

        # A whole subtree is covered only by a subtree at or above its root.
        return all(self.admits(path(d), None) for d in other.depts) and all(
            any(a in self.subtrees for a in path(d)) for d in other.subtrees
        )

    def key(self) -> str:
        """A canonical text of the scope: equal scopes, equal keys (the kept answers key on it)."""
        if self.everything:
            return "all"
        depts = ",".join(map(str, sorted(self.depts)))
        subtrees = ",".join(map(str, sorted(self.subtrees)))
        return f"d{depts};t{subtrees};o{'' if self.owner is None else self.owner}"


EVERY_ROW = RowScope.all()


def path_ids(path: str) -> tuple[int, ...]:
    """The ids of a department's stored path `/1/4/9/`, root first: (1, 4, 9)."""
    return tuple(int(part) for part in path.split("/") if part)


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
