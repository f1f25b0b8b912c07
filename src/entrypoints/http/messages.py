"""The one catalogue of what the API says: each error `code` in zh-CN and en.

Core raises its errors with a stable code and an English detail (kept for logs and as the
fallback); the HTTP layer answers `detail` from here in the language the request's
`Accept-Language` prefers (`core.shared.language.negotiate_language`, zh-CN by default, as the
mails). A template may name `{field}` (the field an `InvalidInput` is about), `{retry_after}`
(seconds, for a 429) or `{detail}`: core's own English account, which only the technical codes
(job arguments, cron, backups) append, because what they name (a file, a line, a Python type,
a revision) is the same in every language and the person fixing it needs it. `tests/unit/test_messages.py` finds every code `src/` can raise and fails
when either language lacks it.
"""

from __future__ import annotations

from collections.abc import Mapping

from bootstrap import module_specs
from core.shared.language import DEFAULT_LANGUAGE, LANGUAGES

ZH, EN = "zh-CN", "en"

# code: {language: template}
MESSAGES: dict[str, dict[str, str]] = {
    # -- the base classes' own codes, for an error raised without a more precise one
    "domain_error": {ZH: "请求无法完成", EN: "the request cannot be completed"},
    "not_found": {ZH: "资源不存在", EN: "not found"},
    "conflict": {ZH: "与已有数据冲突", EN: "the row conflicts with an existing one"},
    "invalid_input": {ZH: "输入无效", EN: "invalid input"},
    "bad_request": {ZH: "请求无效", EN: "bad request"},
    "unauthorized": {ZH: "请先登录", EN: "authentication required"},
    "forbidden": {ZH: "没有权限执行此操作", EN: "forbidden"},
    "too_many_requests": {
        ZH: "请求过于频繁，请 {retry_after} 秒后再试",
        EN: "too many requests, try again in {retry_after} seconds",
    },
    "service_unavailable": {ZH: "服务暂不可用", EN: "the service is unavailable"},
    # -- the HTTP layer's own codes
    "not_authenticated": {ZH: "请先登录", EN: "authentication required"},
    "method_not_allowed": {ZH: "不支持该请求方法", EN: "method not allowed"},
    "payload_too_large": {ZH: "上传的内容过大", EN: "the upload is too large"},
    "unsupported_media_type": {ZH: "不支持的内容类型", EN: "unsupported media type"},
    "http_error": {ZH: "请求无法完成", EN: "the request cannot be completed"},
    "validation_error": {ZH: "输入有误，请检查各字段", EN: "the input is invalid"},
    "internal_error": {ZH: "服务器内部错误", EN: "internal server error"},
    # -- sign-in and tokens
    "bad_credentials": {ZH: "用户名或密码错误", EN: "incorrect username or password"},
    "login_throttled": {
        ZH: "登录失败次数过多，请 {retry_after} 秒后再试",
        EN: "too many failed logins, try again in {retry_after} seconds",
    },
    "rate_limited": {
        ZH: "请求过于频繁，请 {retry_after} 秒后再试",
        EN: "too many requests, try again in {retry_after} seconds",
    },
    "user_disabled": {ZH: "该账号已被停用", EN: "this account is disabled"},
    "token_expired": {ZH: "登录已过期或链接已失效", EN: "the token or link has expired"},
    "token_invalid": {ZH: "令牌或链接无效", EN: "the token or link is not valid"},
    "token_revoked": {ZH: "登录已失效，请重新登录", EN: "the token has been revoked"},
    "refresh_invalid": {ZH: "刷新令牌无效，请重新登录", EN: "the refresh token is not valid"},
    "refresh_reused": {
        ZH: "刷新令牌已被使用过，会话已结束，请重新登录",
        EN: "the refresh token was used before; the session has ended, sign in again",
    },
    "token_used": {ZH: "该链接已被使用", EN: "this link has already been used"},
    "permission_denied": {
        ZH: "没有执行此操作的权限",
        EN: "you lack the permission for this action",
    },
    "no_role": {
        ZH: "您的账号尚未分配角色，请联系管理员",
        EN: "your account has no role yet; ask an administrator",
    },
    # -- privilege
    "admin_account_protected": {
        ZH: "只有管理员可以修改管理员账号",
        EN: "only an administrator may change an administrator's account",
    },
    "admin_only": {ZH: "只有管理员可以执行此操作", EN: "only an administrator may do this"},
    "admin_role_protected": {
        ZH: "管理员角色不能被停用、删除或修改编码",
        EN: "the admin role cannot be disabled, deleted or recoded",
    },
    "privilege_exceeded": {
        ZH: "只能授予自己拥有的权限，只能修改权限不超过自己的账号",
        EN: "you may grant only what you hold, and change only accounts you could become",
    },
    "data_scope_exceeded": {
        ZH: "只能授予不超过自己数据权限范围的数据权限",
        EN: "you may give only a data scope within your own",
    },
    "cannot_delete_self": {ZH: "不能删除自己的账号", EN: "you cannot delete your own account"},
    "cannot_demote_self": {
        ZH: "不能移除自己的管理员角色",
        EN: "you cannot remove the admin role from yourself",
    },
    "cannot_disable_self": {ZH: "不能停用自己的账号", EN: "you cannot disable your own account"},
    # -- users, passwords, e-mail
    "user_exists": {ZH: "该用户名已被占用", EN: "this username is taken"},
    "username_invalid": {
        ZH: "用户名为 3 到 64 位字母、数字或 . _ @ -，不能含控制或不可见字符",
        EN: "a username is 3 to 64 letters, digits or . _ @ -, without invisible characters",
    },
    "nickname_invalid": {ZH: "昵称过长", EN: "the nickname is too long"},
    "password_length": {ZH: "密码长度不符合要求", EN: "the password's length is not allowed"},
    "password_too_common": {ZH: "该密码过于常见", EN: "this password is too common"},
    "password_is_username": {
        ZH: "密码不能与用户名相同",
        EN: "the password must differ from the username",
    },
    "old_password_wrong": {ZH: "当前密码错误", EN: "the current password is wrong"},
    "current_password_wrong": {ZH: "当前密码错误", EN: "the current password is wrong"},
    "email_invalid": {ZH: "这不是有效的电子邮箱地址", EN: "this is not an e-mail address"},
    "email_exists": {ZH: "该电子邮箱已被占用", EN: "this e-mail address is taken"},
    "email_unchanged": {ZH: "这已经是您的电子邮箱", EN: "this is already your e-mail address"},
    "email_change_needs_confirmation": {
        ZH: "修改电子邮箱需要当前密码，并通过发送到新邮箱的链接确认",
        EN: "the e-mail address changes with the current password and a link mailed to it",
    },
    "header_injection": {ZH: "此处不允许换行", EN: "line breaks are not allowed here"},
    "field_not_checkable": {
        ZH: "只能检查用户名和电子邮箱是否可用",
        EN: "availability is checked for username and email only",
    },
    "status_invalid": {
        ZH: "状态只能是 1（启用）或 0（停用）",
        EN: "status is 1 (enabled) or 0 (disabled)",
    },
    # -- registration
    "registration_closed": {ZH: "注册已关闭", EN: "registration is closed"},
    "registration_misconfigured": {
        ZH: "注册配置有误：默认角色不存在",
        EN: "registration is misconfigured: its default role does not exist",
    },
    "default_role_invalid": {
        ZH: "注册默认角色必须是已启用的非管理员角色的编码",
        EN: "the sign-up role must be the exact code of an enabled non-admin role",
    },
    "mail_unavailable": {ZH: "邮件服务暂不可用", EN: "the mail service is unavailable"},
    # -- roles, menus, labels
    "role_exists": {ZH: "该角色编码已被占用", EN: "this role code is taken"},
    "role_code_invalid": {
        ZH: "角色编码以小写字母开头，由 2 到 64 位 a-z 0-9 _ - 组成",
        EN: "a role code starts with a lower-case letter: 2 to 64 of a-z 0-9 _ -",
    },
    "role_not_found": {ZH: "角色不存在", EN: "no such role"},
    "dept_ids_not_allowed": {
        ZH: "只有自定义数据权限可以指定部门",
        EN: "departments are given only with the custom data scope",
    },
    "menu_exists": {ZH: "该菜单名称已被占用", EN: "this menu name is taken"},
    "menu_has_children": {ZH: "该菜单下还有子菜单", EN: "this menu still has children"},
    "menu_not_found": {ZH: "菜单不存在", EN: "no such menu"},
    "menu_parent_invalid": {ZH: "上级菜单不合适", EN: "this parent menu is not allowed"},
    "parent_menu_not_found": {ZH: "上级菜单不存在", EN: "no such parent menu"},
    "label_exists": {ZH: "该权限标识已存在", EN: "this permission label exists"},
    "label_invalid": {
        ZH: "权限标识的格式为 perm:{{resource}}:{{verb}}",
        EN: "a permission label reads perm:{{resource}}:{{verb}}",
    },
    "label_not_found": {ZH: "权限标识不存在", EN: "no such permission label"},
    # -- config parameters and dictionaries
    "config_key_exists": {ZH: "该参数键名已存在", EN: "this key exists"},
    "config_key_invalid": {
        ZH: "参数键名以字母开头，最多 100 位字母、数字或 . _ : -",
        EN: "a key starts with a letter: up to 100 of letters, digits and . _ : -",
    },
    "dict_type_exists": {ZH: "该字典编码已存在", EN: "this dictionary code exists"},
    "dict_type_has_items": {ZH: "该字典下还有字典项", EN: "this dictionary still has items"},
    "dict_type_not_found": {ZH: "字典类型不存在", EN: "no such dictionary type"},
    "dict_item_exists": {ZH: "该字典中已有此值", EN: "this value exists in the dictionary"},
    "dict_code_invalid": {
        ZH: "字典编码以小写字母开头，由 2 到 100 位 a-z 0-9 _ 组成",
        EN: "a dictionary code starts with a lower-case letter: 2 to 100 of a-z 0-9 _",
    },
    "dict_css_class_invalid": {
        ZH: "样式类不在可选范围内",
        EN: "this css_class is not one of its values",
    },
    # -- the `require` helper's codes: `<what>_not_found` for the resource of the path
    "user_not_found": {ZH: "用户不存在", EN: "no such user"},
    "permission_label_not_found": {ZH: "权限标识不存在", EN: "no such permission label"},
    "config_setting_not_found": {ZH: "参数不存在", EN: "no such config setting"},
    "dictionary_type_not_found": {ZH: "字典类型不存在", EN: "no such dictionary type"},
    "dictionary_item_not_found": {ZH: "字典项不存在", EN: "no such dictionary item"},
    "job_not_found": {ZH: "任务不存在", EN: "no such job"},
    "job_log_not_found": {ZH: "任务日志不存在", EN: "no such job log"},
    # -- jobs
    "job_name_exists": {ZH: "已有同名任务", EN: "a job has this name"},
    "job_name_invalid": {ZH: "任务名称长度不符合要求", EN: "the job name's length is not allowed"},
    "job_invalid": {ZH: "{field} 的值不在可选范围内", EN: "{field} is not one of its values"},
    "job_args_invalid": {ZH: "任务参数与脚本不符：{detail}", EN: "{detail}"},
    "job_script_unknown": {ZH: "没有这个任务脚本", EN: "no such job script"},
    "job_script_forbidden": {
        ZH: "没有使用该任务脚本所需的权限",
        EN: "you lack the permission this job script needs",
    },
    "job_log_finished": {ZH: "该次执行已经结束", EN: "this run has already ended"},
    "job_notify_invalid": {ZH: "通知对象无效", EN: "the notice's recipients are not valid"},
    "job_notify_user_unknown": {ZH: "通知对象中有不存在的用户", EN: "some recipients do not exist"},
    "job_notify_too_frequent": {
        ZH: "发送通知的任务每分钟最多执行一次",
        EN: "a job that notifies fires at most once a minute",
    },
    "cron_invalid": {ZH: "cron 表达式无效：{detail}", EN: "{detail}"},
    "retention_too_short": {
        ZH: "保留天数低于日志保留下限",
        EN: "the days are below the logs' retention floor",
    },
    # -- reports, uploads, spreadsheets
    "report_not_found": {ZH: "报表不存在", EN: "no such report"},
    "report_not_importable": {ZH: "该报表不支持导入", EN: "this report takes no import"},
    "import_rejected": {
        ZH: "文件有错误，未导入任何数据",
        EN: "the file has errors; nothing was imported",
    },
    "upload_invalid": {ZH: "上传的内容无法读取", EN: "the upload cannot be read"},
    "upload_missing": {ZH: "请求中没有文件", EN: "the request has no file"},
    "not_a_spreadsheet": {ZH: "这不是 .xlsx 表格文件", EN: "this file is not an .xlsx spreadsheet"},
    "spreadsheet_too_large": {ZH: "表格文件过大", EN: "the spreadsheet is too large"},
    "spreadsheet_unsafe": {
        ZH: "表格含有被拒绝的 XML 结构",
        EN: "the spreadsheet contains refused XML",
    },
    "too_many_rows": {ZH: "表格行数过多", EN: "the spreadsheet has too many rows"},
    "zip_bomb": {
        ZH: "文件的压缩比异常，已拒绝",
        EN: "the file is compressed beyond reason (zip bomb)",
    },
    # -- backups
    "backup_invalid": {ZH: "这不是本系统的有效备份：{detail}", EN: "{detail}"},
    "backup_checksum_mismatch": {ZH: "备份文件已损坏：{detail}", EN: "{detail}"},
    "backup_revision_mismatch": {
        ZH: "备份的数据库版本与当前数据库不一致：{detail}",
        EN: "{detail}",
    },
    "backup_tables_mismatch": {ZH: "备份的表结构与当前数据库不一致：{detail}", EN: "{detail}"},
    "backup_too_large": {ZH: "备份解压后过大", EN: "the backup unpacks to too much"},
    # -- backing services
    "cache_unavailable": {ZH: "缓存服务暂不可用", EN: "the cache is unavailable"},
    "database_unavailable": {ZH: "数据库暂不可用", EN: "the database is unavailable"},
    # -- answers that are not errors
    "register_accepted": {
        ZH: "确认链接已发送到该电子邮箱",
        EN: "a confirmation link has been sent to the e-mail address",
    },
    "email_change_accepted": {
        ZH: "确认链接已发送到新邮箱，打开链接后修改生效",
        EN: "a confirmation link has been sent to the new address; the change happens when it is opened",
    },
    "reset_accepted": {
        ZH: "如果有账号使用该电子邮箱，重置链接已发送到该邮箱",
        EN: "if an account has this e-mail address, a reset link has been sent to it",
    },
}


