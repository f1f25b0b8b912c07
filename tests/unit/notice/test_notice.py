"""Notice rules on the entity and the use cases through the container, on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bootstrap import Container
from core.notice.commands import CreateNotice, UpdateNotice
from core.notice.model import MAX_CONTENT_BYTES, Notice, NoticeStatus
from core.notice.ports import NoticeFilter
from core.shared.errors import InvalidInput, NotFound
from core.shared.pagination import PageRequest
from tests.unit.fakes import FakeClock, Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ADMIN = 1
READER = 42


def test_publishing_stamps_the_published_time_once() -> None:
    notice = Notice(title="t")
    assert notice.published_time is None
    notice.set_status("published", T0)
    assert notice.published and notice.published_time == T0
    notice.set_status("draft", T0 + timedelta(hours=1))
    assert not notice.published and notice.published_time == T0  # unpublishing keeps it
    notice.set_status("published", T0 + timedelta(hours=2))
    assert notice.published_time == T0  # republishing does not move it


def test_a_draft_has_no_published_time() -> None:
    notice = Notice(title="t")
    notice.set_status("draft", T0)
    assert notice.status == NoticeStatus.DRAFT and notice.published_time is None


@pytest.mark.parametrize("status", ["", "Published", "archived", "1"])
def test_an_unknown_status_is_refused_and_changes_nothing(status: str) -> None:
    notice = Notice(title="t")
    with pytest.raises(InvalidInput) as exc:
        notice.set_status(status, T0)
    assert exc.value.code == "notice_status_invalid"
    assert notice.status == NoticeStatus.DRAFT and notice.published_time is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": ""}, "notice_title_invalid"),
        ({"title": "   "}, "notice_title_invalid"),
        ({"title": "x" * 101}, "notice_title_invalid"),
        ({"type": "news"}, "notice_type_invalid"),
        ({"content": "é" * (MAX_CONTENT_BYTES // 2 + 1)}, "notice_content_too_large"),
    ],
)
def test_bad_changes_are_refused(changes: dict[str, str], code: str) -> None:
    notice = Notice(title="t")
    with pytest.raises(InvalidInput) as exc:
        notice.change(**changes)
    assert exc.value.code == code
    assert notice.title == "t" and notice.type == "notice" and notice.content == ""


def test_content_up_to_the_limit_is_kept() -> None:
    notice = Notice(title="t")
    notice.change(content="a" * MAX_CONTENT_BYTES)
    assert len(notice.content) == MAX_CONTENT_BYTES


async def test_create_sanitises_and_publishes_through_the_service(
    container: Container, clock: FakeClock
) -> None:
    service = container.notices()
    nid = await service.create(
        ADMIN,
        CreateNotice(
            title="Hello",
            content='<p onclick="x()">hi<script>alert(1)</script></p>',
            status="published",
        ),
    )
    view = await service.get(nid)
    assert view.notice.content == "<p>hi</p>"
    assert view.notice.published_time == clock.now()
    assert view.notice.creator_id == ADMIN


async def test_update_stamps_the_first_publication_only(
    container: Container, clock: FakeClock
) -> None:
    service = container.notices()
    nid = await service.create(ADMIN, CreateNotice(title="Draft"))
    assert (await service.get(nid)).notice.published_time is None
    clock.advance(hours=1)
    first = clock.now()
    await service.update(ADMIN, nid, UpdateNotice(status="published"))
    clock.advance(hours=1)
    await service.update(ADMIN, nid, UpdateNotice(status="draft"))
    await service.update(ADMIN, nid, UpdateNotice(status="published", title="Again"))
    notice = (await service.get(nid)).notice
    assert notice.published_time == first and notice.title == "Again"


async def test_a_refused_update_changes_nothing(container: Container, store: Store) -> None:
    service = container.notices()
    nid = await service.create(ADMIN, CreateNotice(title="Keep", content="<p>a</p>"))
    commits = store.commits
    with pytest.raises(InvalidInput):
        await service.update(ADMIN, nid, UpdateNotice(title="New", content="é" * MAX_CONTENT_BYTES))
    notice = (await service.get(nid)).notice
    assert (notice.title, notice.content) == ("Keep", "<p>a</p>")
    assert store.commits == commits


async def test_users_see_published_notices_newest_first_and_their_read_marks(
    container: Container, clock: FakeClock
) -> None:
    service = container.notices()
    old = await service.create(ADMIN, CreateNotice(title="old", status="published"))
    clock.advance(minutes=1)
    draft = await service.create(ADMIN, CreateNotice(title="draft"))
    clock.advance(minutes=1)
    new = await service.create(ADMIN, CreateNotice(title="new", status="published"))
    page = await service.inbox(READER, PageRequest())
    assert [r.notice.id for r in page.items] == [new, old] and page.total == 2
    assert not any(r.read for r in page.items)
    assert await service.unread_count(READER) == 2
    with pytest.raises(NotFound) as exc:
        await service.read(READER, draft)
    assert exc.value.code == "notice_not_found"
    with pytest.raises(NotFound):
        await service.mark_read(READER, draft)


async def test_reading_does_not_mark_and_marking_is_idempotent(
    container: Container, store: Store
) -> None:
    service = container.notices()
    nid = await service.create(ADMIN, CreateNotice(title="n", status="published"))
    assert not (await service.read(READER, nid)).read
    assert await service.unread_count(READER) == 1  # reading it did not mark it
    await service.mark_read(READER, nid)
    commits = store.commits
    await service.mark_read(READER, nid)  # a second mark: nothing to write
    assert store.commits == commits
    assert store.links["notice_read"] == {(nid, READER)}
    assert (await service.read(READER, nid)).read
    assert await service.unread_count(READER) == 0
    assert await service.unread_count(READER + 1) == 1  # another user's marks are their own


async def test_a_deleted_or_unpublished_notice_leaves_the_users(container: Container) -> None:
    service = container.notices()
    a = await service.create(ADMIN, CreateNotice(title="a", status="published"))
    b = await service.create(ADMIN, CreateNotice(title="b", status="published"))
    assert await service.unread_count(READER) == 2
    await service.delete(ADMIN, a)
    await service.update(ADMIN, b, UpdateNotice(status="draft"))
    assert await service.unread_count(READER) == 0
    assert (await service.inbox(READER, PageRequest())).items == []
    for nid in (a, b):
        with pytest.raises(NotFound):
            await service.read(READER, nid)
    with pytest.raises(NotFound):
        await service.get(a)


async def test_the_admin_list_filters(container: Container) -> None:
    service = container.notices()
    await service.create(ADMIN, CreateNotice(title="Server maintenance", type="announcement"))
    await service.create(ADMIN, CreateNotice(title="Holiday", status="published"))
    found = await service.search(NoticeFilter(title="MAINT"), PageRequest())
    assert [v.notice.title for v in found.items] == ["Server maintenance"]
    found = await service.search(NoticeFilter(status="published"), PageRequest())
    assert [v.notice.title for v in found.items] == ["Holiday"]
    found = await service.search(NoticeFilter(type="announcement"), PageRequest())
    assert [v.notice.title for v in found.items] == ["Server maintenance"]


async def test_the_module_seeds_its_page_labels_and_dictionaries(seeded: Container) -> None:
    types = await seeded.dictionaries().items_of("sys_notice_type")
    assert [i["value"] for i in types] == ["notice", "announcement"]
    statuses = await seeded.dictionaries().items_of("sys_notice_status")
    assert [i["value"] for i in statuses] == [str(s) for s in NoticeStatus]
    async with seeded.uow() as uow:
        for menu in ("system_notice", *(f"system_notice:{v}" for v in ("post", "put", "delete"))):
            assert await uow.menus.get_by_name(menu) is not None
        for verb in ("get", "post", "put", "delete"):
            assert await uow.labels.get_by_label(f"perm:notice:{verb}") is not None
