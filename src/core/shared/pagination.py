"""Paging and sorting values shared by every list use case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, kw_only=True)
class PageRequest:
    page: int = 1
    size: int = 10
    sort: str = "id"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise ValueError(f"size must be between 1 and {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


@dataclass(frozen=True, kw_only=True)
class TimeRange:
    """An inclusive range of instants; either bound may be open."""

    start: datetime | None = None
    end: datetime | None = None
