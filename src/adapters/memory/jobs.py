"""Scheduler coordination for the embedded profile: one process, so it always leads."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable

from core.jobs.ports import InstanceRegistry, LeaderLease, RunLock


class LocalLeaderLease(LeaderLease):
    """The only process is always the leader."""

    async def acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class InMemoryRunLock(RunLock):
    def __init__(self) -> None:
        self._held: dict[int, str] = {}
        self._lock = threading.Lock()

    async def acquire(self, job_id: int) -> str | None:
        with self._lock:
            if job_id in self._held:
                return None
            token = secrets.token_hex(8)
            self._held[job_id] = token
            return token

    async def release(self, job_id: int, token: str) -> None:
        with self._lock:
            if self._held.get(job_id) == token:
                del self._held[job_id]


class LocalInstanceRegistry(InstanceRegistry):
    """One process: it is the only live instance, so a run of any other (an earlier run of
    this process, before a restart) was abandoned."""

    def __init__(self, instance: str) -> None:
        self._instance = instance

    async def beat(self) -> None:
        return None

    async def alive(self, instances: Iterable[str]) -> set[str]:
        return {self._instance} & set(instances)
