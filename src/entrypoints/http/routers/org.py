"""Routes of the organisation module: the department tree (`/system/dept`) and posts (`/system/post`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from core.org.commands import CreateDept, CreatePost, UpdateDept, UpdatePost
from core.org.model import DeptFilter, DeptNode
from core.org.module import MODULE
from core.org.ports import PostFilter
from core.org.service import DeptService, PostService
from core.rbac.model import Principal
from core.shared.scope import RowScope
from entrypoints.http.deps import provided, require, scoped
from entrypoints.http.pages import Fresh, Pages
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import (
    Created,
    Id,
    ListQuery,
    PageOut,
    StatusFilter,
    fields_of,
)
from entrypoints.http.schemas.org import (
    DeptCreate,
    DeptOut,
    DeptUpdate,
    PostCreate,
    PostOut,
    PostUpdate,
)

depts_router = ApiRouter(prefix="/system/dept", tags=["dept"])
posts_router = ApiRouter(prefix="/system/post", tags=["post"])

dept_service = provided(lambda c: c.depts())
post_service = provided(lambda c: c.posts())
Depts = Annotated[DeptService, Depends(dept_service)]
Posts = Annotated[PostService, Depends(post_service)]


# --- departments -----------------------------------------------------------------------


class DeptQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    status: StatusFilter = None

    def filter(self) -> DeptFilter:
        return DeptFilter(name=self.name or None, status=self.status)


def _dept(node: DeptNode) -> DeptOut:
    return DeptOut.model_validate(
        {**fields_of(node.dept), "children": [_dept(c) for c in node.children]}
    )


@depts_router.get("", response_model=list[DeptOut], summary="the department tree")
async def dept_tree(
    q: Annotated[DeptQuery, Query()],
    scope: Annotated[RowScope, scoped("perm:dept:get")],
    depts: Depts,
) -> list[DeptOut]:
    return [_dept(n) for n in await depts.tree(q.filter(), scope)]


@depts_router.post("", response_model=Created, status_code=201, summary="create a department")
async def create_dept(
    body: DeptCreate,
    caller: Annotated[Principal, require("perm:dept:post")],
    scope: Annotated[RowScope, scoped("perm:dept:post")],
    depts: Depts,
) -> Created:
    return Created(id=await depts.create(caller.user_id, body.command(CreateDept), scope))


@depts_router.get("/{dept_id}", response_model=DeptOut, summary="read a department")
async def get_dept(
    dept_id: Id, scope: Annotated[RowScope, scoped("perm:dept:get")], depts: Depts
) -> DeptOut:
    return _dept(DeptNode(await depts.get(dept_id, scope)))


@depts_router.put("/{dept_id}", status_code=204, summary="update a department")
async def update_dept(
    dept_id: Id,
    body: DeptUpdate,
    caller: Annotated[Principal, require("perm:dept:put")],
    scope: Annotated[RowScope, scoped("perm:dept:put")],
    depts: Depts,
) -> None:
    await depts.update(caller.user_id, dept_id, body.changes(UpdateDept), scope)


@depts_router.delete("/{dept_id}", status_code=204, summary="delete a department")
async def delete_dept(
    dept_id: Id,
    caller: Annotated[Principal, require("perm:dept:delete")],
    scope: Annotated[RowScope, scoped("perm:dept:delete")],
    depts: Depts,
) -> None:
    await depts.delete(caller.user_id, dept_id, scope)


# --- posts -----------------------------------------------------------------------------


class PostQuery(ListQuery):
    code: str | None = None
    name: str | None = None
    status: StatusFilter = None

    def filter(self) -> PostFilter:
        return PostFilter(
            code=self.code, name=self.name, status=self.status, created=self.created()
        )


# The tables a post-list answer reads, as the module's spec declares them.
POST_LIST_TABLES = MODULE.list_tables("posts")


@posts_router.get("", response_model=PageOut[PostOut], summary="list posts")
async def list_posts(
    request: Request,
    q: Annotated[PostQuery, Query()],
    _: Annotated[Principal, require("perm:post:get")],
    posts: Posts,
    pages: Pages,
) -> Response:
    async def compute() -> Fresh:
        page = await posts.search(q.filter(), q.page_request("sort"))
        items = [PostOut.model_validate(p) for p in page.items]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), None

    return await pages.answer(request, POST_LIST_TABLES, compute)


@posts_router.post("", response_model=Created, status_code=201, summary="create a post")
async def create_post(
    body: PostCreate,
    caller: Annotated[Principal, require("perm:post:post")],
    posts: Posts,
) -> Created:
    return Created(id=await posts.create(caller.user_id, body.command(CreatePost)))


@posts_router.get("/{post_id}", response_model=PostOut, summary="read a post")
async def get_post(
    post_id: Id, _: Annotated[Principal, require("perm:post:get")], posts: Posts
) -> PostOut:
    return PostOut.model_validate(await posts.get(post_id))


@posts_router.put("/{post_id}", status_code=204, summary="update a post")
async def update_post(
    post_id: Id,
    body: PostUpdate,
    caller: Annotated[Principal, require("perm:post:put")],
    posts: Posts,
) -> None:
    await posts.update(caller.user_id, post_id, body.changes(UpdatePost))


@posts_router.delete("/{post_id}", status_code=204, summary="delete a post")
async def delete_post(
    post_id: Id,
    caller: Annotated[Principal, require("perm:post:delete")],
    posts: Posts,
) -> None:
    await posts.delete(caller.user_id, post_id)
