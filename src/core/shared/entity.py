"""Small helpers every module's use cases share."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from core.shared.errors import InvalidInput, NotFound

T = TypeVar("T")


def require(row: T | None, what: str) -> T:
    """The row, or NotFound with the code `<what>_not_found`."""
    if row is None:
        raise NotFound(f"no such {what}", f"{what.replace(' ', '_')}_not_found")
    return row


def apply_changes(entity: object, changes: dict[str, Any]) -> None:
    """Set the given fields; a name the entity does not have is refused."""
    names = {f.name for f in fields(entity)}  # type: ignore[arg-type]
    for key, value in changes.items():
        if key not in names:
            raise InvalidInput(f"unknown field {key}", "field_unknown", key)
        setattr(entity, key, value)
