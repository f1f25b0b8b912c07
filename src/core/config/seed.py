"""Initial data of the config-parameter module: its labels, menu, and the parameters the product reads."""

from __future__ import annotations

from datetime import datetime

from core.config.model import (
    CAPTCHA_ENABLED,
    DEFAULT_ROLE,
    MFA_REQUIRED_ROLES,
    REGISTRATION_OPEN,
    ConfigSetting,
)
from core.config.ports import ConfigUnitOfWork
from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedMenu, crud_buttons, crud_labels
from core.shared.language import Text

OPT = ("opt",)
SYSTEM_DIR = SeedMenu(
    "system", "系统管理", "System", MenuType.DIR, path="/system", icon="Setting", sort=20, roles=OPT
)

PARAMETERS = (
    (
        Text("开放自助注册", "Open self-registration"),
        REGISTRATION_OPEN,
        "true",
        Text(
            "true：任何人可用电子邮箱注册；false：注册返回 403",
            "true: anyone may register with an e-mail address; false: 403",
        ),
    ),
    (
        Text("新用户默认角色", "Default role of new users"),
        DEFAULT_ROLE,
        "user",
        Text("自助注册的用户获得的角色编码", "role code given to a self-registered user"),
    ),
    (
        Text("登录验证码", "Login captcha"),
        CAPTCHA_ENABLED,
        "false",
        Text(
            "true：每次登录都需输入验证码；false：仅在连续登录失败后需要",
            "true: every login passes a captcha; false: only after failed logins in a row",
        ),
    ),
    (
        Text("必须启用两步验证的角色", "Roles that must use two-factor sign-in"),
        MFA_REQUIRED_ROLES,
        "",
        Text(
            "角色编码，逗号分隔；持有这些角色且未启用两步验证的用户登录时须先启用",
            "role codes, comma-separated; a holder without 2FA enrols at sign-in",
        ),
    ),
)


async def seed_parameters(uow: ConfigUnitOfWork, now: datetime, lang: str) -> dict[str, int]:
    added = 0
    for sort, (name, key, value, remark) in enumerate(PARAMETERS, start=1):
        if await uow.configs.get_by_key(key) is None:
            setting = ConfigSetting(
                name=name.in_(lang), key=key, value=value, remark=remark.in_(lang), sort=sort
            )
            setting.stamp_created(None, now)
            await uow.configs.add(setting)
            added += 1
    return {"config parameters": added}


CONFIG_SEED = SeedBundle(
    labels=crud_labels("config", Text("参数", "parameters"), OPT, OPT),
    menus=(
        SYSTEM_DIR,
        SeedMenu(
            "system_config",
            "参数设置",
            "Parameters",
            MenuType.MENU,
            "system",
            "config",
            "system/config/index",
            "Tools",
            1,
            "perm:config:get",
            OPT,
        ),
        *crud_buttons("system_config", "config", "参数", "parameter", OPT),
    ),
    seeders=(seed_parameters,),
)
