"""Health of the backing services, for the health route and the operators' monitors."""

from __future__ import annotations

from typing import Protocol


class Probe(Protocol):
    """Answers whether one backing service responds right now."""

    async def ok(self) -> bool: ...


class HealthService:
    def __init__(self, database: Probe, cache: Probe) -> None:
        self._database = database
        self._cache = cache

    async def check(self) -> dict[str, str]:
        """Each backing service as "ok" or "down"."""
        return {
            "database": "ok" if await self._database.ok() else "down",
            "cache": "ok" if await self._cache.ok() else "down",
        }
