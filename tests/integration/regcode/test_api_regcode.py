"""Reg codes over HTTP on MariaDB + Redis: generation, activation, filters, sorting, labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from adapters.sqlalchemy.regcode import reg_codes
from tests.integration.conftest import App, counting, execute, unique

RC = "/api/v1/business/reg-code"


def _generate(
    api: App, headers: dict[str, str], count: int, reg_times: int, remark: str
) -> list[dict]:  # type: ignore[type-arg]
    r = api.client.post(
        RC, headers=headers, json={"count": count, "reg_times": reg_times, "remark": remark}
    )
    assert r.status_code == 201, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def test_generate_activate_and_expire(api: App, admin: dict[str, str]) -> None:
    remark = unique("batch")
    codes = _generate(api, admin, 3, 30, remark)
    assert len({c["code"] for c in codes}) == 3 and all(c["state"] == 0 for c in codes)
    assert all(c["creator"] == "admin" for c in codes)
    first = codes[0]["id"]
    active = api.client.put(f"{RC}/{first}/activate", headers=admin).json()
    assert active["state"] == 1
    start = datetime.fromisoformat(active["first_active_time"])
    assert datetime.fromisoformat(active["deadline"]) - start == timedelta(days=30)
    again = api.client.put(f"{RC}/{first}/activate", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "reg_code_already_active"

    # Move the deadline into the past in the database: the code reads as expired at once.
    execute(
        api,
        update(reg_codes)
        .where(reg_codes.c.id == first)
        .values(deadline=datetime.now(UTC) - timedelta(seconds=1)),
    )
    assert api.client.get(f"{RC}/{first}", headers=admin).json()["state"] == 2
    by_state = {
        s: api.client.get(RC, headers=admin, params={"code": "", "state": s, "size": 100}).json()
        for s in (0, 1, 2)
    }
    ids = {s: {i["id"] for i in page["items"]} for s, page in by_state.items()}
    assert first in ids[2] and first not in ids[1] and codes[1]["id"] in ids[0]


def test_validation_errors(api: App, admin: dict[str, str]) -> None:
    for body in (
        {"count": 0, "reg_times": 1},
        {"count": 1, "reg_times": 0},
        {"count": 1001, "reg_times": 1},
        {"reg_times": 1, "extra": 1},
    ):
        r = api.client.post(RC, headers=admin, json=body)
        assert r.status_code == 422 and r.json()["code"] == "validation_error"
    bad = api.client.get(RC, headers=admin, params={"deadline_start": "not-a-date"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "deadline_start"]
    assert api.client.get(RC, headers=admin, params={"sort": "code"}).status_code == 422
    assert api.client.put(f"{RC}/99999999/activate", headers=admin).status_code == 404


def test_range_filters_accept_dates_datetimes_and_timestamps(
    api: App, admin: dict[str, str]
) -> None:
    remark = unique("range")
    codes = _generate(api, admin, 2, 10, remark)
    api.client.put(f"{RC}/{codes[0]['id']}/activate", headers=admin)
    deadline = datetime.fromisoformat(
        api.client.get(f"{RC}/{codes[0]['id']}", headers=admin).json()["deadline"]
    )
    for start, end in (
        (deadline.date().isoformat(), deadline.date().isoformat()),
        (
            (deadline - timedelta(minutes=1)).isoformat(),
            (deadline + timedelta(minutes=1)).isoformat(),
        ),
        (str(int(deadline.timestamp()) - 60), str(int(deadline.timestamp()) + 60)),
    ):
        page = api.client.get(
            RC, headers=admin, params={"deadline_start": start, "deadline_end": end, "size": 100}
        ).json()
        assert codes[0]["id"] in {i["id"] for i in page["items"]}, (start, end)
        assert codes[1]["id"] not in {i["id"] for i in page["items"]}
    after = api.client.get(
        RC,
        headers=admin,
        params={"deadline_start": (deadline + timedelta(seconds=1)).isoformat(), "size": 100},
    ).json()
    assert codes[0]["id"] not in {i["id"] for i in after["items"]}
    today = datetime.now(UTC).date().isoformat()
    created = api.client.get(
        RC,
        headers=admin,
        params={"created_start": today, "created_end": today, "creator_id": 1, "size": 100},
    ).json()
    assert {c["id"] for c in codes} <= {i["id"] for i in created["items"]}


def test_sorting(api: App, admin: dict[str, str]) -> None:
    _generate(api, admin, 3, 5, unique("sort"))
    for sort in ("created_time", "deadline", "state"):
        for order in ("asc", "desc"):
            page = api.client.get(
                RC, headers=admin, params={"sort": sort, "order": order, "size": 50}
            ).json()
            assert page["total"] >= 3
    states = [
        i["state"]
        for i in api.client.get(
            RC, headers=admin, params={"sort": "state", "order": "desc", "size": 100}
        ).json()["items"]
    ]
    assert states == sorted(states, reverse=True)


def test_a_computed_list_with_creators_costs_three_queries_whatever_the_size(
    api: App, admin: dict[str, str]
) -> None:
    _generate(api, admin, 30, 5, unique("n1"))
    api.client.get(RC, headers=admin, params={"size": 5})  # warm the caller's caches
    for n, size in enumerate((5, 30)):
        fresh = {"size": size, "created_start": 1_000_000_000 + n}  # a new query: computed
        with counting(api) as statements:
            r = api.client.get(RC, headers=admin, params=fresh)
        assert r.status_code == 200 and len(r.json()["items"]) == size
        # the page (joined with t_users), the count, and the next deadline (how long it holds)
        assert len(statements) == 3, statements


def test_user_reads_codes_and_nothing_else_opt_writes(api: App) -> None:
    user, opt = api.login("user", "123456"), api.login("opt", "opt123")
    codes = _generate(api, opt, 1, 3, unique("opt"))
    assert api.client.put(f"{RC}/{codes[0]['id']}/activate", headers=opt).status_code == 200
    assert api.client.get(RC, headers=user).status_code == 200
    assert api.client.get(f"{RC}/{codes[0]['id']}", headers=user).status_code == 200
    assert api.client.post(RC, headers=user, json={"count": 1, "reg_times": 1}).status_code == 403
    assert api.client.put(f"{RC}/{codes[0]['id']}/activate", headers=user).status_code == 403
    assert api.client.delete(f"{RC}/{codes[0]['id']}", headers=user).status_code == 403
    assert api.client.get("/api/v1/system/config-setting", headers=user).status_code == 403
    assert api.client.get("/api/v1/permission/user", headers=user).status_code == 403
    routers = api.client.get("/api/v1/user/routers", headers=user).json()
    assert [m["name"] for m in routers["menus"]] == ["business"]
    # Readers of reg codes may also export them (the reports module seeds that label).
    assert routers["labels"] == ["perm:regcode:export", "perm:regcode:get"]
    assert api.client.delete(f"{RC}/{codes[0]['id']}", headers=opt).status_code == 204
