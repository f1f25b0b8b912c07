"""Table generations: one counter per table, moved on by every committed write to it.

An answer computed from some tables stays right while their generations stay the same, so it
may be kept and given again (the list routes do: `entrypoints/http/pages.py`). The write side
is the unit of work, which reports the tables of each commit; the read side asks for the
current generations of the tables an answer reads.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol


class TableGenerations(Protocol):
    async def bump(self, tables: Collection[str]) -> None:
        """After a commit that wrote to `tables`: their generations move on, everywhere."""

    async def reset(self) -> None:
        """Every generation moves on (after a restore, or anything else done behind our back)."""

    async def current(self, tables: Sequence[str]) -> tuple[object, ...] | None:
        """The generations of `tables` now, or None when answers must not be kept now."""
