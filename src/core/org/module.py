"""The organisation module: departments (a tree), posts, and the data scope rule they carry."""

from __future__ import annotations

from core.org.seed import ORG_SEED
from core.org.service import DeptService, PostService
from core.shared.language import Text
from core.shared.module import ModuleSpec, Provide

MODULE = ModuleSpec(
    name="org",
    seed=ORG_SEED,
    services=(
        Provide("depts", DeptService, ("uow", "clock")),
        Provide("posts", PostService, ("uow", "clock")),
    ),
    # The post list is kept; the department tree is small and computed on each request.
    lists={"posts": ("t_post",)},
    messages={
        "dept_not_found": Text("部门不存在", "no such department"),
        "dept_disabled": Text("该部门已停用", "this department is disabled"),
        "dept_name_exists": Text(
            "同一上级部门下已有该名称", "this name is taken under this parent"
        ),
        "dept_cycle": Text(
            "部门不能移到自身或其下级部门之下",
            "a department cannot move under itself or a department below it",
        ),
        "dept_has_children": Text(
            "该部门下还有部门", "this department still has departments below it"
        ),
        "dept_has_users": Text("该部门下还有用户", "users still belong to this department"),
        "post_not_found": Text("岗位不存在", "no such post"),
        "post_code_exists": Text("岗位编码已存在", "this post code is taken"),
        "post_in_use": Text("该岗位仍有用户在岗", "a user holds this post"),
    },
    summaries_zh={
        "create a department": "新增部门",
        "update a department": "修改部门",
        "delete a department": "删除部门",
        "create a post": "新增岗位",
        "update a post": "修改岗位",
        "delete a post": "删除岗位",
    },
)
