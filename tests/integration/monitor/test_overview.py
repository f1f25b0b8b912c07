"""The home page's figures over HTTP on the real database and Redis: what they count matches
the rows put in by SQL, by the server's days (here Asia/Shanghai), in each caller's data scope,
and each figure is one statement whatever the rows (no N+1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dependency_injector import providers
from sqlalchemy import insert, select

from adapters.sqlalchemy.audit import login_logs
from adapters.sqlalchemy.base import live
from adapters.sqlalchemy.jobs import job_logs, jobs
from adapters.sqlalchemy.org import depts
from adapters.sqlalchemy.rbac import roles, user_role, users
from core.monitor.overview import GroupTally, OverviewService, top_groups
from tests.integration.conftest import App, counting, execute
from tests.integration.test_data_scope import SCOPES, World, build, ok

OVERVIEW = "/api/v1/monitor/overview"
ZONE = "Asia/Shanghai"  # UTC+8 all year: a day there starts at 16:00 UTC the day before
NOW = datetime(2026, 3, 30, 4, 0, tzinfo=UTC)  # noon in Shanghai; the figures' "today"


class FixedClock:
    def now(self) -> datetime:
        return NOW


def _midnight(day: date) -> datetime:
    """Shanghai's midnight starting `day`, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture(scope="module")
def world(
    make_app: Callable[..., App], make_seeded_database: Callable[[], str], redis_prefix: str
) -> World:
    def shanghai(**extra: Any) -> App:
        return make_app(scheduler_timezone=ZONE, **extra)

    w = build(shanghai, make_seeded_database, redis_prefix, ("perm:monitor:get",))
    # The figures' "now" is fixed, so the days are known; sign-ins stay on the real clock
    # (their login-log rows fall outside these 30 days: only the rows put in below count).
    c = w.a.container
    c.overview.override(
        providers.Singleton(
            OverviewService,
            c.uow.provider,
            providers.Object(FixedClock()),
            c.token_store,
            c.job_timezone,
        )
    )
    return w


def test_logins_and_job_runs_per_server_day_match_the_rows(world: World) -> None:
    w = world
    first, today = date(2026, 3, 1), date(2026, 3, 30)
    logins = [
        (_midnight(first), "success"),  # the first instant of the first day
        (_midnight(first) - timedelta(microseconds=1), "success"),  # the day before
        (_midnight(date(2026, 3, 10)) - timedelta(microseconds=1), "failed"),  # 9th, 23:59:59
        (_midnight(date(2026, 3, 10)), "failed"),  # 10th, 00:00 in Shanghai
        (_midnight(date(2026, 3, 10)) + timedelta(hours=3), "failed"),
        (_midnight(today) + timedelta(hours=1), "success"),
        (_midnight(today) + timedelta(hours=2), "logout"),  # not a sign-in
        (_midnight(today + timedelta(days=1)), "success"),  # tomorrow
    ]
    for at, status in logins:
        row = {"username": "x", "status": status, "created_time": at}
        execute(w.a, insert(login_logs).values(**row))
    [(job_id,)] = execute(w.a, select(jobs.c.id).where(live(jobs)).limit(1))
    runs = [
        (_midnight(date(2026, 3, 5)) + timedelta(hours=23), "success"),
        (_midnight(date(2026, 3, 5)) + timedelta(hours=23, minutes=30), "failed"),
        (_midnight(date(2026, 3, 6)), "success"),
        (_midnight(date(2026, 3, 6)) + timedelta(minutes=1), "running"),
        (_midnight(date(2026, 3, 6)) + timedelta(minutes=2), "skipped"),
    ]
    for at, status in runs:
        row = {"job_id": job_id, "job_name": "j", "script": "s", "trigger": "manual"}
        row |= {"start_time": at, "status": status, "output": "", "error": ""}
        execute(w.a, insert(job_logs).values(**row))

    body = ok(w.a.client.get(OVERVIEW, headers=w.admin))

    assert body["timezone"] == ZONE
    days = [first + timedelta(days=i) for i in range(30)]
    assert [d["day"] for d in body["logins"]] == [d.isoformat() for d in days]
    assert [d["day"] for d in body["job_runs"]] == [d.isoformat() for d in days]
    got = {d["day"]: (d["success"], d["failure"]) for d in body["logins"] if d != _zero(d)}
    assert got == {"2026-03-01": (1, 0), "2026-03-09": (0, 1), "2026-03-10": (0, 2),
                   "2026-03-30": (1, 0)}  # fmt: skip
    got = {d["day"]: (d["success"], d["failure"]) for d in body["job_runs"] if d != _zero(d)}
    assert got == {"2026-03-05": (1, 1), "2026-03-06": (1, 0)}


