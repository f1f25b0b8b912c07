"""The organisation module: departments (a tree), posts, and the data scope rule they carry."""

from __future__ import annotations

from core.shared.language import Text
from core.shared.module import ModuleSpec

MODULE = ModuleSpec(
    name="org",
    messages={"dept_not_found": Text("部门不存在", "no such department")},
)
