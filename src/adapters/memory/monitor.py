"""The embedded profile's monitors: this instance alone, and the memory cache's own figures."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from adapters.memory.stores import InMemoryCache
from core.monitor.model import CacheServerInfo, KeyPage, ServerReport, StoredKey, StoredValue
from core.monitor.ports import CacheInspector, ServerReports


class LocalServerReports(ServerReports):
    """Reports kept in this process, each for its ttl: one instance, so just itself."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._held: dict[str, tuple[ServerReport, float]] = {}
        self._lock = threading.Lock()

    async def publish(self, report: ServerReport, ttl_seconds: float) -> None:
        with self._lock:
            self._held[report.instance] = (report, self._now() + ttl_seconds)

    async def reports(self) -> list[ServerReport]:
        with self._lock:
            now = self._now()
            self._held = {k: v for k, v in self._held.items() if v[1] > now}
            return [report for report, _ in self._held.values()]

    async def withdraw(self, instance: str) -> None:
        with self._lock:
            self._held.pop(instance, None)


class InMemoryCacheInspector(CacheInspector):
    """Only the data cache lives in a store of its own here; its keys are its entries."""

    def __init__(self, cache: InMemoryCache) -> None:
        self._cache = cache

    def namespaces(self) -> tuple[str, ...]:
        return ("cache",)

    async def info(self) -> CacheServerInfo:
        return CacheServerInfo(
            backend="memory",
            entries=len(self._cache.snapshot()),
            max_entries=self._cache.max_entries,
            ttl_seconds=self._cache.ttl_seconds,
        )

    async def counts(self, limit: int) -> dict[str, tuple[int, bool]]:
        n = len(self._cache.snapshot())
        return {"cache": (min(n, limit), n > limit)}

    async def keys(self, namespace: str, offset: int, size: int, limit: int) -> KeyPage:
        found = sorted(self._cache.snapshot())
        page = found[:limit][offset : offset + size]
        items = [StoredKey(key=k, type="value", ttl_seconds=None) for k in page]
        return KeyPage(items=items, total=min(len(found), limit), capped=len(found) > limit)

    async def value(self, namespace: str, key: str) -> StoredValue | None:
        entries = self._cache.snapshot()
        if key not in entries:
            return None
        # As Redis would hold it: the JSON of the value.
        raw = json.dumps(entries[key], default=str)
        return StoredValue(key=key, type="value", ttl_seconds=None, value=raw)

    async def clear(self, namespace: str) -> int:
        n = len(self._cache.snapshot())
        await self._cache.clear()
        return n
