"""The rbac module (users, roles, menus, labels): its services are the container's own."""

from __future__ import annotations

from core.rbac.seed import RBAC_SEED
from core.shared.language import Text
from core.shared.module import ModuleSpec, ReportSpec
from core.shared.scope import SCOPE_TABLES

MODULE = ModuleSpec(
    name="rbac",
    seed=RBAC_SEED,
    reports=(ReportSpec("users", "perm:user:export"),),
    # The users, their roles, their department (names), their posts, and the tree the `dept_id`
    # filter and the scope read (the caller's scope is in the key).
    lists={"users": ("t_users", "t_user_role", "t_roles", "t_user_post", "t_post", *SCOPE_TABLES)},
    # Two-factor sign-in and the login captcha (the other sign-in codes are the catalogue's).
    messages={
        "captcha_invalid": Text("验证码错误或已失效", "the captcha is missing, wrong or expired"),
        "mfa_token_invalid": Text(
            "登录步骤已失效，请重新登录", "this sign-in step is no longer valid; sign in again"
        ),
        "mfa_code_invalid": Text(
            "验证码错误或已被使用", "the code is wrong or has been used already"
        ),
        "mfa_throttled": Text(
            "验证码错误次数过多，请 {retry_after} 秒后再试",
            "too many wrong codes, try again in {retry_after} seconds",
        ),
        "mfa_already_enabled": Text("两步验证已启用", "two-factor sign-in is on already"),
        "mfa_not_set_up": Text(
            "请先设置两步验证（设置有效期 10 分钟）",
            "set up two-factor sign-in first (a setup is kept 10 minutes)",
        ),
        "mfa_not_enabled": Text("两步验证未启用", "two-factor sign-in is not on"),
        "password_wrong": Text("密码错误", "the password is wrong"),
        "mfa_required": Text(
            "该账号需要两步验证登录", "this account signs in with a second factor"
        ),
    },
    summaries_zh={
        "log in: the second factor": "登录：两步验证",
        "log in: set up the required second factor": "登录：设置必需的两步验证",
        "log in: turn on the required second factor": "登录：启用必需的两步验证",
        "set up two-factor sign-in": "设置两步验证",
        "turn on two-factor sign-in": "启用两步验证",
        "turn off two-factor sign-in": "停用两步验证",
        "reset a user's two-factor sign-in": "重置用户的两步验证",
    },
)
