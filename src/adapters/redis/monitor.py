"""The server monitor's heartbeats and the cache monitor's view of the product's keys, in Redis.

The product's namespaces (`core.monitor.model.NAMESPACES`) map to the key prefixes the Redis
adapters write (each under the app's `APP_REDIS_PREFIX`); nothing outside them is listed.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import redis.asyncio
from loguru import logger

from adapters.redis.stores import CLEAR_ALL, DOWN, RedisTwoLevelCache
from core.monitor.model import CacheServerInfo, KeyPage, ServerReport, StoredKey, StoredValue
from core.monitor.ports import CacheInspector, ServerReports
from core.rbac.model import TOKEN_RECORD
from core.shared.errors import ServiceUnavailable

REPORTS = "monitor:server:"
# Items of a list, set or sorted set shown at most.
SHOWN_ITEMS = 100
# Keys the overview's count looks at, at most (the app's keys, or all of them without a prefix).
SCAN_BUDGET = 200_000
# Commands listed in the cache monitor's chart, most called first.
TOP_COMMANDS = 10


@dataclass(frozen=True)
class Prefix:
    """A namespace's keys: those starting with `start` (or exactly `exact`), but not `skip`."""

    start: str
    skip: str | None = None
    exact: bool = False

    def holds(self, key: str) -> bool:
        if self.exact:
            return key == self.start
        return key.startswith(self.start) and not (self.skip and key.startswith(self.skip))


# Where each adapter writes (adapters/redis/*.py): the sessions' records, the two-level cache
# (its per-key versions are its own bookkeeping), the rate counters, the list generations, the
# one-time links, the short-lived values, the scheduler's lease, run locks and beats, and the
# heartbeats of this module.
PREFIXES: dict[str, Prefix] = {
    "sessions": Prefix(TOKEN_RECORD.split("{", 1)[0]),
    "cache": Prefix("cache:", skip="cache:v:"),
    "counters": Prefix("rate:"),
    "generations": Prefix("table-generations", exact=True),
    "verification": Prefix("verify:"),
    "short-lived": Prefix("short:"),
    "jobs": Prefix("jobs:"),
    "servers": Prefix(REPORTS),
}


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


def _unavailable(exc: Exception) -> ServiceUnavailable:
    logger.warning("redis unavailable: {}", type(exc).__name__)
    return ServiceUnavailable("the cache is unavailable", "cache_unavailable")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ttl(pttl: Any) -> int | None:
    ms = _int(pttl)
    return None if ms is None or ms < 0 else math.ceil(ms / 1000)


class RedisServerReports(ServerReports):
    """`{prefix}monitor:server:{instance}` holds an instance's last report, for `ttl` seconds."""

    def __init__(self, client: redis.asyncio.Redis, prefix: str = "") -> None:
        self._r = client
        self._prefix = prefix + REPORTS

    async def publish(self, report: ServerReport, ttl_seconds: float) -> None:
        try:
            await self._r.set(
                self._prefix + report.instance, report.to_json(), px=int(ttl_seconds * 1000)
            )
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def reports(self) -> list[ServerReport]:
        try:
            keys = [k async for k in self._r.scan_iter(match=_glob_escape(self._prefix) + "*")]
            raws = await self._r.mget(keys) if keys else []
        except DOWN as exc:
            raise _unavailable(exc) from exc
        found = (ServerReport.from_json(str(raw)) for raw in raws if raw is not None)
        return [r for r in found if r is not None]

    async def withdraw(self, instance: str) -> None:
        try:
            await self._r.delete(self._prefix + instance)
        except DOWN as exc:
            raise _unavailable(exc) from exc


