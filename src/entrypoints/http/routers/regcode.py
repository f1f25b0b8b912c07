"""Routes of the reg-code module (`/business/reg-code`): the worked example of a business module."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response
from pydantic import Field

from core.rbac.model import Principal
from core.regcode.commands import UpdateRegCode
from core.regcode.model import RegCodeState
from core.regcode.module import MODULE
from core.regcode.ports import RegCodeFilter
from core.regcode.service import RegCodeService, RegCodeView
from core.shared.pagination import TimeRange
from core.shared.scope import RowScope
from entrypoints.http.deps import provided, require, scoped
from entrypoints.http.pages import Fresh, Pages
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Id, ListQuery, PageOut, RangeEnd, RangeStart, fields_of
from entrypoints.http.schemas.regcode import (
    RegCodeBatch,
    RegCodeGenerate,
    RegCodeOut,
    RegCodeUpdate,
)

router = ApiRouter(prefix="/business/reg-code", tags=["reg-code"])
CanRead = Annotated[Principal, require("perm:regcode:get")]
# The caller's data scope (a code is owned by its creator's department and its creator),
# behind the same guard as the route's label.
ReadScope = Annotated[RowScope, scoped("perm:regcode:get")]
PutScope = Annotated[RowScope, scoped("perm:regcode:put")]
DeleteScope = Annotated[RowScope, scoped("perm:regcode:delete")]

reg_code_service = provided(lambda c: c.reg_codes())
RegCodes = Annotated[RegCodeService, Depends(reg_code_service)]


class RegCodeQuery(ListQuery):
    code: str | None = None
    state: Annotated[int | None, Field(ge=0, le=2)] = None
    creator_id: int | None = None
    deadline_start: RangeStart = None
    deadline_end: RangeEnd = None
    sort: Literal["created_time", "deadline", "state", "id"] = "created_time"

    def filter(self) -> RegCodeFilter:
        return RegCodeFilter(
            code=self.code,
            state=None if self.state is None else RegCodeState(self.state),
            creator_id=self.creator_id,
            deadline=TimeRange(start=self.deadline_start, end=self.deadline_end),
            created=self.created(),
        )


def _out(view: RegCodeView) -> RegCodeOut:
    return RegCodeOut.model_validate(
        {**fields_of(view.reg_code), "state": int(view.state), "creator": view.creator}
    )


# The tables a list answer reads, as the module's spec declares them.
LIST_TABLES = MODULE.list_tables("reg_codes")


@router.get("", response_model=PageOut[RegCodeOut], summary="list reg codes")
async def list_codes(
    request: Request,
    q: Annotated[RegCodeQuery, Query()],
    scope: ReadScope,
    reg_codes: RegCodes,
    pages: Pages,
) -> Response:
    async def compute() -> Fresh:
        page, holds_for = await reg_codes.search_until(q.filter(), q.page_request(q.sort), scope)
        items = [_out(v) for v in page.items]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), holds_for

    return await pages.answer(request, LIST_TABLES, compute, scope)


@router.post(
    "", response_model=RegCodeBatch, status_code=201, summary="generate a batch of reg codes"
)
async def generate(
    body: RegCodeGenerate,
    caller: Annotated[Principal, require("perm:regcode:post")],
    reg_codes: RegCodes,
) -> RegCodeBatch:
    rows = await reg_codes.generate(
        caller.user_id, body.count, body.reg_times, body.remark, caller.dept_id
    )
    items = [_out(RegCodeView(r, caller.username, RegCodeState.INACTIVE)) for r in rows]
    return RegCodeBatch(count=len(items), items=items)


@router.get("/{code_id}", response_model=RegCodeOut, summary="read a reg code")
async def get_code(code_id: Id, scope: ReadScope, reg_codes: RegCodes) -> RegCodeOut:
    return _out(await reg_codes.get(code_id, scope))


@router.put("/{code_id}", status_code=204, summary="update a reg code")
async def update_code(
    code_id: Id,
    body: RegCodeUpdate,
    caller: Annotated[Principal, require("perm:regcode:put")],
    scope: PutScope,
    reg_codes: RegCodes,
) -> None:
    await reg_codes.update(caller.user_id, code_id, body.changes(UpdateRegCode), scope)


@router.put("/{code_id}/activate", response_model=RegCodeOut, summary="activate a reg code")
async def activate(
    code_id: Id,
    caller: Annotated[Principal, require("perm:regcode:put")],
    scope: PutScope,
    reg_codes: RegCodes,
) -> RegCodeOut:
    return _out(await reg_codes.activate(caller.user_id, code_id, scope))


@router.delete("/{code_id}", status_code=204, summary="delete a reg code")
async def delete_code(
    code_id: Id,
    caller: Annotated[Principal, require("perm:regcode:delete")],
    scope: DeleteScope,
    reg_codes: RegCodes,
) -> None:
    await reg_codes.delete(caller.user_id, code_id, scope)
