"""Users: export only (accounts are created one by one, with a password and roles)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from core.reports.model import Column, ColumnType
from core.shared.scope import RowScope
from entrypoints.http.reports import Report, paged
from entrypoints.http.routers.rbac import UserQuery

if TYPE_CHECKING:
    from bootstrap import Container


async def _rows(
    container: Container, q: UserQuery, scope: RowScope
) -> AsyncIterator[dict[str, Any]]:
    flt = q.filter()
    users = container.users()
    async for user, roles, dept_name, posts in paged(
        lambda p: users.search(flt, p, scope), q.sort, q.order == "desc"
    ):
        # Named fields only: the password hash never reaches a sheet.
        yield {
            "id": user.id,
            "username": user.username,
            "nickname": user.nickname,
            "email": user.email,
            "phone": user.phone,
            "status": user.status,
            "roles": ", ".join(r.name for r in roles),
            "dept": dept_name or "",
            "posts": ", ".join(p.name for p in posts),
            "created_time": user.created_time,
        }


REPORT = Report(
    name="users",
    title="用户",
    title_en="Users",
    export_labels=("perm:user:export",),
    query=UserQuery,
    rows=_rows,
    columns=(
        Column("id", "编号", "ID", ColumnType.INT, 10),
        Column("username", "用户名", "Username", width=20),
        Column("nickname", "昵称", "Nickname", width=20),
        Column("email", "邮箱", "E-mail", width=28),
        Column("phone", "手机号码", "Phone", width=16),
        Column("status", "状态", "Status", ColumnType.INT, 10, dictionary="sys_user_status"),
        Column("roles", "角色", "Roles", width=28),
        Column("dept", "部门", "Department", width=20),
        Column("posts", "岗位", "Posts", width=28),
        Column("created_time", "创建时间", "Created", ColumnType.DATETIME, 22),
    ),
)
