"""The monitor module: who is signed in now (online users); issue 17 adds server and cache."""

from __future__ import annotations

from core.monitor.overview import OverviewService
from core.monitor.seed import MONITOR_SEED
from core.monitor.service import OnlineService
from core.shared.language import Text
from core.shared.module import ModuleSpec, Provide

MODULE = ModuleSpec(
    name="monitor",
    seed=MONITOR_SEED,
    services=(
        Provide("online", OnlineService, ("uow", "token_store", "sessions", "access")),
        # --- the home page's figures (GET /monitor/overview) ---
        Provide("overview", OverviewService, ("uow", "clock", "token_store", "job_timezone")),
    ),
    messages={
        "session_not_found": Text("会话不存在或已结束", "no such session, or it has ended"),
    },
    summaries_zh={
        "end a session": "强制退出",
        "end every session of a user": "强制退出用户的全部会话",
    },
)
