"""Ports of backup and restore: the database as tables of rows, and what a restore must reset."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from core.backup.model import TableSpec

# Reports progress: (table, rows done, rows in all).
Progress = Callable[[str, int, int], None]


class SnapshotReader(Protocol):
    """Reads inside one transaction, so every table is seen at the same instant.

    Like `DatabaseSnapshot`, it is synchronous bulk work: the backup service runs it in a
    worker thread (`asyncio.to_thread`), off the event loop, on a connection of its own."""

    def count(self, table: str) -> int: ...

    def rows(self, table: str) -> Iterator[Sequence[Any]]:
        """Every row, deleted ones included, in id order; values in the order of the TableSpec."""
        ...


class DatabaseSnapshot(Protocol):
    """The whole database as tables of typed rows: read consistently, replaced in one transaction."""

    def revision(self) -> str:
        """The schema revision the database is at (Alembic's `alembic_version`)."""
        ...

    def tables(self) -> list[TableSpec]:
        """Every table of the schema in foreign-key order: a table comes after those it refers to."""
        ...

    def reading(self) -> AbstractContextManager[SnapshotReader]: ...

    def replace(self, rows_of: Callable[[TableSpec], Iterable[dict[str, Any]]]) -> None:
        """Deletes every row (children first), then inserts `rows_of(table)` (parents first).

        One transaction: if anything fails, including `rows_of` raising, nothing changes.
        """
        ...


class CacheReset(Protocol):
    """Drops every cached value on every instance."""

    async def clear(self) -> None: ...


class SessionReset(Protocol):
    """Revokes every live sign-in token; returns how many."""

    async def revoke_everyone(self) -> int: ...
