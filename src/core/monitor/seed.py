"""Initial data of the monitor module: the "Monitor" directory and its online-users page.

Only admin holds the labels (admin passes every check): who is signed in, and ending a
session, are an administrator's view; so are the server and cache monitors (issue 17).
"""

from __future__ import annotations

from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedLabel, SeedMenu
from core.shared.language import Text

MONITOR_DIR = SeedMenu(
    "monitor", "系统监控", "Monitor", MenuType.DIR, path="/monitor", icon="Monitor", sort=30
)

_ONLINE_SEED = SeedBundle(
    labels=(
        SeedLabel("perm:online:get", Text("在线用户查询", "Read online users")),
        SeedLabel("perm:online:delete", Text("强制退出", "Force logout")),
        # --- server and cache monitors ---
        SeedLabel(
            "perm:monitor:get",
            Text("系统监控查询", "Read the monitors (server, cache, home figures)"),
        ),
        SeedLabel("perm:monitor:delete", Text("清理缓存", "Clear a cache namespace")),
    ),
    menus=(
        MONITOR_DIR,
        SeedMenu(
            "monitor_online",
            "在线用户",
            "Online users",
            MenuType.MENU,
            "monitor",
            "online",
            "monitor/online/index",
            "User",
            1,
            "perm:online:get",
        ),
        SeedMenu(
            "monitor_online:delete",
            "强制退出",
            "Force logout",
            MenuType.BUTTON,
            parent="monitor_online",
            sort=1,
            perm="perm:online:delete",
        ),
        # --- server and cache monitors ---
        SeedMenu(
            "monitor_server",
            "服务监控",
            "Server",
            MenuType.MENU,
            "monitor",
            "server",
            "monitor/server/index",
            "Cpu",
            2,
            "perm:monitor:get",
        ),
        SeedMenu(
            "monitor_cache",
            "缓存监控",
            "Cache",
            MenuType.MENU,
            "monitor",
            "cache",
            "monitor/cache/index",
            "Coin",
            3,
            "perm:monitor:get",
        ),
        SeedMenu(
            "monitor_cache:delete",
            "清理缓存",
            "Clear",
            MenuType.BUTTON,
            parent="monitor_cache",
            sort=1,
            perm="perm:monitor:delete",
        ),
    ),
)

# The home page's figures (GET /monitor/overview) need `perm:monitor:get` too: no page of
# their own (the charts sit on the home page, shown to its holders; the shortcut cards stay for
# everyone).
MONITOR_SEED = _ONLINE_SEED
