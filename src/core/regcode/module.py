"""The reg-code module, declared once: the list of modules in `bootstrap.py` reads this."""

from __future__ import annotations

from core.regcode.scripts import RegCodeScripts
from core.regcode.seed import REGCODE_SEED
from core.regcode.service import RegCodeService
from core.shared.language import Text
from core.shared.module import ModuleSpec, Provide, ReportSpec
from core.shared.scope import SCOPE_TABLES

MODULE = ModuleSpec(
    name="regcode",
    seed=REGCODE_SEED,
    services=(Provide("reg_codes", RegCodeService, ("uow", "clock")),),
    scripts=(Provide("regcode_scripts", RegCodeScripts, ("uow", "clock")),),
    reports=(ReportSpec("reg_codes", "perm:regcode:export", "perm:regcode:import"),),
    # The codes, their creators' usernames, and the tree the data scope reads.
    lists={"reg_codes": ("t_reg_code", "t_users", *SCOPE_TABLES)},
    messages={
        "reg_code_not_found": Text("注册码不存在", "no such reg code"),
        "reg_code_already_active": Text("该注册码已激活", "this code is already activated"),
        "reg_code_count_invalid": Text("生成数量超出范围", "the count is out of range"),
        "reg_code_invalid": Text(
            "注册码为 4 到 32 位字母、数字、- 或 _，以字母或数字开头",
            "a code is 4 to 32 letters, digits, - or _, starting with a letter or digit",
        ),
        "reg_times_invalid": Text("有效天数超出范围", "the days of validity are out of range"),
    },
    summaries_zh={
        "generate a batch of reg codes": "批量生成注册码",
        "update a reg code": "修改注册码",
        "delete a reg code": "删除注册码",
        "activate a reg code": "激活注册码",
    },
)
