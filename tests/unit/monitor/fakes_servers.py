"""In-memory fakes of the server and cache monitors' ports (they subclass the ports)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from core.monitor.model import (
    CacheServerInfo,
    HostFigures,
    KeyPage,
    PoolFigures,
    SchedulerFigures,
    ServerReport,
    StoredKey,
    StoredValue,
)
from core.monitor.ports import CacheInspector, HostProbe, PoolGauge, SchedulerGauge, ServerReports
from core.shared.errors import ServiceUnavailable
from tests.unit.fakes import FakeClock

STARTED = datetime(2026, 1, 1, tzinfo=UTC)


def host(pid: int = 100) -> HostFigures:
    return HostFigures(
        hostname="box",
        pid=pid,
        python="3.11.7",
        packages={"fastapi": "0.165.0"},
        started_at=STARTED,
        cpu_percent=12.5,
        cpu_count=2,
        memory_total=8 << 30,
        memory_used=2 << 30,
        memory_percent=25.0,
        disk_path="/srv",
        disk_total=100 << 30,
        disk_used=40 << 30,
        disk_percent=40.0,
        process_rss=120 << 20,
        process_threads=7,
    )


class FakeHostProbe(HostProbe):
    def __init__(self) -> None:
        self.samples = 0

    async def sample(self) -> HostFigures:
        self.samples += 1
        return host()


class FakePoolGauge(PoolGauge):
    def pools(self) -> tuple[PoolFigures, ...]:
        return (PoolFigures(name="write", size=10, checked_out=1, overflow=0),)


class FakeSchedulerGauge(SchedulerGauge):
    leader = True

    def state(self) -> SchedulerFigures:
        fire = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
        return SchedulerFigures(enabled=True, leader=self.leader, next_fires=((3, fire),))


class FakeServerReports(ServerReports):
    """Reports with their expiry on the fake clock; `failures` publishes fail first."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.held: dict[str, tuple[str, datetime]] = {}
        self.failures = 0
        self.published = asyncio.Event()

    async def publish(self, report: ServerReport, ttl_seconds: float) -> None:
        if self.failures:
            self.failures -= 1
            raise ServiceUnavailable("the cache is unavailable", "cache_unavailable")
        self.held[report.instance] = (
            report.to_json(),
            self._clock.now() + timedelta(seconds=ttl_seconds),
        )
        self.published.set()

    async def reports(self) -> list[ServerReport]:
        now = self._clock.now()
        found = (ServerReport.from_json(raw) for raw, until in self.held.values() if until > now)
        return [r for r in found if r is not None]

    async def withdraw(self, instance: str) -> None:
        self.held.pop(instance, None)


class FakeCacheInspector(CacheInspector):
    """Namespaces of stored values, by name; `held` names those this store holds."""

    def __init__(self, held: tuple[str, ...]) -> None:
        self.held = held
        self.data: dict[str, dict[str, StoredValue]] = {name: {} for name in held}
        self.local_dropped = 0  # how often every instance was told to drop its local level

    def put(self, namespace: str, key: str, value: object, type_: str = "string") -> None:
        self.data[namespace][key] = StoredValue(key=key, type=type_, ttl_seconds=60, value=value)

    def namespaces(self) -> tuple[str, ...]:
        return self.held

    async def info(self) -> CacheServerInfo:
        return CacheServerInfo(backend="fake", hits=3, misses=1, commands=(("get", 9),))

    async def counts(self, limit: int) -> dict[str, tuple[int, bool]]:
        return {name: (min(len(d), limit), len(d) > limit) for name, d in self.data.items()}

    async def keys(self, namespace: str, offset: int, size: int, limit: int) -> KeyPage:
        found = sorted(self.data[namespace])[:limit]
        items = [
            StoredKey(key=k, type=self.data[namespace][k].type, ttl_seconds=60)
            for k in found[offset : offset + size]
        ]
        return KeyPage(items=items, total=len(found), capped=len(self.data[namespace]) > limit)

    async def value(self, namespace: str, key: str) -> StoredValue | None:
        return self.data[namespace].get(key)

    async def clear(self, namespace: str) -> int:
        n = len(self.data[namespace])
        self.data[namespace] = {}
        self.local_dropped += 1
        return n
