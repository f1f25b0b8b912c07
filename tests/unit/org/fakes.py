"""In-memory fakes of the organisation module's repositories; FakeUnitOfWork opens them by
convention (`REPOSITORIES`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.org.model import Dept, Post
from core.org.ports import DeptRepository, PostFilter, PostRepository
from core.rbac.model import User
from core.shared.pagination import Page, PageRequest
from core.shared.scope import RowScope
from tests.unit.fakes import _Repo


class FakeDeptRepository(_Repo[Dept], DeptRepository):
    kind = Dept

    async def get_many(self, dept_ids: Iterable[int], *, lock: bool = False) -> list[Dept]:
        return [d for i in sorted(set(dept_ids)) if (d := await self.get(i)) is not None]

    async def get(
        self, dept_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> Dept | None:
        dept = await super().get(dept_id)
        return dept if dept is not None and self.s.admits(scope, dept_id, None) else None

    async def all(self, scope: RowScope | None = None) -> list[Dept]:
        inside = [d for d in self.s.live(Dept) if self.s.admits(scope, d.id, None)]
        return sorted(inside, key=lambda d: (d.sort, d.id or 0))

    async def get_by_name(self, parent_id: int, name: str) -> Dept | None:
        return next(
            (d for d in self.s.live(Dept) if d.parent_id == parent_id and d.name == name), None
        )

    async def has_children(self, dept_id: int) -> bool:
        return any(d.parent_id == dept_id for d in self.s.live(Dept))

    async def has_users(self, dept_id: int) -> bool:
        return any(u.dept_id == dept_id for u in self.s.live(User))

    async def move_subtree(self, old_path: str, new_path: str, now: datetime) -> int:
        moved = 0
        for d in self.s.table(Dept).values():
            if d.path.startswith(old_path) and d.path != old_path:
                d.path = new_path + d.path[len(old_path) :]
                d.modified_time = now
                moved += 1
        return moved


class FakePostRepository(_Repo[Post], PostRepository):
    kind = Post

    async def get_by_code(self, code: str) -> Post | None:
        return self._by("code", code)

    async def get_many(self, post_ids: Iterable[int]) -> list[Post]:
        return [p for i in sorted(set(post_ids)) if (p := await self.get(i)) is not None]

    async def search(self, flt: PostFilter, page: PageRequest) -> Page[Post]:
        rows = sorted(
            (
                p
                for p in self.s.live(Post)
                if (not flt.code or flt.code.lower() in p.code.lower())
                and (not flt.name or flt.name.lower() in p.name.lower())
                and (flt.status is None or p.status == flt.status)
            ),
            key=lambda p: (p.sort, p.id or 0),
        )
        return Page(rows[page.offset : page.offset + page.size], len(rows), page.page, page.size)

    async def in_use(self, post_id: int) -> bool:
        live_users = {u.id for u in self.s.live(User)}
        return any(p == post_id and u in live_users for u, p in self.s.links["user_post"])


REPOSITORIES = {"depts": FakeDeptRepository, "posts": FakePostRepository}
