"""Shared, cross-instance caching and counting: ports every module may use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

# What a cache miss awaits: it reads the value from where it lives (a unit of work, mostly).
Loader = Callable[[], Awaitable[Any]]


class Cache(Protocol):
    """A read-through cache of JSON-able values shared by all instances.

    `delete` reaches every instance within a second. When the backing store is
    down, reads fall through to the loader: the cache never serves a stale value.
    A value this process holds a trusted copy of comes back without any I/O.
    """

    async def get_or_load(
        self, key: str, loader: Loader, ttl_seconds: int | None = None
    ) -> Any: ...
    async def delete(self, *keys: str) -> None: ...


class RateCounter(Protocol):
    """Counts events in a fixed window per key, shared by all instances."""

    async def hit(self, key: str, window_seconds: int) -> int: ...
    async def count(self, key: str) -> tuple[int, int]:
        """The count and the seconds left in the window (0 when no window is open)."""
        ...

    async def reset(self, key: str) -> None: ...
