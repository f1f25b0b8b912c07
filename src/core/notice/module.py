"""The notice module, declared once: the list of modules in `bootstrap.py` reads this."""

from __future__ import annotations

from core.notice.seed import NOTICE_SEED
from core.notice.service import NoticeService
from core.shared.language import Text
from core.shared.module import ModuleSpec, Provide

MODULE = ModuleSpec(
    name="notice",
    seed=NOTICE_SEED,
    # `html_sanitizer`: the container's sanitiser of rich text (adapters/html/sanitizer.py).
    services=(Provide("notices", NoticeService, ("uow", "clock", "html_sanitizer")),),
    # The administration list: the notices and their creators' usernames.
    lists={"notices": ("t_notice", "t_users")},
    messages={
        "notice_not_found": Text("通知公告不存在", "no such notice"),
        "notice_title_invalid": Text("标题为 1 到 100 个字符", "the title is 1 to 100 characters"),
        "notice_type_invalid": Text(
            "类型为通知（notice）或公告（announcement）", "type is notice or announcement"
        ),
        "notice_status_invalid": Text(
            "状态为草稿（draft）或已发布（published）", "status is draft or published"
        ),
        "notice_content_too_large": Text(
            "内容清理后不能超过 64 KiB", "the content is at most 64 KiB once sanitised"
        ),
    },
    summaries_zh={
        "create a notice": "新增通知公告",
        "update a notice": "修改通知公告",
        "delete a notice": "删除通知公告",
        "mark a notice read": "标记通知已读",
    },
)
