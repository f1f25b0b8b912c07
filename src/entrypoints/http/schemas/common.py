"""Schema pieces shared by every module: pages, errors, and time bounds of filters."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from core.shared.pagination import PageRequest, TimeRange

T = TypeVar("T")
C = TypeVar("C")


class Input(BaseModel):
    """Request bodies refuse unknown fields, so nobody sneaks `roles` into a profile update."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    def command(self, cls: type[C]) -> C:
        """The core command of a create: every field, defaults included."""
        return cls(**self.model_dump())

    def changes(self, cls: type[C]) -> C:
        """The core command of a partial update: only the fields the client sent."""
        return cls(**self.model_dump(exclude_unset=True))


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# What a create answers: the new row's id. (No docstring: it would enter the document.)
class Created(Output):
    id: int


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


class ErrorOut(BaseModel):
    """Every error answer: one sentence and a stable code; the fields or rows concerned in
    `errors` when there are several (`[{loc, msg, type}]`, or `[{row, column, message}]` for a
    rejected import)."""

    detail: str
    code: str
    errors: list[dict[str, object]] = Field(default_factory=list)


# Unix timestamps: below this many, seconds (up to the year 5138); from it, milliseconds, which
# is what JavaScript's Date.now() and most dashboards send (13 digits).
MILLISECONDS_FROM = 10**11
TIME_HINT = "use an ISO 8601 date or datetime, or a Unix timestamp in seconds or milliseconds"


def _instant(value: object, *, end: bool) -> datetime | None:
    """An ISO 8601 date or datetime, or a Unix timestamp (s or ms); a date covers its whole day."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
            return _from_timestamp(float(value))
        elif isinstance(value, str):
            text = value.strip()
            parsed = datetime.fromisoformat(text)
            if len(text) == 10:  # a bare date: the range is inclusive of that whole day
                parsed = datetime.combine(date.fromisoformat(text), time.max if end else time.min)
        else:
            raise ValueError(TIME_HINT)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (OverflowError, OSError) as exc:
        # A time beyond what a datetime holds (1e20, year 9999 at +01:00...): a 422, not a 500.
        raise ValueError(f"the time is out of range; {TIME_HINT}") from exc
    except ValueError as exc:
        raise ValueError(TIME_HINT) from exc


def _from_timestamp(number: float) -> datetime:
    if not math.isfinite(number):
        raise ValueError(TIME_HINT)
    seconds = number / 1000 if abs(number) >= MILLISECONDS_FROM else number
    return datetime.fromtimestamp(seconds, UTC)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


RangeStart = Annotated[datetime | None, BeforeValidator(lambda v: _instant(v, end=False))]
RangeEnd = Annotated[datetime | None, BeforeValidator(lambda v: _instant(v, end=True))]
Order = Literal["asc", "desc"]
Status = Literal[0, 1]
# The offset (page - 1) * size must fit the database's integers, whatever page is asked for.
MAX_PAGE = 1_000_000
PageNo = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=100)]
# Query strings carry text: a status filter is parsed as an int, then bounded.
StatusFilter = Annotated[int | None, Field(ge=0, le=1)]


# The integer columns' ranges: a write schema bounds each int field by the column it lands in,
# so an out-of-range number is a 422 here, not a database error (a 500) later.
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1
Int = Annotated[int, Field(ge=-INT_MAX - 1, le=INT_MAX)]  # an INTEGER column (sort, ...)
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]  # a row id (BIGINT), in a body or a path

V = TypeVar("V")


def _not_null(value: V | None) -> V:
    if value is None:
        raise ValueError("leave the field out to keep its value; it cannot be null")
    return value


class _NotNullSchema:
    """Documents a NotNull field as its plain type: null is not an accepted value."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        variants = schema.get("anyOf")
        if isinstance(variants, list):
            kept = [v for v in variants if v != {"type": "null"}]
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            schema = {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}
        return schema


# A field of a partial update whose column is NOT NULL: it may be left out (then it keeps its
# value), but an explicit null is a 422, never a TypeError or a misleading 409 further down.
# `T | None` with a default of None keeps it optional to send; the validator refuses the null.
NotNull = Annotated[V | None, AfterValidator(_not_null), _NotNullSchema()]


def fields_of(entity: object) -> dict[str, object]:
    """An entity's own fields, for building an output schema (never serialised directly)."""
    return {k: v for k, v in vars(entity).items() if not k.startswith("_")}


class ListQuery(BaseModel):
    """Paging, ordering and the created-time range every list accepts."""

    model_config = ConfigDict(extra="forbid")
    page: PageNo = 1
    size: PageSize = 10
    order: Order = "desc"
    created_start: RangeStart = None
    created_end: RangeEnd = None

    def page_request(self, sort: str) -> PageRequest:
        return PageRequest(
            page=self.page, size=self.size, sort=sort, descending=self.order == "desc"
        )

    def created(self) -> TimeRange:
        return TimeRange(start=self.created_start, end=self.created_end)
