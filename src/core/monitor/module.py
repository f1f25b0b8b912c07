"""The monitor module: who is signed in now (online users), the servers and the cache."""

from __future__ import annotations

from core.monitor.overview import OverviewService
from core.monitor.seed import MONITOR_SEED
from core.monitor.service import CacheMonitorService, OnlineService, ServerMonitorService
from core.shared.language import Text
from core.shared.module import ModuleSpec, Provide

MODULE = ModuleSpec(
    name="monitor",
    seed=MONITOR_SEED,
    services=(
        Provide("online", OnlineService, ("uow", "token_store", "sessions", "access")),
        # --- server and cache monitors ---
        Provide(
            "server_monitor",
            ServerMonitorService,
            (
                "server_reports",
                "host_probe",
                "pool_gauge",
                "scheduler_gauge",
                "clock",
                "job_instance",
                "heartbeat_seconds",
            ),
        ),
        Provide("cache_monitor", CacheMonitorService, ("cache_inspector", "clock")),
        # --- the home page's figures (GET /monitor/overview) ---
        Provide("overview", OverviewService, ("uow", "clock", "token_store", "job_timezone")),
    ),
    # Each instance's heartbeat: its report in the shared store, every few seconds.
    background=("server_monitor",),
    messages={
        "session_not_found": Text("会话不存在或已结束", "no such session, or it has ended"),
        # --- server and cache monitors ---
        "cache_namespace_not_found": Text("缓存命名空间不存在", "no such cache namespace"),
        "cache_namespace_protected": Text(
            "该命名空间不能在此清理", "this namespace cannot be cleared here"
        ),
        "cache_key_not_found": Text("该命名空间中没有此键", "no such key in this namespace"),
    },
    summaries_zh={
        "end a session": "强制退出",
        "end every session of a user": "强制退出用户的全部会话",
        # --- server and cache monitors ---
        "clear a cache namespace": "清理缓存命名空间",
    },
)
