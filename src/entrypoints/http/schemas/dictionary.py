"""Request and response shapes of the dictionary module."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from entrypoints.http.schemas.common import Input, Int, NotNull, Output, Status
from entrypoints.http.schemas.rbac import Line


class DictTypeCreate(Input):
    code: Annotated[str, Field(min_length=2, max_length=100)]
    name: Annotated[Line, Field(min_length=1, max_length=100)]
    status: Status = 1
    remark: Annotated[Line, Field(max_length=500)] = ""


class DictTypeUpdate(Input):
    code: NotNull[Annotated[str, Field(min_length=2, max_length=100)]] = None
    name: NotNull[Annotated[Line, Field(min_length=1, max_length=100)]] = None
    status: NotNull[Status] = None
    remark: NotNull[Annotated[Line, Field(max_length=500)]] = None


class DictTypeOut(Output):
    id: int
    code: str
    name: str
    status: int
    remark: str
    created_time: datetime | None


class DictItemCreate(Input):
    type_code: Annotated[str, Field(min_length=2, max_length=100)]
    label: Annotated[Line, Field(min_length=1, max_length=100)]
    label_en: Annotated[Line, Field(max_length=100)] = ""
    value: Annotated[Line, Field(min_length=1, max_length=100)]
    sort: Int = 0
    status: Status = 1
    css_class: Annotated[str, Field(max_length=32)] = ""
    remark: Annotated[Line, Field(max_length=500)] = ""


class DictItemUpdate(Input):
    type_code: NotNull[Annotated[str, Field(min_length=2, max_length=100)]] = None
    label: NotNull[Annotated[Line, Field(min_length=1, max_length=100)]] = None
    label_en: NotNull[Annotated[Line, Field(max_length=100)]] = None
    value: NotNull[Annotated[Line, Field(min_length=1, max_length=100)]] = None
    sort: NotNull[Int] = None
    status: NotNull[Status] = None
    css_class: NotNull[Annotated[str, Field(max_length=32)]] = None
    remark: NotNull[Annotated[Line, Field(max_length=500)]] = None


class DictItemOut(Output):
    id: int
    type_code: str
    label: str
    label_en: str
    value: str
    sort: int
    status: int
    css_class: str
    remark: str
    created_time: datetime | None


class DictOption(Output):
    label: str
    label_en: str
    value: str
    css_class: str
    sort: int
