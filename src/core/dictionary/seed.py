"""Initial data of the dictionary module: its labels, menu, and the dictionaries the product uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.config.seed import OPT, SYSTEM_DIR
from core.dictionary.model import DictItem, DictType
from core.dictionary.ports import DictUnitOfWork
from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, Seeder, SeedMenu, crud_buttons, crud_labels
from core.shared.language import Text

# code, name, [(value, label, label_en, css_class)]
Dictionary = tuple[str, Text, tuple[tuple[str, str, str, str], ...]]

# The dictionaries of the platform's own pages; a module seeds its own with `dictionary_seeder`.
DICTIONARIES: tuple[Dictionary, ...] = (
    (
        "sys_user_status",
        Text("用户状态", "User status"),
        (("1", "正常", "Enabled", "success"), ("0", "停用", "Disabled", "danger")),
    ),
    (
        "sys_common_status",
        Text("通用状态", "Common status"),
        (("1", "正常", "Enabled", "success"), ("0", "停用", "Disabled", "danger")),
    ),
    (
        "sys_menu_type",
        Text("菜单类型", "Menu type"),
        (
            ("dir", "目录", "Directory", "warning"),
            ("menu", "菜单", "Menu", "success"),
            ("button", "按钮", "Button", "info"),
        ),
    ),
    (
        "sys_yes_no",
        Text("是否", "Yes or no"),
        (("1", "是", "Yes", "primary"), ("0", "否", "No", "info")),
    ),
    (
        "sys_login_status",
        Text("登录状态", "Login status"),
        (
            ("success", "成功", "Success", "success"),
            ("failed", "失败", "Failed", "danger"),
            # A session ended: forced by an administrator, or a reused refresh token.
            ("logout", "登出", "Signed out", "info"),
        ),
    ),
    (
        "sys_job_status",
        Text("任务状态", "Job status"),
        (("running", "运行中", "Running", "success"), ("paused", "暂停", "Paused", "warning")),
    ),
    (
        "sys_misfire_policy",
        Text("错过执行策略", "Misfire policy"),
        (
            ("run_now", "全部补执行", "Run every missed fire", "primary"),
            ("run_once", "补执行一次", "Run once", "success"),
            ("skip", "放弃执行", "Skip", "info"),
        ),
    ),
    (
        "sys_job_notify",
        Text("任务通知", "Job notice"),
        (
            ("none", "不通知", "None", "info"),
            ("failure", "失败时通知", "On failure", "warning"),
            ("always", "总是通知", "Always", "primary"),
        ),
    ),
    (
        "sys_job_log_status",
        Text("执行结果", "Run result"),
        (
            ("success", "成功", "Success", "success"),
            ("failed", "失败", "Failed", "danger"),
            ("skipped", "跳过", "Skipped", "info"),
            ("running", "执行中", "Running", "primary"),
        ),
    ),
)


def dictionary_seeder(dictionaries: Iterable[Dictionary]) -> Seeder:
    """A seeder adding these dictionaries and their items, each when its code is missing."""
    wanted = tuple(dictionaries)

    async def seed(uow: DictUnitOfWork, now: datetime, lang: str) -> dict[str, int]:
        types = items = 0
        for code, name, entries in wanted:
            if await uow.dict_types.get_by_code(code) is None:
                dict_type = DictType(code=code, name=name.in_(lang))
                dict_type.stamp_created(None, now)
                await uow.dict_types.add(dict_type)
                types += 1
            for sort, (value, label, label_en, css) in enumerate(entries, start=1):
                if await uow.dict_items.get_by_value(code, value) is None:
                    item = DictItem(
                        type_code=code,
                        value=value,
                        label=label,
                        label_en=label_en,
                        css_class=css,
                        sort=sort,
                    )
                    item.stamp_created(None, now)
                    await uow.dict_items.add(item)
                    items += 1
        return {"dictionary types": types, "dictionary items": items}

    return seed


seed_dictionaries = dictionary_seeder(DICTIONARIES)


DICT_SEED = SeedBundle(
    labels=crud_labels("dict", Text("字典", "dictionaries"), OPT, OPT),
    menus=(
        SYSTEM_DIR,
        SeedMenu(
            "system_dict",
            "字典管理",
            "Dictionaries",
            MenuType.MENU,
            "system",
            "dict",
            "system/dict/index",
            "Collection",
            2,
            "perm:dict:get",
            OPT,
        ),
        *crud_buttons("system_dict", "dict", "字典", "dictionary", OPT),
    ),
    seeders=(seed_dictionaries,),
)
