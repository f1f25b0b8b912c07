"""Request and response shapes of the config-parameter module."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from entrypoints.http.schemas.common import Input, Int, NotNull, Output
from entrypoints.http.schemas.rbac import Line


class ConfigCreate(Input):
    name: Annotated[Line, Field(min_length=1, max_length=100)]
    key: Annotated[str, Field(min_length=1, max_length=100)]
    value: Annotated[str, Field(max_length=10_000)] = ""
    remark: Annotated[Line, Field(max_length=500)] = ""
    sort: Int = 0


class ConfigUpdate(Input):
    name: NotNull[Annotated[Line, Field(min_length=1, max_length=100)]] = None
    key: NotNull[Annotated[str, Field(min_length=1, max_length=100)]] = None
    value: NotNull[Annotated[str, Field(max_length=10_000)]] = None
    remark: NotNull[Annotated[Line, Field(max_length=500)]] = None
    sort: NotNull[Int] = None


class ConfigOut(Output):
    id: int
    name: str
    key: str
    value: str
    remark: str
    sort: int
    created_time: datetime | None
    modified_time: datetime | None


class ConfigValueOut(Output):
    key: str
    value: str
    name: str
