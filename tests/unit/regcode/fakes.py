"""In-memory fake of the reg-code module's repository; FakeUnitOfWork opens it by convention."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.regcode.model import RegCode, RegCodeState
from core.regcode.ports import RegCodeRepository, RegCodeRow
from core.shared.pagination import Page, PageRequest
from core.shared.scope import RowScope
from tests.unit.fakes import _page, _Repo


class FakeRegCodeRepository(_Repo[RegCode], RegCodeRepository):
    kind = RegCode

    async def add_many(self, codes: Iterable[RegCode]) -> None:
        for code in codes:
            self.s.add(code)

    async def existing_codes(self, codes: Iterable[str]) -> frozenset[str]:
        live = {c.code for c in self.s.live(RegCode)}
        return frozenset(c for c in codes if c in live)

    async def next_deadline_after(self, now: datetime) -> datetime | None:
        later = [c.deadline for c in self.s.live(RegCode) if c.deadline and c.deadline > now]
        return min(later, default=None)

    async def expire_due(self, now: datetime, limit: int) -> int:
        due = [
            c
            for c in self.s.live(RegCode)
            if c.state_at(now) == RegCodeState.EXPIRED and c.state != RegCodeState.EXPIRED
        ][:limit]
        for c in due:
            c.state = RegCodeState.EXPIRED
        return len(due)

    async def get(
        self, code_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> RegCode | None:
        code = await super().get(code_id)
        if code is None or not self.s.admits(scope, code.dept_id, code.creator_id):
            return None
        return code

    async def search(
        self, flt: Any, page: PageRequest, now: datetime, scope: RowScope | None = None
    ) -> Page[Any]:
        rows = [
            c
            for c in self.s.live(RegCode)
            if (flt.state is None or c.state_at(now) == flt.state)
            and self.s.admits(scope, c.dept_id, c.creator_id)
        ]
        result = _page(rows, page)
        return Page(
            [RegCodeRow(c, None) for c in result.items], result.total, result.page, result.size
        )

    async def after(
        self,
        flt: Any,
        after_id: int,
        limit: int,
        now: datetime,
        scope: RowScope | None = None,
    ) -> list[Any]:
        rows = sorted(
            (
                c
                for c in self.s.live(RegCode)
                if (c.id or 0) > after_id
                and (flt.state is None or c.state_at(now) == flt.state)
                and self.s.admits(scope, c.dept_id, c.creator_id)
            ),
            key=lambda c: c.id or 0,
        )
        fields = ("id", "code", "reg_times", "first_active_time", "deadline", "remark")
        return [
            {**{f: getattr(c, f) for f in fields}, "creator": None, "created_time": c.created_time}
            for c in rows[:limit]
        ]


REPOSITORIES = {"reg_codes": FakeRegCodeRepository}
