"""In-process token store, cache and rate counter for the embedded single-process profile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

from cachetools import TTLCache

from core.rbac.model import TOKEN_RECORD
from core.rbac.ports import Cache, RateCounter, TokenStore
from core.shared.cache import Loader
from core.shared.health import Probe


class _Expiring:
    """A dict of values with per-key expiry on the monotonic clock."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._data: dict[str, tuple[Any, float]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: Any, ttl: float) -> None:
        with self._lock:
            self._data[key] = (value, self._now() + ttl)

    def get(self, key: str) -> tuple[Any, float] | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            if item[1] <= self._now():
                del self._data[key]
                return None
            return item[0], item[1] - self._now()

    def pop(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(key, None) is not None

    def pop_prefix(self, prefix: str) -> int:
        with self._lock:
            doomed = [k for k in self._data if k.startswith(prefix)]
            for k in doomed:
                del self._data[k]
            return len(doomed)


class InMemoryTokenStore(TokenStore):
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._data = _Expiring(now)

    async def add(self, user_id: int, jti: str, ttl_seconds: int) -> None:
        self._data.put(TOKEN_RECORD.format(user_id=user_id, jti=jti), 1, ttl_seconds)

    async def exists(self, user_id: int, jti: str) -> bool:
        return self._data.get(TOKEN_RECORD.format(user_id=user_id, jti=jti)) is not None

    async def revoke(self, user_id: int, jti: str) -> None:
        self._data.pop(TOKEN_RECORD.format(user_id=user_id, jti=jti))

    async def revoke_all(self, user_id: int) -> int:
        return self._data.pop_prefix(TOKEN_RECORD.format(user_id=user_id, jti=""))

    async def revoke_everyone(self) -> int:
        """Every token of every user (after a restore: the rows they were issued for are gone)."""
        return self._data.pop_prefix(TOKEN_RECORD.split("{", 1)[0])


class InMemoryRateCounter(RateCounter):
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._data = _Expiring(now)
        self._lock = threading.Lock()

    async def hit(self, key: str, window_seconds: int) -> int:
        with self._lock:
            current = self._data.get(key)
            if current is None:
                self._data.put(key, 1, window_seconds)
                return 1
            count, left = current
            self._data.put(key, count + 1, left)
            return int(count) + 1

    async def count(self, key: str) -> tuple[int, int]:
        current = self._data.get(key)
        if current is None:
            return 0, 0
        return int(current[0]), max(1, int(current[1] + 0.999))

    async def reset(self, key: str) -> None:
        self._data.pop(key)


class InMemoryCache(Cache):
    """One process, one cache: a TTLCache is all it takes to be correct here."""

    def __init__(self, ttl_seconds: int = 60, maxsize: int = 10_000) -> None:
        self._local: TTLCache[str, Any] = TTLCache(maxsize=maxsize, ttl=ttl_seconds)
        self._lock = threading.Lock()
        self._generation = 0

    async def get_or_load(self, key: str, loader: Loader, ttl_seconds: int | None = None) -> Any:
        with self._lock:
            if key in self._local:
                return self._local[key]
            generation = self._generation
        value = await loader()
        with self._lock:
            # A delete that raced with the load wins: the loaded value may predate it.
            if generation == self._generation:
                self._local[key] = value
        return value

    async def delete(self, *keys: str) -> None:
        with self._lock:
            self._generation += 1
            for key in keys:
                self._local.pop(key, None)

    async def clear(self) -> None:
        """Drops every value (after a restore, when any of them may be stale)."""
        with self._lock:
            self._generation += 1
            self._local.clear()


class InMemoryProbe(Probe):
    """The in-process cache is up whenever the process is."""

    async def ok(self) -> bool:
        return True


class InMemoryTableGenerations:
    """Without Redis there is no shared place for generations, so nothing is kept.

    An in-process counter would be exact for one process only: a second worker, or a CLI
    restore next to the server, would leave answers stale. The embedded profile is for trying
    the product out; its list routes always read the database.
    """

    async def bump(self, tables: Collection[str]) -> None:
        pass

    async def reset(self) -> None:
        pass

    async def current(self, tables: Sequence[str]) -> tuple[object, ...] | None:
        return None
