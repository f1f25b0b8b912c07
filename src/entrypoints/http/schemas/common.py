"""Schema pieces shared by every module: pages, errors, and time bounds of filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from core.shared.pagination import PageRequest, TimeRange

T = TypeVar("T")


class Input(BaseModel):
    """Request bodies refuse unknown fields, so nobody sneaks `roles` into a profile update."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


class ErrorOut(BaseModel):
    detail: str | list[dict[str, object]]
    code: str


def _instant(value: object, *, end: bool) -> datetime | None:
    """An ISO 8601 date or datetime, or a Unix timestamp in seconds; a date covers its whole day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        return datetime.fromtimestamp(float(value), UTC)
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError("use an ISO 8601 date or datetime, or a Unix timestamp") from exc
        if len(text) == 10:  # a bare date: the range is inclusive of that whole day
            parsed = datetime.combine(date.fromisoformat(text), time.max if end else time.min)
    else:
        raise ValueError("use an ISO 8601 date or datetime, or a Unix timestamp")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


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
PageNo = Annotated[int, Field(ge=1)]
PageSize = Annotated[int, Field(ge=1, le=100)]
# Query strings carry text: a status filter is parsed as an int, then bounded.
StatusFilter = Annotated[int | None, Field(ge=0, le=1)]


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
