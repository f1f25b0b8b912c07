"""Small helpers every module's use cases share."""

from __future__ import annotations

from typing import TypeVar

from core.shared.errors import NotFound

T = TypeVar("T")


def require(row: T | None, what: str) -> T:
    """The row, or NotFound with the code `<what>_not_found`."""
    if row is None:
        raise NotFound(f"no such {what}", f"{what.replace(' ', '_')}_not_found")
    return row
