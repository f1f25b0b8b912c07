"""Request and response shapes of the reg-code module."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from entrypoints.http.schemas.common import Input, NotNull, Output
from entrypoints.http.schemas.rbac import Line


class RegCodeGenerate(Input):
    count: Annotated[int, Field(ge=1, le=1000)] = 1
    reg_times: Annotated[
        int, Field(ge=1, le=36500, description="days of validity after activation")
    ]
    remark: Annotated[Line, Field(max_length=255)] = ""


class RegCodeUpdate(Input):
    reg_times: NotNull[Annotated[int, Field(ge=1, le=36500)]] = None
    remark: NotNull[Annotated[Line, Field(max_length=255)]] = None


class RegCodeOut(Output):
    id: int
    code: str
    reg_times: int
    first_active_time: datetime | None
    deadline: datetime | None
    state: int
    remark: str
    creator_id: int | None
    creator: str | None
    created_time: datetime | None
    modified_time: datetime | None


class RegCodeBatch(Output):
    count: int
    items: list[RegCodeOut]
