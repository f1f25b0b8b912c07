"""In-process token store, cache and rate counter for the embedded single-process profile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from cachetools import TTLCache

from core.rbac.model import LAST_SEEN_EVERY_SECONDS, TOKEN_RECORD, Rotation, Session
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

    def pop_prefix(self, prefix: str, keep: str | None = None) -> int:
        with self._lock:
            doomed = [k for k in self._data if k.startswith(prefix) and k != keep]
            for k in doomed:
                del self._data[k]
            return len(doomed)

    def values(self) -> list[Any]:
        """The live values (expired ones are dropped on the way)."""
        with self._lock:
            now = self._now()
            for key in [k for k, (_, until) in self._data.items() if until <= now]:
                del self._data[key]
            return [value for value, _ in self._data.values()]


class InMemoryTokenStore(TokenStore):
    """The sessions of this one process; each change is one step under the store's lock."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._data = _Expiring(now)
        self._lock = threading.Lock()

    @staticmethod
    def _key(user_id: int, sid: str) -> str:
        return TOKEN_RECORD.format(user_id=user_id, sid=sid)

    async def start(self, session: Session, ttl_seconds: int) -> None:
        self._data.put(self._key(session.user_id, session.sid), session, ttl_seconds)

    async def touch(self, user_id: int, sid: str, now: datetime) -> bool:
        key = self._key(user_id, sid)
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return False
            session, left = item
            if (now - session.last_seen).total_seconds() >= LAST_SEEN_EVERY_SECONDS:
                self._data.put(key, replace(session, last_seen=now), left)
            return True

    async def get(self, user_id: int, sid: str) -> Session | None:
        item = self._data.get(self._key(user_id, sid))
        return None if item is None else item[0]

    async def rotate(
        self, user_id: int, sid: str, presented_jti: str, new_jti: str, ttl_seconds: int
    ) -> Rotation:
        key = self._key(user_id, sid)
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return Rotation.GONE
            session = item[0]
            if session.refresh_jti != presented_jti:
                self._data.pop(key)
                return Rotation.REUSED
            self._data.put(key, replace(session, refresh_jti=new_jti), ttl_seconds)
            return Rotation.ROTATED

    async def end(self, user_id: int, sid: str) -> bool:
        key = self._key(user_id, sid)
        with self._lock:
            live = self._data.get(key) is not None
            self._data.pop(key)
            return live

    async def revoke_all(self, user_id: int, keep: str | None = None) -> int:
        prefix = self._key(user_id, "")
        with self._lock:
            return self._data.pop_prefix(prefix, keep=None if keep is None else prefix + keep)

    async def revoke_everyone(self) -> int:
        """Every session of every user (after a restore: the rows they were issued for are gone)."""
        return self._data.pop_prefix(TOKEN_RECORD.split("{", 1)[0])

    async def sessions(self) -> list[Session]:
        return [value for value in self._data.values() if isinstance(value, Session)]


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

    def snapshot(self) -> dict[str, Any]:
        """The live entries now (the cache monitor's view)."""
        with self._lock:
            self._local.expire()
            return dict(self._local.items())

    @property
    def max_entries(self) -> int:
        return int(self._local.maxsize)

    @property
    def ttl_seconds(self) -> int:
        return int(self._local.ttl)


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
