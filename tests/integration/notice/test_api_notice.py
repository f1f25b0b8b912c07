"""Notices over HTTP on the database server + Redis: administration, what users read, the
bell's count as another user sees it, bad input, labels, and racing read marks."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.sqlalchemy.notice import notice_reads, notices
from tests.integration.conftest import App, execute, unique

NOTICE = "/api/v1/system/notice"
MINE = "/api/v1/user/notices"
PASSWORD = "a fine password 1"


def _create(api: App, h: dict[str, str], **body: Any) -> int:
    r = api.client.post(NOTICE, headers=h, json={"title": unique("n"), **body})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _user(api: App, admin: dict[str, str], role_ids: list[int] | None = None) -> dict[str, str]:
    name = unique("reader")
    r = api.client.post(
        "/api/v1/permission/user",
        headers=admin,
        json={"username": name, "password": PASSWORD, "role_ids": role_ids or []},
    )
    assert r.status_code == 201, r.text
    return api.login(name, PASSWORD)


def _count(api: App, h: dict[str, str]) -> int:
    r = api.client.get(f"{MINE}/unread-count", headers=h)
    assert r.status_code == 200, r.text
    return int(r.json()["count"])


def _rows(api: App, table: Any, notice_id: int) -> int:
    column = table.c.id if table is notices else table.c.notice_id
    return int(execute(api, select(func.count()).where(column == notice_id))[0][0])


def test_crud_publish_and_the_sanitised_content(api: App, admin: dict[str, str]) -> None:
    title = unique("Maintenance ")
    nid = _create(
        api,
        admin,
        title=title,
        type="announcement",
        content='<p onclick="steal()">Tonight<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>',
    )
    got = api.client.get(f"{NOTICE}/{nid}", headers=admin).json()
    assert got["content"] == '<p>Tonight</p><a rel="noopener noreferrer">x</a><img src="x">'
    assert (got["status"], got["type"], got["creator"]) == ("draft", "announcement", "admin")
    assert got["published_time"] is None
    stored = execute(api, select(notices.c.content).where(notices.c.id == nid))[0][0]
    assert stored == got["content"]  # what is stored is the sanitised text

    listed = api.client.get(NOTICE, headers=admin, params={"title": title[-8:].upper()}).json()
    assert [n["id"] for n in listed["items"]] == [nid] and "content" not in listed["items"][0]
    for params, hit in (
        ({"type": "announcement"}, True),
        ({"type": "notice"}, False),
        ({"status": "draft"}, True),
        ({"status": "published"}, False),
    ):
        ids = {
            n["id"]
            for n in api.client.get(
                NOTICE, headers=admin, params={**params, "title": title, "size": 100}
            ).json()["items"]
        }
        assert (nid in ids) is hit, params

    r = api.client.put(f"{NOTICE}/{nid}", headers=admin, json={"status": "published"})
    assert r.status_code == 204, r.text
    first = api.client.get(f"{NOTICE}/{nid}", headers=admin).json()["published_time"]
    assert first is not None
    for status in ("draft", "published"):
        api.client.put(f"{NOTICE}/{nid}", headers=admin, json={"status": status})
    again = api.client.get(f"{NOTICE}/{nid}", headers=admin).json()
    assert again["published_time"] == first  # set when it first became published, only

    r = api.client.put(f"{NOTICE}/{nid}", headers=admin, json={"title": "Renamed"})
    assert r.status_code == 204
    assert api.client.get(f"{NOTICE}/{nid}", headers=admin).json()["title"] == "Renamed"
    assert api.client.delete(f"{NOTICE}/{nid}", headers=admin).status_code == 204
    r = api.client.get(f"{NOTICE}/{nid}", headers=admin)
    assert r.status_code == 404 and r.json()["code"] == "notice_not_found"
    assert api.client.delete(f"{NOTICE}/{nid}", headers=admin).status_code == 404
    assert _rows(api, notices, nid) == 1  # soft: the row stays, deleted


def test_another_user_sees_the_bell_count_change(api: App, admin: dict[str, str]) -> None:
    reader, other = _user(api, admin), _user(api, admin)
    start = _count(api, reader)
    nid = _create(api, admin, content="<p>hello</p>")
    assert _count(api, reader) == start  # a draft is no one's to read
    r = api.client.get(f"{MINE}/{nid}", headers=reader)
    assert r.status_code == 404 and r.json()["code"] == "notice_not_found"
    assert api.client.put(f"{MINE}/{nid}/read", headers=reader).status_code == 404

    api.client.put(f"{NOTICE}/{nid}", headers=admin, json={"status": "published"})
    assert _count(api, reader) == start + 1
    first = api.client.get(MINE, headers=reader).json()
    assert first["items"][0]["id"] == nid and first["items"][0]["read"] is False
    assert "content" not in first["items"][0]

    one = api.client.get(f"{MINE}/{nid}", headers=reader).json()
    assert one["content"] == "<p>hello</p>" and one["read"] is False
    assert _count(api, reader) == start + 1  # reading it does not mark it

    for _ in range(2):  # idempotent
        r = api.client.put(f"{MINE}/{nid}/read", headers=reader)
        assert r.status_code == 204, r.text
    assert _count(api, reader) == start
    assert _count(api, other) == start + 1  # the other user's count is theirs
    assert _rows(api, notice_reads, nid) == 1
    assert api.client.get(f"{MINE}/{nid}", headers=reader).json()["read"] is True
    listed = api.client.get(MINE, headers=reader).json()["items"]
    assert next(n for n in listed if n["id"] == nid)["read"] is True

    api.client.delete(f"{NOTICE}/{nid}", headers=admin)
    assert _count(api, other) == start  # a deleted notice leaves everyone's bell
    assert api.client.get(f"{MINE}/{nid}", headers=other).status_code == 404
    assert nid not in {n["id"] for n in api.client.get(MINE, headers=other).json()["items"]}


def test_users_list_published_notices_newest_first(api: App, admin: dict[str, str]) -> None:
    reader = _user(api, admin)
    older = _create(api, admin, status="published")
    _create(api, admin)  # a draft
    newer = _create(api, admin, status="published")
    items = api.client.get(MINE, headers=reader, params={"size": 100}).json()["items"]
    ids = [n["id"] for n in items]
    assert ids.index(newer) < ids.index(older)
    times = [n["published_time"] for n in items]
    assert times == sorted(times, reverse=True)
    r = api.client.get(MINE, headers=reader, params={"size": 101})
    assert r.status_code == 422


def test_marks_racing_for_one_notice_leave_one_mark(api: App, admin: dict[str, str]) -> None:
    nid = _create(api, admin, status="published")
    name = unique("racer")
    api.client.post(
        "/api/v1/permission/user", headers=admin, json={"username": name, "password": PASSWORD}
    )
    found = api.client.get("/api/v1/permission/user", headers=admin, params={"username": name})
    user_id = int(found.json()["items"][0]["id"])
    service = api.container.notices()

    async def race() -> None:
        await asyncio.gather(*(service.mark_read(user_id, nid) for _ in range(4)))

    api.run(race)
    assert _rows(api, notice_reads, nid) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"title": ""}, "validation_error"),
        ({"title": "x" * 101}, "validation_error"),
        ({"title": "t", "type": "news"}, "validation_error"),
        ({"title": "t", "status": "archived"}, "validation_error"),
        ({"title": "t", "content": 5}, "validation_error"),
        ({"title": "t", "roles": [1]}, "validation_error"),
        ({"title": "t", "content": "<p>" + "é" * 40_000 + "</p>"}, "notice_content_too_large"),
        ({"title": "t", "content": "x" * (256 * 1024 + 1)}, "validation_error"),
        ({"title": "t\x00"}, "invalid_input"),
    ],
)
def test_bad_input_is_a_422_and_writes_nothing(
    api: App, admin: dict[str, str], body: dict[str, Any], code: str
) -> None:
    before = int(execute(api, select(func.count()).select_from(notices))[0][0])
    r = api.client.post(NOTICE, headers=admin, json=body)
    assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert int(execute(api, select(func.count()).select_from(notices))[0][0]) == before


def test_a_script_only_notice_is_stored_sanitised(api: App, admin: dict[str, str]) -> None:
    nid = _create(api, admin, content="<script>alert(1)</script><svg onload=alert(1)>")
    assert api.client.get(f"{NOTICE}/{nid}", headers=admin).json()["content"] == ""


def test_bad_updates_change_nothing(api: App, admin: dict[str, str]) -> None:
    nid = _create(api, admin, content="<p>keep</p>")
    before = api.client.get(f"{NOTICE}/{nid}", headers=admin).json()
    for body in (
        {"title": None},
        {"status": None},
        {"status": "gone"},
        {"content": "é" * 40_000, "title": "changed"},
    ):
        r = api.client.put(f"{NOTICE}/{nid}", headers=admin, json=body)
        assert r.status_code == 422, (body, r.text)
    assert api.client.get(f"{NOTICE}/{nid}", headers=admin).json() == before
    assert api.client.put(f"{NOTICE}/999999999", headers=admin, json={}).status_code == 404
    assert api.client.get(f"{NOTICE}/0", headers=admin).status_code == 422


def test_the_labels_guard_the_administration(api: App, admin: dict[str, str]) -> None:
    nobody = _user(api, admin)  # no role: no label
    nid = _create(api, admin, status="published")
    for method, url in (
        ("GET", NOTICE),
        ("POST", NOTICE),
        ("GET", f"{NOTICE}/{nid}"),
        ("PUT", f"{NOTICE}/{nid}"),
        ("DELETE", f"{NOTICE}/{nid}"),
    ):
        r = api.client.request(method, url, headers=nobody, json={"title": "x"})
        assert r.status_code == 403 and r.json()["code"] == "permission_denied", (method, url)
    assert api.client.get(f"{MINE}/{nid}", headers=nobody).status_code == 200  # users read
    opt = api.login("opt", "opt123")
    assert api.client.get(NOTICE, headers=opt).status_code == 200  # opt reads the page
    assert api.client.get(f"{NOTICE}/{nid}", headers=opt).status_code == 200
    r = api.client.post(NOTICE, headers=opt, json={"title": "x"})
    assert r.status_code == 403  # and writes nothing
    for method, url in (("GET", MINE), ("GET", f"{MINE}/unread-count")):
        assert api.client.request(method, url).status_code == 401