class RedisCacheInspector(CacheInspector):
    """Counts, lists, reads and clears the namespaces by SCAN (bounded), never KEYS."""

    def __init__(self, client: redis.asyncio.Redis, prefix: str, cache: RedisTwoLevelCache) -> None:
        self._r = client
        self._app = prefix
        self._cache = cache
        self._channel = prefix + "cache-invalidate"

    def namespaces(self) -> tuple[str, ...]:
        return tuple(PREFIXES)

    async def _scan(self, namespace: str, limit: int) -> AsyncIterator[str]:
        """The namespace's keys (without the app's prefix), at most `limit + 1` of them."""
        spec = PREFIXES[namespace]
        pattern = _glob_escape(self._app + spec.start) + ("" if spec.exact else "*")
        seen = 0
        async for raw in self._r.scan_iter(match=pattern, count=1000):
            key = raw[len(self._app) :]
            if not spec.holds(key):
                continue
            yield key
            seen += 1
            if seen > limit:
                return

    async def info(self) -> CacheServerInfo:
        try:
            info = await self._r.info()
            stats = await self._r.info("commandstats")
            keys = await self._r.dbsize()
        except DOWN as exc:
            raise _unavailable(exc) from exc
        calls = sorted(
            (
                (name.removeprefix("cmdstat_"), int(v.get("calls", 0)))
                for name, v in stats.items()
                if isinstance(v, dict)
            ),
            key=lambda c: (-c[1], c[0]),
        )
        return CacheServerInfo(
            backend="redis",
            version=str(info.get("redis_version", "")) or None,
            uptime_seconds=_int(info.get("uptime_in_seconds")),
            used_memory=_int(info.get("used_memory")),
            used_memory_peak=_int(info.get("used_memory_peak")),
            max_memory=_int(info.get("maxmemory")),
            clients=_int(info.get("connected_clients")),
            hits=_int(info.get("keyspace_hits")),
            misses=_int(info.get("keyspace_misses")),
            ops_per_second=_int(info.get("instantaneous_ops_per_sec")),
            keys=_int(keys),
            commands=tuple(calls[:TOP_COMMANDS]),
        )

    async def counts(self, limit: int) -> dict[str, tuple[int, bool]]:
        """One SCAN of the app's keys sorts them all into their namespaces (not one per
        namespace); it stops after `SCAN_BUDGET` keys, and then every count is partial."""
        found = dict.fromkeys(PREFIXES, 0)
        seen = 0
        try:
            async for raw in self._r.scan_iter(match=_glob_escape(self._app) + "*", count=1000):
                seen += 1
                if seen > SCAN_BUDGET:
                    return {name: (min(n, limit), True) for name, n in found.items()}
                key = raw[len(self._app) :]
                for name, spec in PREFIXES.items():
                    if spec.holds(key):
                        found[name] += 1
                        break
        except DOWN as exc:
            raise _unavailable(exc) from exc
        return {name: (min(n, limit), n > limit) for name, n in found.items()}

    async def keys(self, namespace: str, offset: int, size: int, limit: int) -> KeyPage:
        try:
            found = sorted([k async for k in self._scan(namespace, limit)])
            capped = len(found) > limit
            found = found[:limit]
            page = found[offset : offset + size]
            pipe = self._r.pipeline(transaction=False)
            for key in page:
                pipe.type(self._app + key)
                pipe.pttl(self._app + key)
            replies = await pipe.execute() if page else []
        except DOWN as exc:
            raise _unavailable(exc) from exc
        items = [
            StoredKey(key=key, type=str(replies[2 * i]), ttl_seconds=_ttl(replies[2 * i + 1]))
            for i, key in enumerate(page)
        ]
        return KeyPage(items=items, total=len(found), capped=capped)

    async def value(self, namespace: str, key: str) -> StoredValue | None:
        if not PREFIXES[namespace].holds(key):
            return None
        full = self._app + key
        try:
            kind = str(await self._r.type(full))
            value: Any
            if kind == "string":
                value = await self._r.get(full)
            elif kind == "hash":
                value = await self._r.hgetall(full)
            elif kind == "list":
                value = await self._r.lrange(full, 0, SHOWN_ITEMS - 1)
            elif kind == "set":
                value = sorted(await self._r.srandmember(full, SHOWN_ITEMS) or [])
            elif kind == "zset":
                value = await self._r.zrange(full, 0, SHOWN_ITEMS - 1, withscores=True)
            elif kind == "none":
                return None
            else:
                value = None  # a stream or a module's type: its type and expiry only
            ttl = _ttl(await self._r.pttl(full))
        except DOWN as exc:
            raise _unavailable(exc) from exc
        return StoredValue(key=key, type=kind, ttl_seconds=ttl, value=value)

    async def clear(self, namespace: str) -> int:
        try:
            if namespace == "cache":
                n = 0
                async for _ in self._scan(namespace, 1_000_000):
                    n += 1
                # Deletes as the cache's own delete does (versions bumped: a load in flight
                # keeps nothing old) and tells every instance to drop its local level.
                await self._cache.clear()
                return n
            deleted = 0
            batch: list[str] = []
            async for key in self._scan(namespace, 1_000_000):
                batch.append(self._app + key)
                if len(batch) >= 500:
                    deleted += int(await self._r.delete(*batch))
                    batch = []
            if batch:
                deleted += int(await self._r.delete(*batch))
            # Whatever an instance derived from these keys goes with them.
            await self._r.publish(self._channel, json.dumps([CLEAR_ALL]))
        except DOWN as exc:
            raise _unavailable(exc) from exc
        return deleted
