"""Shared, cross-instance caching and counting: ports every module may use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Cache(Protocol):
    """A read-through cache of JSON-able values shared by all instances.

    `delete` reaches every instance within a second. When the backing store is
    down, reads fall through to the loader: the cache never serves a stale value.
    """

    def get_or_load(
        self, key: str, loader: Callable[[], Any], ttl_seconds: int | None = None
    ) -> Any: ...
    def delete(self, *keys: str) -> None: ...
    def peek(self, key: str) -> Any | None:
        """The value if this process holds a trusted copy right now; never does I/O.

        Lets a request on the event loop skip the thread pool when the answer is in memory.
        """
        ...


class RateCounter(Protocol):
    """Counts events in a fixed window per key, shared by all instances."""

    def hit(self, key: str, window_seconds: int) -> int: ...
    def count(self, key: str) -> tuple[int, int]:
        """The count and the seconds left in the window (0 when no window is open)."""
        ...

    def reset(self, key: str) -> None: ...
