"""In-memory fake of the notice module's repository; FakeUnitOfWork opens it by convention."""

from __future__ import annotations

from datetime import UTC, datetime

from core.notice.model import Notice
from core.notice.ports import InboxRow, NoticeFilter, NoticeRepository, NoticeRow
from core.shared.pagination import Page, PageRequest
from tests.unit.fakes import _page, _Repo

READS = "notice_read"  # the Store's link set of (notice_id, user_id) read marks
NEVER = datetime.min.replace(tzinfo=UTC)


class FakeNoticeRepository(_Repo[Notice], NoticeRepository):
    kind = Notice

    def _reads(self) -> set[tuple[int, int]]:
        return self.s.links.setdefault(READS, set())

    def _visible(self) -> list[Notice]:
        return [n for n in self.s.live(Notice) if n.published]

    def _row(self, n: Notice, user_id: int) -> InboxRow:
        return InboxRow(n, None, (n.id or 0, user_id) in self._reads())

    async def creator_of(self, notice: Notice) -> str | None:
        return None

    async def search(self, flt: NoticeFilter, page: PageRequest) -> Page[NoticeRow]:
        rows = [
            n
            for n in self.s.live(Notice)
            if (not flt.title or flt.title.casefold() in n.title.casefold())
            and flt.type in (None, n.type)
            and flt.status in (None, n.status)
        ]
        result = _page(rows, page)
        return Page([NoticeRow(n, None) for n in result.items], result.total, page.page, page.size)

    async def inbox(self, user_id: int, page: PageRequest) -> Page[InboxRow]:
        ordered = sorted(
            self._visible(), key=lambda n: (n.published_time or NEVER, n.id or 0), reverse=True
        )
        items = [self._row(n, user_id) for n in ordered[page.offset : page.offset + page.size]]
        return Page(items, len(ordered), page.page, page.size)

    async def published(self, user_id: int, notice_id: int) -> InboxRow | None:
        n = next((n for n in self._visible() if n.id == notice_id), None)
        return None if n is None else self._row(n, user_id)

    async def mark_read(self, user_id: int, notice_id: int, now: datetime) -> None:
        self._reads().add((notice_id, user_id))

    async def unread_count(self, user_id: int) -> int:
        return sum(1 for n in self._visible() if (n.id or 0, user_id) not in self._reads())


REPOSITORIES = {"notices": FakeNoticeRepository}
