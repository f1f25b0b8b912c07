"""Initial data of the monitor module: the "Monitor" directory and its online-users page.

Only admin holds the labels (admin passes every check): who is signed in, and ending a
session, are an administrator's view. Issue 17 adds the server and cache pages here.
"""

from __future__ import annotations

from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedLabel, SeedMenu, merged
from core.shared.language import Text

MONITOR_DIR = SeedMenu(
    "monitor", "系统监控", "Monitor", MenuType.DIR, path="/monitor", icon="Monitor", sort=30
)

_ONLINE_SEED = SeedBundle(
    labels=(
        SeedLabel("perm:online:get", Text("在线用户查询", "Read online users")),
        SeedLabel("perm:online:delete", Text("强制退出", "Force logout")),
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
    ),
)

# --- the home page's figures (GET /monitor/overview): the label only, no page of its own (the
# charts sit on the home page, shown to its holders; the shortcut cards stay for everyone) ---
OVERVIEW_SEED = SeedBundle(
    labels=(SeedLabel("perm:monitor:get", Text("系统监控查询", "Read the monitors")),),
)

MONITOR_SEED = merged(_ONLINE_SEED, OVERVIEW_SEED)