class _Params(dict[str, object]):
    """Leaves a placeholder the error did not fill as it is, rather than failing the answer."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# Each module's own codes come with its spec (`ModuleSpec.messages`), in both languages.
for _spec in module_specs():
    for _code, _text in _spec.messages.items():
        if _code in MESSAGES:
            raise ValueError(f"module {_spec.name}: the code {_code!r} is in the catalogue already")
        MESSAGES[_code] = {ZH: _text.zh, EN: _text.en}


def message(
    code: str, lang: str, fallback: str = "", params: Mapping[str, object] | None = None
) -> str:
    """The catalogue's text of `code` in `lang` (zh-CN if unsupported); `fallback` if unknown."""
    texts = MESSAGES.get(code)
    if texts is None:
        return fallback
    template = texts.get(lang if lang in LANGUAGES else DEFAULT_LANGUAGE) or fallback
    return template.format_map(_Params(params or {}))


# A request that fails the schema (422 `validation_error`): one sentence per error, naming the
# field, by pydantic's error `type`; its `ctx` fills the bounds. Unlisted types: "invalid".
VALIDATION: dict[str, dict[str, str]] = {
    "missing": {ZH: "{field} 为必填项", EN: "{field} is required"},
    "string_too_short": {
        ZH: "{field} 至少 {min_length} 个字符",
        EN: "{field} has at least {min_length} characters",
    },
    "string_too_long": {
        ZH: "{field} 最多 {max_length} 个字符",
        EN: "{field} has at most {max_length} characters",
    },
    "too_short": {
        ZH: "{field} 至少 {min_length} 项",
        EN: "{field} has at least {min_length} items",
    },
    "too_long": {ZH: "{field} 最多 {max_length} 项", EN: "{field} has at most {max_length} items"},
    "greater_than_equal": {ZH: "{field} 须大于或等于 {ge}", EN: "{field} is at least {ge}"},
    "greater_than": {ZH: "{field} 须大于 {gt}", EN: "{field} is greater than {gt}"},
    "less_than_equal": {ZH: "{field} 须小于或等于 {le}", EN: "{field} is at most {le}"},
    "less_than": {ZH: "{field} 须小于 {lt}", EN: "{field} is less than {lt}"},
    "int_parsing": {ZH: "{field} 须为整数", EN: "{field} is an integer"},
    "int_type": {ZH: "{field} 须为整数", EN: "{field} is an integer"},
    "int_from_float": {ZH: "{field} 须为整数", EN: "{field} is an integer"},
    "float_parsing": {ZH: "{field} 须为数字", EN: "{field} is a number"},
    "float_type": {ZH: "{field} 须为数字", EN: "{field} is a number"},
    "bool_parsing": {ZH: "{field} 须为布尔值", EN: "{field} is true or false"},
    "bool_type": {ZH: "{field} 须为布尔值", EN: "{field} is true or false"},
    "string_type": {ZH: "{field} 须为文本", EN: "{field} is text"},
    "list_type": {ZH: "{field} 须为列表", EN: "{field} is a list"},
    "dict_type": {ZH: "{field} 须为对象", EN: "{field} is an object"},
    "literal_error": {ZH: "{field} 须为 {expected} 之一", EN: "{field} is one of {expected}"},
    "enum": {ZH: "{field} 须为 {expected} 之一", EN: "{field} is one of {expected}"},
    "string_pattern_mismatch": {ZH: "{field} 格式不正确", EN: "{field} has the wrong format"},
    "json_invalid": {ZH: "请求体不是有效的 JSON", EN: "the body is not valid JSON"},
    "extra_forbidden": {ZH: "不接受字段 {field}", EN: "{field} is not accepted"},
}
VALIDATION_DEFAULT = {ZH: "{field} 的值无效", EN: "{field} is invalid"}
WHOLE_BODY = {ZH: "请求体", EN: "the body"}


