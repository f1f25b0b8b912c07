"""Ports of the organisation module: what its use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.org.model import Dept, Post
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.scope import RowScope
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class PostFilter:
    code: str | None = None
    name: str | None = None
    status: int | None = None
    created: TimeRange = TimeRange()


class DeptRepository(Protocol):
    """Live departments; deleted ones are invisible to every method."""

    async def add(self, dept: Dept) -> None: ...
    async def get(
        self, dept_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> Dept | None:
        """The department, if live (and, given a scope, inside it: a department is in the
        scope of itself)."""
        ...

    async def get_many(self, dept_ids: Iterable[int], *, lock: bool = False) -> list[Dept]:
        """These departments (the live ones among them), in id order; `lock` locks them in
        that order, so two writers locking the same rows never wait for each other in a ring."""
        ...

    async def all(self, scope: RowScope | None = None) -> list[Dept]:
        """The live departments (inside `scope`, as a query condition), by sort then id."""
        ...

    async def get_by_name(self, parent_id: int, name: str) -> Dept | None: ...
    async def has_children(self, dept_id: int) -> bool: ...
    async def has_users(self, dept_id: int) -> bool:
        """Whether a live user belongs to this department."""
        ...

    async def move_subtree(self, old_path: str, new_path: str, now: datetime) -> int:
        """Rewrites the path prefix `old_path` to `new_path` on every department below the
        moved one, in one statement; how many rows changed."""
        ...


class PostRepository(Protocol):
    """Live posts."""

    async def add(self, post: Post) -> None: ...
    async def get(self, post_id: int, *, lock: bool = False) -> Post | None: ...
    async def get_by_code(self, code: str) -> Post | None: ...
    async def get_many(self, post_ids: Iterable[int]) -> list[Post]: ...
    async def search(self, flt: PostFilter, page: PageRequest) -> Page[Post]: ...
    async def in_use(self, post_id: int) -> bool:
        """Whether a live user holds this post."""
        ...


class OrgUnitOfWork(UnitOfWork, Protocol):
    depts: DeptRepository
    posts: PostRepository
