"""Initial data of the reports module: export and import labels, and their buttons on each page.

Readers of a module may export it; writers may import into it. The buttons hang
under the page menus their modules seed, so this bundle comes after those.
"""

from __future__ import annotations

from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedLabel, SeedMenu
from core.shared.language import Text

OPT = ("opt",)
REGCODE_READERS = ("opt", "user")

# (label, name, roles, page menu, button name, zh title, en title, sort)
_ENTRIES = (
    ("perm:user:export", "用户导出", OPT, "rbac_user", "export", "导出用户", "Export users", 5),
    (
        "perm:regcode:export",
        "注册码导出",
        REGCODE_READERS,
        "business_regcode",
        "export",
        "导出注册码",
        "Export reg codes",
        5,
    ),
    (
        "perm:regcode:import",
        "注册码导入",
        OPT,
        "business_regcode",
        "import",
        "导入注册码",
        "Import reg codes",
        6,
    ),
    (
        "perm:config:export",
        "参数导出",
        OPT,
        "system_config",
        "export",
        "导出参数",
        "Export parameters",
        5,
    ),
    (
        "perm:config:import",
        "参数导入",
        OPT,
        "system_config",
        "import",
        "导入参数",
        "Import parameters",
        6,
    ),
    (
        "perm:dict:export",
        "字典导出",
        OPT,
        "system_dict",
        "export",
        "导出字典",
        "Export dictionaries",
        5,
    ),
    (
        "perm:dict:import",
        "字典导入",
        OPT,
        "system_dict",
        "import",
        "导入字典",
        "Import dictionaries",
        6,
    ),
)

REPORTS_SEED = SeedBundle(
    # A label's name in English is its button's title ("Export users").
    labels=tuple(
        SeedLabel(label, Text(name, title_en), roles)
        for label, name, roles, _, _, _, title_en, _ in _ENTRIES
    ),
    menus=tuple(
        SeedMenu(
            f"{page}:{verb}",
            title,
            title_en,
            MenuType.BUTTON,
            parent=page,
            sort=sort,
            perm=label,
            roles=roles,
        )
        for label, _, roles, page, verb, title, title_en, sort in _ENTRIES
    ),
)
