"""What typed commands share: one marker for a field the caller did not give.

A command of a partial update holds exactly the fields its use case may change; each is
`Maybe[T]`, `UNSET` by default, so "not given" (leave it) and `None` (clear it, where a
field may be empty) stay apart.
"""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeAlias, TypeVar

T = TypeVar("T")


class Unset(enum.Enum):
    """The type of UNSET: one member, so `x is UNSET` narrows for mypy."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset.UNSET

Maybe: TypeAlias = T | Literal[Unset.UNSET]


def given(value: Maybe[T], current: T) -> T:
    """The new value when the caller gave one, else the current one."""
    return current if value is UNSET else value


__all__ = ["UNSET", "Maybe", "Unset", "given"]
