"""Initial data of the reports module: export and import labels, and their buttons on each page.

Readers of a module may export it; writers may import into it. The buttons hang
under the page menus their modules seed, so a bundle of them comes after those.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedLabel, SeedMenu
from core.shared.language import Text

OPT = ("opt",)

# (label, name, roles, page menu, button name, zh title, en title, sort)
ReportEntry = tuple[str, str, tuple[str, ...], str, str, str, str, int]

_ENTRIES: tuple[ReportEntry, ...] = (
    ("perm:user:export", "用户导出", OPT, "rbac_user", "export", "导出用户", "Export users", 5),
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


def report_seed(entries: Iterable[ReportEntry]) -> SeedBundle:
    """The labels of these reports and their buttons under the page menus they belong to."""
    rows = tuple(entries)
    return SeedBundle(
        # A label's name in English is its button's title ("Export users").
        labels=tuple(
            SeedLabel(label, Text(name, title_en), roles)
            for label, name, roles, _, _, _, title_en, _ in rows
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
            for label, name, roles, page, verb, title, title_en, sort in rows
        ),
    )


# The platform's own reports; a module adds the buttons of its reports to its own bundle.
REPORTS_SEED = report_seed(_ENTRIES)
