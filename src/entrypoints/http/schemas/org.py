"""Request and response shapes of the organisation module (departments and posts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field

from entrypoints.http.schemas.common import BIGINT_MAX, Input, Int, NotNull, Output, Status
from entrypoints.http.schemas.rbac import Line

# A parent: 0 is the root, any other value a department's id.
ParentId = Annotated[int, Field(ge=0, le=BIGINT_MAX)]
Name = Annotated[Line, Field(min_length=1, max_length=64)]
Leader = Annotated[Line, Field(max_length=64)]
Phone = Annotated[Line, Field(max_length=32)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Remark = Annotated[Line, Field(max_length=255)]


class DeptCreate(Input):
    parent_id: ParentId = 0
    name: Name
    sort: Int = 0
    leader: Leader = ""
    phone: Phone = ""
    # Empty: none (the column is NOT NULL, "" stands for no address).
    email: Annotated[EmailStr, Field(max_length=128)] | Annotated[str, Field(max_length=0)] = ""
    status: Status = 1


class DeptUpdate(Input):
    parent_id: NotNull[ParentId] = None
    name: NotNull[Name] = None
    sort: NotNull[Int] = None
    leader: NotNull[Leader] = None
    phone: NotNull[Phone] = None
    email: NotNull[
        Annotated[EmailStr, Field(max_length=128)] | Annotated[str, Field(max_length=0)]
    ] = None
    status: NotNull[Status] = None


class DeptOut(Output):
    id: int
    parent_id: int
    name: str
    sort: int
    leader: str
    phone: str
    email: str
    status: int
    created_time: datetime | None
    children: list[DeptOut] = []


class PostCreate(Input):
    code: Code
    name: Name
    sort: Int = 0
    status: Status = 1
    remark: Remark = ""


class PostUpdate(Input):
    code: NotNull[Code] = None
    name: NotNull[Name] = None
    sort: NotNull[Int] = None
    status: NotNull[Status] = None
    remark: NotNull[Remark] = None


class PostOut(Output):
    id: int
    code: str
    name: str
    sort: int
    status: int
    remark: str
    created_time: datetime | None
