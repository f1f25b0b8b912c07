"""In-memory fake of the monitor module's repository (the home page's figures), over the
shared Store; FakeUnitOfWork opens it by convention (`REPOSITORIES`)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from core.audit.model import LoginLog
from core.jobs.model import JobLog
from core.monitor.overview import FAILED, SUCCESS, GroupTally, OverviewRepository, Tally
from core.org.model import Dept
from core.rbac.model import Role, User
from core.shared.scope import RowScope
from tests.unit.fakes import Store


def _tally(times: Iterable[tuple[datetime, str]], bounds: Sequence[datetime]) -> list[Tally]:
    counts: Counter[tuple[int, str]] = Counter()
    for at, status in times:
        if status in (SUCCESS, FAILED) and bounds[0] <= at < bounds[-1]:
            counts[(bisect_right(bounds, at) - 1, status)] += 1
    return [Tally(b, s, n) for (b, s), n in counts.items()]


class FakeOverviewRepository(OverviewRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    def _seen(self, scope: RowScope) -> list[User]:
        return [u for u in self.s.live(User) if self.s.admits(scope, u.dept_id, u.id)]

    async def logins_per_day(self, bounds: Sequence[datetime]) -> list[Tally]:
        rows = self.s.live(LoginLog)
        return _tally(((r.created_time, r.status) for r in rows if r.created_time), bounds)

    async def job_runs_per_day(self, bounds: Sequence[datetime]) -> list[Tally]:
        return _tally(((r.start_time, r.status) for r in self.s.live(JobLog)), bounds)

    async def users_per_role(self, scope: RowScope) -> list[GroupTally]:
        seen = {u.id for u in self._seen(scope)}
        roles = {r.id: r for r in self.s.live(Role)}
        counts = Counter(r for u, r in self.s.links["user_role"] if u in seen and r in roles)
        return [GroupTally(r, roles[r].name, n) for r, n in counts.items()]

    async def users_per_dept(self, scope: RowScope) -> list[GroupTally]:
        names = {d.id: d.name for d in self.s.live(Dept)}
        counts = Counter(u.dept_id for u in self._seen(scope))
        return [GroupTally(d, names.get(d, "") if d else "", n) for d, n in counts.items()]

    async def users_in_scope(self, user_ids: Iterable[int], scope: RowScope) -> set[int]:
        wanted = set(user_ids)
        return {u.id for u in self._seen(scope) if u.id in wanted}


REPOSITORIES = {"overview": FakeOverviewRepository}
