"""Departments (a tree) and posts, with the rules that belong to them.

A department's `path` is the ids from the root down to itself, `/1/4/9/`: its ancestors are
read from it without a query, and its subtree is every department whose path starts with it.
`parent_id` 0 is a root. A department is usable (for a user, for a new child) when it and
every department above it are enabled: disabling one hides everything below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.shared.commands import UNSET, Maybe
from core.shared.errors import Conflict, InvalidInput
from core.shared.model import Entity

ENABLED = 1
DISABLED = 0
ROOT = 0


def path_of(parent_path: str, dept_id: int) -> str:
    """The path of department `dept_id` under a parent of `parent_path` ("" for a root)."""
    return f"{parent_path or '/'}{dept_id}/"


def ids_of(path: str) -> list[int]:
    """The ids a path names, root first (the department itself last)."""
    return [int(part) for part in path.strip("/").split("/") if part]


@dataclass(kw_only=True, eq=False)
class Dept(Entity):
    name: str
    parent_id: int = ROOT
    path: str = ""
    sort: int = 0
    leader: str = ""
    phone: str = ""
    email: str = ""
    status: int = ENABLED

    @property
    def enabled(self) -> bool:
        return self.status == ENABLED and not self.deleted

    @property
    def ancestor_ids(self) -> list[int]:
        """The departments above this one, root first."""
        return [i for i in ids_of(self.path) if i != self.id]

    def is_within(self, other: Dept) -> bool:
        """Whether this department is `other` or below it."""
        return bool(other.path) and self.path.startswith(other.path)

    def change(
        self,
        *,
        name: Maybe[str] = UNSET,
        sort: Maybe[int] = UNSET,
        leader: Maybe[str] = UNSET,
        phone: Maybe[str] = UNSET,
        email: Maybe[str] = UNSET,
    ) -> None:
        """The plain fields; the parent changes by `move_under`, the status by `set_status`."""
        self._assign(name=name, sort=sort, leader=leader, phone=phone, email=email)

    def set_status(self, status: int) -> None:
        if status not in (ENABLED, DISABLED):
            raise InvalidInput("status is 1 (enabled) or 0 (disabled)", "status_invalid", "status")
        self.status = status

    def place(self, parent: Dept | None) -> None:
        """A new department (stored, so it has an id) takes its place under `parent`."""
        if self.id is None:
            raise ValueError("a department is placed once it has an id")
        self.parent_id = ROOT if parent is None else _id(parent)
        self.path = path_of(parent.path if parent is not None else "", self.id)

    def move_under(self, parent: Dept | None) -> str:
        """Hang this department (and its subtree) under `parent`; the old path is returned.

        A department never hangs under itself or a department below it (409 `dept_cycle`):
        the subtree would be cut off from every root. The caller rewrites the subtree's
        paths from the old prefix to the new one.
        """
        old = self.path
        if parent is not None and parent.is_within(self):
            raise Conflict(
                "a department cannot move under itself or a department below it", "dept_cycle"
            )
        self.place(parent)
        return old


def check_usable(dept: Dept | None, ancestors: Iterable[Dept], what: str = "dept_id") -> Dept:
    """A department a user joins or a child hangs under: it exists, it and those above are enabled.

    A missing or deleted one is 422 `dept_not_found` (a bad value in the body, the row the
    request is about may well exist); a disabled one, or one below a disabled one, 422
    `dept_disabled`.
    """
    if dept is None or dept.deleted:
        raise InvalidInput("no such department", "dept_not_found", what)
    above = {a.id: a for a in ancestors}
    if not dept.enabled or any(
        (a := above.get(i)) is None or not a.enabled for i in dept.ancestor_ids
    ):
        raise InvalidInput("this department is disabled", "dept_disabled", what)
    return dept


def _id(dept: Dept) -> int:
    if dept.id is None:
        raise ValueError("the department is not stored")
    return dept.id


@dataclass(kw_only=True, eq=False)
class Post(Entity):
    code: str
    name: str
    sort: int = 0
    status: int = ENABLED
    remark: str = ""

    def change(
        self,
        *,
        code: Maybe[str] = UNSET,
        name: Maybe[str] = UNSET,
        sort: Maybe[int] = UNSET,
        remark: Maybe[str] = UNSET,
    ) -> None:
        """The caller checks first that a new code is free among live posts."""
        self._assign(code=code, name=name, sort=sort, remark=remark)

    def set_status(self, status: int) -> None:
        if status not in (ENABLED, DISABLED):
            raise InvalidInput("status is 1 (enabled) or 0 (disabled)", "status_invalid", "status")
        self.status = status


@dataclass(frozen=True)
class DeptNode:
    dept: Dept
    children: list[DeptNode] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class DeptFilter:
    """`name`: the text anywhere in the name, case-blind; `status` 1: usable (it and every
    department above it enabled), 0: disabled itself."""

    name: str | None = None
    status: int | None = None

    def matches(self, dept: Dept, by_id: dict[int, Dept]) -> bool:
        if self.name and self.name.casefold() not in dept.name.casefold():
            return False
        if self.status is None:
            return True
        if self.status == ENABLED:
            chain = [by_id.get(i) for i in dept.ancestor_ids]
            return dept.enabled and all(a is not None and a.enabled for a in chain)
        return dept.status == self.status

    @property
    def empty(self) -> bool:
        return not self.name and self.status is None


def build_tree(depts: Iterable[Dept], keep: Iterable[int] | None = None) -> list[DeptNode]:
    """The departments as a forest, siblings by sort then id; `keep`: only these ids.

    A kept department whose parent is not kept hangs at the root of the answer (the caller
    keeps ancestors when the tree must stay whole).
    """
    ordered = sorted(depts, key=lambda d: (d.sort, d.id or 0))
    wanted = None if keep is None else set(keep)
    if wanted is not None:
        ordered = [d for d in ordered if d.id in wanted]
    nodes = {d.id: DeptNode(d) for d in ordered}
    roots: list[DeptNode] = []
    for d in ordered:
        parent = nodes.get(d.parent_id) if d.parent_id != ROOT else None
        (parent.children if parent is not None else roots).append(nodes[d.id])
    return roots


def with_ancestors(depts: Iterable[Dept], chosen: Iterable[int]) -> set[int]:
    """The chosen departments' ids and those of every department above them (read from paths)."""
    by_id = {d.id: d for d in depts}
    out: set[int] = set()
    for dept_id in chosen:
        dept = by_id.get(dept_id)
        if dept is not None and dept.id is not None:
            out.add(dept.id)
            out.update(i for i in dept.ancestor_ids if i in by_id)
    return out