def _zero(day: dict[str, Any]) -> dict[str, Any]:
    return {"day": day["day"], "success": 0, "failure": 0}


def _expected(w: World, seen: set[int] | None) -> tuple[list[Any], list[Any]]:
    """Users per role and per department from the rows themselves (None: every user)."""
    people = execute(w.a, select(users.c.id, users.c.dept_id).where(live(users)))
    people = [(uid, dept) for uid, dept in people if seen is None or uid in seen]
    ids = {uid for uid, _ in people}
    names = dict(execute(w.a, select(depts.c.id, depts.c.name).where(live(depts))))
    by_dept = Counter(dept for _, dept in people)
    held = execute(
        w.a,
        select(user_role.c.user_id, roles.c.id, roles.c.name)
        .join(roles, roles.c.id == user_role.c.role_id)
        .where(live(user_role), live(roles)),
    )
    by_role = Counter((rid, name) for uid, rid, name in held if uid in ids)
    role_groups = [GroupTally(rid, name, n) for (rid, name), n in by_role.items()]
    dept_groups = [GroupTally(d, names.get(d, "") if d else "", n) for d, n in by_dept.items()]
    return _out(top_groups(role_groups)), _out(top_groups(dept_groups))


def _out(groups: list[Any]) -> list[dict[str, Any]]:
    return [{"kind": g.kind, "id": g.id, "name": g.name, "count": g.count} for g in groups]


@pytest.mark.parametrize("scope", SCOPES)
def test_the_user_figures_and_sessions_count_only_the_users_in_scope(
    world: World, scope: str
) -> None:
    w, caller = world, f"c_{scope}"
    seen = {w.uid[n] for n in w.visible(scope, caller)}
    body = ok(w.a.client.get(OVERVIEW, headers=w.headers[caller]))
    by_role, by_dept = _expected(w, None if scope == "all" else seen)
    assert body["users_by_role"] == by_role
    assert body["users_by_dept"] == by_dept
    # Every world user signed in once, and the admin: the scoped see their users' sessions.
    everyone = len(w.uid) + 1
    assert body["sessions"] == (everyone if scope == "all" else len(seen))
    # Each user counts once per department ("none" included): the scope's users, or all.
    counted = sum(g["count"] for g in body["users_by_dept"])
    every = len(execute(w.a, select(users.c.id).where(live(users))))
    assert counted == (every if scope == "all" else len(seen)) and every > len(seen) - 1


def test_the_admin_sees_every_user_and_a_caller_without_the_label_is_refused(
    world: World,
) -> None:
    w = world
    body = ok(w.a.client.get(OVERVIEW, headers=w.admin))
    assert (body["users_by_role"], body["users_by_dept"]) == _expected(w, None)
    assert body["sessions"] == len(w.uid) + 1
    r = w.a.client.get(OVERVIEW, headers=w.a.login("user", "123456"))
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert w.a.client.get(OVERVIEW).status_code == 401


@pytest.mark.parametrize(("who", "statements"), [("admin", 4), ("c_dept_and_below", 5)])
def test_each_figure_is_one_statement_whatever_the_rows(
    world: World, who: str, statements: int
) -> None:
    """Logins, job runs, users per role, per department; a scoped caller one more, which of
    the signed-in users it sees. More rows, days, groups or sessions add no statement."""
    w = world
    headers = w.admin if who == "admin" else w.headers[who]
    ok(w.a.client.get(OVERVIEW, headers=headers))  # warm the access cache
    with counting(w.a) as before:
        ok(w.a.client.get(OVERVIEW, headers=headers))
    # More of everything: sign-ins on each day, runs, sessions, users in new departments.
    for i in range(30):
        at = _midnight(date(2026, 3, 1) + timedelta(days=i)) + timedelta(hours=i % 24)
        execute(w.a, insert(login_logs).values(username="y", status="failed", created_time=at))
    for name in (f"{who}1", f"{who}2"):
        w.add_user(name, "platform", [w.role["dept"]])
        w.login(name)
    with counting(w.a) as after:
        ok(w.a.client.get(OVERVIEW, headers=headers))
    assert len(before) == len(after) == statements, after
    assert sum("t_login_log" in s for s in after) == sum("t_job_logs" in s for s in after) == 1
    assert sum("t_user_role" in s for s in after) == 1
    assert sum("t_users" in s for s in after) == statements - 2