def validation_message(
    error_type: str, field: str, lang: str, ctx: Mapping[str, object] | None = None
) -> str:
    """One localized sentence for one schema error of `field` (its dotted path in the request)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    template = VALIDATION.get(error_type, VALIDATION_DEFAULT)[lang]
    params: dict[str, object] = {str(k): v for k, v in (ctx or {}).items()}
    params["field"] = field or WHOLE_BODY[lang]
    return template.format_map(_Params(params))


# The operation log stores the route's English summary (decision 10); its list answers it in
# the request's language from here. Keyed by that English text, so rows written before this
# catalogue read the same; a summary no longer in the catalogue shows as stored. Only writes
# are logged, so only write routes are here (a unit test keeps the two in step).
ROUTE_SUMMARIES_ZH: dict[str, str] = {
    "log in": "登录",
    "log out": "退出登录",
    "refresh the tokens": "刷新令牌",
    "update my profile": "修改个人资料",
    "change my password": "修改我的密码",
    "create a user": "新增用户",
    "update a user": "修改用户",
    "delete a user": "删除用户",
    "enable or disable a user": "启用或停用用户",
    "reset a user's password": "重置用户密码",
    "assign roles to a user": "为用户分配角色",
    "create a role": "新增角色",
    "update a role": "修改角色",
    "delete a role": "删除角色",
    "assign menus to a role": "为角色分配菜单",
    "assign permission labels to a role": "为角色分配权限标识",
    "set a role's data scope": "设置角色数据权限",
    "create a menu": "新增菜单",
    "update a menu": "修改菜单",
    "delete a menu": "删除菜单",
    "create a permission label": "新增权限标识",
    "update a permission label": "修改权限标识",
    "delete a permission label": "删除权限标识",
    "create a config parameter": "新增参数",
    "update a config parameter": "修改参数",
    "delete a config parameter": "删除参数",
    "create a dictionary type": "新增字典类型",
    "update a dictionary type": "修改字典类型",
    "delete a dictionary type": "删除字典类型",
    "create a dictionary item": "新增字典项",
    "update a dictionary item": "修改字典项",
    "delete a dictionary item": "删除字典项",
    "whether a username or e-mail address is free": "检查用户名或电子邮箱是否可用",
    "register; a confirmation link is mailed": "注册（发送确认链接）",
    "confirm a registration: the account is created": "确认注册并创建账号",
    "ask for a password reset link (same answer whether the address is known or not)": (
        "申请密码重置链接"
    ),
    "set a new password with a reset link; signs the user out everywhere": (
        "通过重置链接设置新密码"
    ),
    "ask to change my e-mail address; a link is mailed to the new one": "申请修改我的电子邮箱",
    "confirm an e-mail change: the account takes the new address": "确认修改电子邮箱",
    "create a job": "新增任务",
    "update a job": "修改任务",
    "delete a job": "删除任务",
    "run a job once now, in the background": "立即执行一次任务",
    "take a job off the schedule": "暂停任务",
    "put a job on the schedule": "恢复任务",
    "import an .xlsx (multipart field `file`): every row, or none with 422 and the errors": (
        "导入 Excel 表格"
    ),
    "download a backup: every table as CSV in one zip, with a manifest": "下载备份",
    "replace every table's rows with a backup's (multipart field `file`); signs everyone out": (
        "从备份恢复全部数据"
    ),
}

for _spec in module_specs():
    ROUTE_SUMMARIES_ZH.update(_spec.summaries_zh)


def route_summary(stored: str, lang: str) -> str:
    """An operation log row's summary in `lang`: the stored English one, or its translation."""
    if lang == EN:
        return stored
    return ROUTE_SUMMARIES_ZH.get(stored, stored)
