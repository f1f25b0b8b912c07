"""Initial data of the notice module: labels, the page under the system directory with its
buttons, and the dictionaries of a notice's type and status."""

from __future__ import annotations

from core.dictionary.seed import Dictionary, dictionary_seeder
from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedMenu, crud_buttons, crud_labels, merged
from core.shared.language import Text

# Admin passes every check; the operator reads the notices' administration page.
READERS = ("opt",)

# Dictionary items carry the values of NoticeType and NoticeStatus.
TYPE_DICTIONARY: Dictionary = (
    "sys_notice_type",
    Text("通知类型", "Notice type"),
    (
        ("notice", "通知", "Notice", "primary"),
        ("announcement", "公告", "Announcement", "warning"),
    ),
)
STATUS_DICTIONARY: Dictionary = (
    "sys_notice_status",
    Text("通知状态", "Notice status"),
    (
        ("draft", "草稿", "Draft", "info"),
        ("published", "已发布", "Published", "success"),
    ),
)

PAGES = SeedBundle(
    labels=crud_labels("notice", Text("通知公告", "notices"), READERS),
    menus=(
        SeedMenu(
            "system",
            "系统管理",
            "System",
            MenuType.DIR,
            path="/system",
            icon="Setting",
            sort=20,
            roles=READERS,
        ),
        SeedMenu(
            "system_notice",
            "通知公告",
            "Notices",
            MenuType.MENU,
            "system",
            "notice",
            "notice/index",
            "Bell",
            7,
            "perm:notice:get",
            READERS,
        ),
        *crud_buttons("system_notice", "notice", "通知公告", "notice"),
    ),
)

NOTICE_SEED = merged(
    PAGES,
    SeedBundle(seeders=(dictionary_seeder((TYPE_DICTIONARY, STATUS_DICTIONARY)),)),
)
