"""Response shapes of the home page's figures (`GET /monitor/overview`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from entrypoints.http.schemas.common import Output


class DayFigureOut(Output):
    """One day (in the answer's `timezone`): successes and failures."""

    day: date
    success: int
    failure: int


class GroupFigureOut(Output):
    """Users of one role or department (`one`), of no department (`none`), or of every group
    past the first ten, summed (`others`); `id` and `name` only for `one`."""

    kind: Literal["one", "none", "others"]
    id: int | None = None
    name: str = ""
    count: int


class OverviewOut(Output):
    """The home page's figures; the user figures and `sessions` count only the users in the
    caller's data scope."""

    timezone: str
    logins: list[DayFigureOut]
    job_runs: list[DayFigureOut]
    sessions: int
    users_by_role: list[GroupFigureOut]
    users_by_dept: list[GroupFigureOut]
