"""The home page's figures (`GET /monitor/overview`): logins and job runs per day, sessions now,
users per role and per department.

Days are the server's days: the scheduler's timezone (`APP_SCHEDULER_TIMEZONE`, UTC unless
set), the one timezone setting the product has, so "today" on the home page is the day the
jobs' cron expressions mean. A day is from one local midnight to the next (23 or 25 hours
across a daylight-saving change); the last of the 30 days is today, so far. Each figure is one
grouped query: the adapter counts rows per day bucket (`day_bounds`), the rules here name the
days and fill the days without rows with 0.

The user figures obey the caller's data scope (a scoped caller counts only the users they
see), and so does the session count (the sessions of those users, as the online page lists
them). The login and job figures are not per user: whoever holds the label sees them whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from core.rbac.ports import TokenStore
from core.shared.clock import Clock
from core.shared.scope import EVERY_ROW, RowScope
from core.shared.uow import UnitOfWork

DAYS = 30  # days in the login and job-run figures, today the last
TOP = 10  # groups shown by name in the users per role / department figures; the rest: "others"
SUCCESS = "success"  # the status both the login log and the job log write for a success
FAILED = "failed"  # ... and for a failure (other statuses, such as logout or skipped, are left out)


@dataclass(frozen=True)
class Tally:
    """Rows of one status that fall in one day bucket (an index into the days)."""

    bucket: int
    status: str
    count: int


@dataclass(frozen=True)
class GroupTally:
    """Users of one role or department (`id` None: users without a department)."""

    id: int | None
    name: str
    count: int


@dataclass(frozen=True)
class DayFigure:
    day: date
    success: int
    failure: int


class GroupKind:
    ONE = "one"  # a role or department, by name
    NONE = "none"  # users without a department
    OTHERS = "others"  # every group past the first TOP, summed


@dataclass(frozen=True)
class GroupFigure:
    kind: str
    id: int | None
    name: str
    count: int


@dataclass(frozen=True)
class Overview:
    timezone: str
    logins: list[DayFigure]
    job_runs: list[DayFigure]
    sessions: int
    users_by_role: list[GroupFigure]
    users_by_dept: list[GroupFigure]


class OverviewRepository(Protocol):
    """One grouped statement per method, whatever the number of rows, days or groups."""

    async def logins_per_day(self, bounds: Sequence[datetime]) -> list[Tally]:
        """Login-log rows per bucket and status; bucket i is `bounds[i] <= created < bounds[i+1]`,
        rows outside `bounds[0] .. bounds[-1]` are not counted."""
        ...

    async def job_runs_per_day(self, bounds: Sequence[datetime]) -> list[Tally]:
        """Job runs per bucket of their start time and status, as `logins_per_day`."""
        ...

    async def users_per_role(self, scope: RowScope) -> list[GroupTally]:
        """Live users in `scope` per live role they hold (a user of two roles counts in both)."""
        ...

    async def users_per_dept(self, scope: RowScope) -> list[GroupTally]:
        """Live users in `scope` per department (`id` None: no department)."""
        ...

    async def users_in_scope(self, user_ids: Iterable[int], scope: RowScope) -> set[int]:
        """Which of these live users `scope` admits."""
        ...


class OverviewUnitOfWork(UnitOfWork, Protocol):
    overview: OverviewRepository


UowFactory = Callable[[], OverviewUnitOfWork]


def local_days(now: datetime, tz: tzinfo, days: int = DAYS) -> list[date]:
    """The last `days` calendar days in `tz`, oldest first, today (at `now`) the last."""
    today = now.astimezone(tz).date()
    return [today - timedelta(days=days - 1 - i) for i in range(days)]


def day_bounds(days: Sequence[date], tz: tzinfo) -> list[datetime]:
    """The instants (UTC) that cut `days` into buckets: each day's local midnight, then the
    midnight after the last day; so bucket i is day i, 23, 24 or 25 hours long."""
    edges = [*days, days[-1] + timedelta(days=1)]
    return [datetime.combine(d, time(), tzinfo=tz).astimezone(UTC) for d in edges]


def per_day(days: Sequence[date], tallies: Iterable[Tally]) -> list[DayFigure]:
    """One figure per day, oldest first; a day without rows is 0 and 0."""
    success = [0] * len(days)
    failure = [0] * len(days)
    for t in tallies:
        if not 0 <= t.bucket < len(days):
            continue
        if t.status == SUCCESS:
            success[t.bucket] += t.count
        elif t.status == FAILED:
            failure[t.bucket] += t.count
    return [DayFigure(d, s, f) for d, s, f in zip(days, success, failure, strict=True)]


def top_groups(tallies: Iterable[GroupTally], top: int = TOP) -> list[GroupFigure]:
    """The `top` largest groups (most users first, then by name and id), then the rest summed
    as one "others" figure when there is a rest; groups without users are left out."""
    ranked = sorted(
        (t for t in tallies if t.count > 0),
        key=lambda t: (-t.count, t.id is None, t.name, t.id or 0),
    )
    out = [
        GroupFigure(GroupKind.NONE if t.id is None else GroupKind.ONE, t.id, t.name, t.count)
        for t in ranked[:top]
    ]
    rest = sum(t.count for t in ranked[top:])
    if rest:
        out.append(GroupFigure(GroupKind.OTHERS, None, "", rest))
    return out


class OverviewService:
    """The home page's figures, in one unit of work (one connection, one statement each)."""

    def __init__(self, uow: UowFactory, clock: Clock, tokens: TokenStore, tz: tzinfo) -> None:
        self._uow = uow
        self._clock = clock
        self._tokens = tokens
        self._tz = tz

    async def overview(self, scope: RowScope = EVERY_ROW) -> Overview:
        days = local_days(self._clock.now(), self._tz)
        bounds = day_bounds(days, self._tz)
        sessions = await self._tokens.sessions()
        async with self._uow() as uow:
            repo = uow.overview
            logins = await repo.logins_per_day(bounds)
            runs = await repo.job_runs_per_day(bounds)
            by_role = await repo.users_per_role(scope)
            by_dept = await repo.users_per_dept(scope)
            if scope.everything:
                live = len(sessions)
            else:
                seen = await repo.users_in_scope({s.user_id for s in sessions}, scope)
                live = sum(1 for s in sessions if s.user_id in seen)
        return Overview(
            timezone=str(self._tz),
            logins=per_day(days, logins),
            job_runs=per_day(days, runs),
            sessions=live,
            users_by_role=top_groups(by_role),
            users_by_dept=top_groups(by_dept),
        )
