"""The home page's figures against fakes: the server's days, zero days, the groups' top and
"others", and the data scope of the user figures and the session count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

from adapters.memory.stores import InMemoryTokenStore
from bootstrap import Container
from core.audit.model import LOGIN_FAILED, LOGIN_SUCCESS, LoginLog
from core.jobs.model import JobLog, RunStatus
from core.monitor.overview import (
    DAYS,
    FAILED,
    SUCCESS,
    GroupFigure,
    GroupKind,
    GroupTally,
    OverviewService,
    Tally,
    day_bounds,
    local_days,
    per_day,
    top_groups,
)
from core.org.model import Dept
from core.rbac.model import Role, User
from core.shared.scope import RowScope
from tests.unit.fakes import FakeClock, Store
from tests.unit.fakes_jobs import FakeJobsUnitOfWork

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def _service(store: Store, tz: tzinfo = UTC) -> OverviewService:
    tokens = InMemoryTokenStore(lambda: NOW.timestamp())
    return OverviewService(lambda: FakeJobsUnitOfWork(store), FakeClock(NOW), tokens, tz)


def _login(store: Store, at: datetime, status: str = "success") -> None:
    log = LoginLog(username="u", status=status)
    log.stamp_created(None, at)
    store.add(log)


def _run(store: Store, at: datetime, status: str) -> None:
    store.add(
        JobLog(job_id=1, job_name="j", script="s", trigger="manual", start_time=at, status=status)
    )


# --- day bucketing ---


def test_the_days_end_with_today_in_the_server_timezone() -> None:
    days = local_days(NOW, UTC)
    assert len(days) == DAYS == 30
    assert days[-1] == date(2026, 3, 30) and days[0] == date(2026, 3, 1)
    assert all(b - a == timedelta(days=1) for a, b in pairwise(days))
    # 23:30 UTC is already tomorrow in Shanghai (UTC+8).
    late = datetime(2026, 3, 30, 23, 30, tzinfo=UTC)
    assert local_days(late, ZoneInfo("Asia/Shanghai"))[-1] == date(2026, 3, 31)


def test_a_day_runs_from_local_midnight_to_the_next_across_a_clock_change() -> None:
    days = local_days(NOW, BERLIN)
    bounds = day_bounds(days, BERLIN)
    assert len(bounds) == DAYS + 1
    assert bounds[0] == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # Berlin midnight, UTC+1
    assert bounds[-1] == datetime(2026, 3, 30, 22, 0, tzinfo=UTC)  # tomorrow's, UTC+2 now
    lengths = [b - a for a, b in pairwise(bounds)]
    # 29 March 2026 loses an hour in Berlin: that day is 23 hours long, the others 24.
    assert lengths[days.index(date(2026, 3, 29))] == timedelta(hours=23)
    assert lengths.count(timedelta(hours=24)) == DAYS - 1
    # A half-hour zone: each day starts at 18:30 UTC the evening before.
    kolkata = day_bounds([date(2026, 3, 30)], ZoneInfo("Asia/Kolkata"))
    assert kolkata[0] == datetime(2026, 3, 29, 18, 30, tzinfo=UTC)


def test_days_without_rows_are_zero_and_other_statuses_are_left_out() -> None:
    days = local_days(NOW, UTC)
    tallies = [Tally(0, "success", 2), Tally(0, "failed", 1), Tally(29, "failed", 4)]
    tallies += [Tally(3, "logout", 9), Tally(5, "skipped", 9), Tally(30, "success", 9)]
    figures = per_day(days, tallies)
    assert [(f.success, f.failure) for f in figures if f.success or f.failure] == [(2, 1), (0, 4)]
    assert figures[0].day == days[0] and figures[-1].day == days[-1]
    assert sum(1 for f in figures if (f.success, f.failure) == (0, 0)) == 28


async def test_logins_and_runs_fall_on_the_server_days(store: Store) -> None:
    bounds = day_bounds(local_days(NOW, BERLIN), BERLIN)
    _login(store, bounds[0])  # the first instant of the first day
    _login(store, bounds[0] - timedelta(microseconds=1))  # the day before: not counted
    _login(store, datetime(2026, 3, 29, 21, 59, tzinfo=UTC), "failed")  # 23:59 on the 29th
    _login(store, datetime(2026, 3, 29, 22, 0, tzinfo=UTC), "failed")  # 00:00 on the 30th
    _login(store, datetime(2026, 3, 30, 11, 0, tzinfo=UTC), "logout")  # not a sign-in
    _run(store, datetime(2026, 3, 30, 10, 0, tzinfo=UTC), "success")
    _run(store, datetime(2026, 3, 30, 10, 5, tzinfo=UTC), "failed")
    _run(store, datetime(2026, 3, 30, 10, 6, tzinfo=UTC), "running")
    _run(store, bounds[-1], "success")  # tomorrow: not counted

    o = await _service(store, tz=BERLIN).overview()

    assert o.timezone == "Europe/Berlin"
    logins = {f.day: (f.success, f.failure) for f in o.logins}
    assert logins[date(2026, 3, 1)] == (1, 0)
    assert logins[date(2026, 3, 29)] == (0, 1) and logins[date(2026, 3, 30)] == (0, 1)
    assert sum(s + f for s, f in logins.values()) == 3
    runs = {f.day: (f.success, f.failure) for f in o.job_runs}
    assert runs[date(2026, 3, 30)] == (1, 1) and sum(s + f for s, f in runs.values()) == 2
    assert [f.day for f in o.logins] == [f.day for f in o.job_runs] == local_days(NOW, BERLIN)


async def test_nothing_to_count_is_thirty_zero_days(store: Store) -> None:
    o = await _service(store).overview()
    assert o.timezone == "UTC"
    assert len(o.logins) == len(o.job_runs) == 30
    assert all(f.success == f.failure == 0 for f in [*o.logins, *o.job_runs])
    assert (o.sessions, o.users_by_role, o.users_by_dept) == (0, [], [])


# --- groups ---


def test_the_first_ten_groups_by_size_then_others() -> None:
    tallies = [GroupTally(i, f"d{i:02}", i) for i in range(1, 13)]
    tallies += [GroupTally(None, "", 5), GroupTally(99, "empty", 0)]
    out = top_groups(tallies)
    assert len(out) == 11
    assert [g.count for g in out[:10]] == [12, 11, 10, 9, 8, 7, 6, 5, 5, 4]
    assert out[7] == GroupFigure(GroupKind.ONE, 5, "d05", 5)  # a named group before "none"
    assert out[8] == GroupFigure(GroupKind.NONE, None, "", 5)
    assert out[10] == GroupFigure(GroupKind.OTHERS, None, "", 3 + 2 + 1)
    assert top_groups(tallies[:10]) == top_groups(tallies[:10], top=10)
    assert all(g.kind != GroupKind.OTHERS for g in top_groups(tallies[:10]))


# --- the data scope ---


def _org(store: Store) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, path in (("head", "/1/"), ("rd", "/1/2/"), ("sales", "/1/3/")):
        dept = Dept(name=name, path=path)
        store.add(dept)
        ids[name] = dept.id or 0
    for code in ("r1", "r2"):
        role = Role(code=code, name=code.upper())
        store.add(role)
        ids[code] = role.id or 0
    people: tuple[tuple[str, str | None, str], ...] = (
        ("a", "rd", "r1"),
        ("b", "rd", "r2"),
        ("c", "sales", "r1"),
        ("d", None, "r1"),
    )
    for name, where, code in people:
        user = User(username=name, password_hash="x", dept_id=ids[where] if where else None)
        store.add(user)
        ids[name] = user.id or 0
        store.links["user_role"].add((ids[name], ids[code]))
    return ids


async def test_the_user_figures_count_only_the_users_the_caller_sees(store: Store) -> None:
    ids = _org(store)
    # Paths in the fake tree are by the ids the store gave (1, 2, 3 above).
    gone = User(username="gone", password_hash="x", dept_id=ids["rd"])
    store.add(gone)
    store.links["user_role"].add((gone.id or 0, ids["r1"]))
    gone.soft_delete(None, NOW)

    everything = await _service(store).overview()
    assert {(g.name, g.count) for g in everything.users_by_role} == {("R1", 3), ("R2", 1)}
    assert {(g.kind, g.name, g.count) for g in everything.users_by_dept} == {
        ("one", "rd", 2),
        ("one", "sales", 1),
        ("none", "", 1),
    }

    rd = await _service(store).overview(RowScope(depts=frozenset({ids["rd"]})))
    assert {(g.name, g.count) for g in rd.users_by_role} == {("R1", 1), ("R2", 1)}
    assert [(g.name, g.count) for g in rd.users_by_dept] == [("rd", 2)]

    own = await _service(store).overview(RowScope(owner=ids["d"]))
    assert [(g.kind, g.count) for g in own.users_by_dept] == [("none", 1)]
    nobody = await _service(store).overview(RowScope())
    assert (nobody.users_by_role, nobody.users_by_dept) == ([], [])


async def test_sessions_now_counts_the_live_sessions_of_the_users_in_scope(
    seeded: Container, store: Store, clock: FakeClock
) -> None:
    auth = seeded.auth()
    for name, password in (("admin", "admin123"), ("admin", "admin123"), ("opt", "opt123")):
        await auth.login(name, password, "10.0.0.1", "test")
    ended = await auth.login("user", "123456", "10.0.0.1", "test")
    await auth.logout(await auth.authenticate(ended.access_token))

    overviews = seeded.overview()
    assert (await overviews.overview()).sessions == 3
    opt = next(u for u in store.live(User) if u.username == "opt")
    assert (await overviews.overview(RowScope(owner=opt.id))).sessions == 1
    assert (await overviews.overview(RowScope())).sessions == 0
    # The seeded sign-ins are today's successes (the fake clock's day, UTC by default).
    today = (await overviews.overview()).logins[-1]
    assert today.day == clock.now().date() and today.success == 4


def test_the_statuses_counted_are_the_login_logs_and_the_job_logs_own_words() -> None:
    assert (
        (SUCCESS, FAILED) == (LOGIN_SUCCESS, LOGIN_FAILED) == (RunStatus.SUCCESS, RunStatus.FAILED)
    )
