"""The home page's figures: `GET /monitor/overview` (mounted through `routers/monitor.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from core.monitor.overview import OverviewService
from core.shared.scope import RowScope
from entrypoints.http.deps import provided, scoped
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.monitor_overview import OverviewOut

overview_router = ApiRouter(prefix="/monitor/overview", tags=["monitor"])

Overviews = Annotated[OverviewService, Depends(provided(lambda c: c.overview()))]


@overview_router.get("", response_model=OverviewOut, summary="home page figures")
async def overview(
    scope: Annotated[RowScope, scoped("perm:monitor:get")], overviews: Overviews
) -> OverviewOut:
    return OverviewOut.model_validate(await overviews.overview(scope))
