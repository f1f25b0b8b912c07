"""What the server and cache monitors need from outside: figures, reports, the cache store."""

from __future__ import annotations

from typing import Protocol

from core.monitor.model import (
    CacheServerInfo,
    HostFigures,
    KeyPage,
    PoolFigures,
    SchedulerFigures,
    ServerReport,
    StoredValue,
)


class HostProbe(Protocol):
    """Samples the host and this process (CPU, memory, disk, RSS, threads, versions)."""

    async def sample(self) -> HostFigures: ...


class PoolGauge(Protocol):
    """The database connection pools of this instance, now."""

    def pools(self) -> tuple[PoolFigures, ...]: ...


class SchedulerGauge(Protocol):
    """The job scheduler on this instance: leader or not, and its next fires."""

    def state(self) -> SchedulerFigures: ...


class ServerReports(Protocol):
    """The instances' last reports, shared by every instance; a report lives `ttl_seconds`."""

    async def publish(self, report: ServerReport, ttl_seconds: float) -> None: ...
    async def reports(self) -> list[ServerReport]: ...
    async def withdraw(self, instance: str) -> None: ...


class CacheInspector(Protocol):
    """Reads and clears the product's key namespaces in its cache store, by namespace name.

    `namespaces` names those this store holds (the embedded profile holds only the cache).
    Counts and listings are bounded by `limit` keys.
    """

    def namespaces(self) -> tuple[str, ...]: ...
    async def info(self) -> CacheServerInfo: ...
    async def counts(self, limit: int) -> dict[str, tuple[int, bool]]:
        """Each held namespace's key count, at most `limit` (and whether there are more)."""
        ...

    async def keys(self, namespace: str, offset: int, size: int, limit: int) -> KeyPage: ...
    async def value(self, namespace: str, key: str) -> StoredValue | None:
        """The key's raw value when it exists and belongs to the namespace."""
        ...

    async def clear(self, namespace: str) -> int:
        """Deletes the namespace's keys; every instance drops its in-process cache level."""
        ...
