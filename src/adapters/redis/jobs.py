"""Redis coordination of the scheduler: the leader lease and the run lock of non-concurrent jobs."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable

import redis.asyncio
from loguru import logger

from adapters.redis.stores import DOWN
from core.jobs.ports import InstanceRegistry, LeaderLease, RunLock
from core.shared.errors import ServiceUnavailable

# Only the holder (the value) may extend or drop a lease: compare and act in one step.
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_DROP = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisLeaderLease(LeaderLease):
    """`{prefix}jobs:leader` holds the holder's name for `ttl_seconds`, extended while it lives."""

    def __init__(
        self, client: redis.asyncio.Redis, prefix: str, holder: str, ttl_seconds: float
    ) -> None:
        self._r = client
        self._key = prefix + "jobs:leader"
        self._holder = holder
        self._ttl_ms = max(1, int(ttl_seconds * 1000))
        self._extend = client.register_script(_EXTEND)
        self._drop = client.register_script(_DROP)

    async def acquire(self) -> bool:
        try:
            if await self._r.set(self._key, self._holder, nx=True, px=self._ttl_ms):
                return True
            return bool(await self._extend(keys=[self._key], args=[self._holder, self._ttl_ms]))
        except DOWN as exc:
            logger.warning("scheduler lease: redis unavailable ({})", type(exc).__name__)
            return False

    async def renew(self) -> bool:
        try:
            return bool(await self._extend(keys=[self._key], args=[self._holder, self._ttl_ms]))
        except DOWN as exc:
            logger.warning(
                "scheduler lease not renewed: redis unavailable ({})", type(exc).__name__
            )
            return False

    async def release(self) -> None:
        try:
            await self._drop(keys=[self._key], args=[self._holder])
        except DOWN as exc:
            logger.warning("scheduler lease not released ({}); it expires", type(exc).__name__)


class RedisRunLock(RunLock):
    """`{prefix}jobs:run:{job_id}` while a run of a non-concurrent job goes on, on any instance.

    The key expires after `ttl_seconds` unless its holder extends it, which a task of the
    event loop does every third of that while this process holds any lock: a crashed holder
    frees the job.
    """

    def __init__(self, client: redis.asyncio.Redis, prefix: str, ttl_seconds: float) -> None:
        self._r = client
        self._prefix = prefix + "jobs:run:"
        self._ttl_ms = max(1, int(ttl_seconds * 1000))
        self._extend = client.register_script(_EXTEND)
        self._drop = client.register_script(_DROP)
        self._held: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None

    async def acquire(self, job_id: int) -> str | None:
        key, token = f"{self._prefix}{job_id}", secrets.token_hex(8)
        try:
            if not await self._r.set(key, token, nx=True, px=self._ttl_ms):
                return None
        except DOWN as exc:
            raise ServiceUnavailable("the cache is unavailable", "cache_unavailable") from exc
        self._held[key] = token
        if self._task is None:
            self._task = asyncio.create_task(self._keep_alive(), name="job-run-locks")
        return token

    async def release(self, job_id: int, token: str) -> None:
        key = f"{self._prefix}{job_id}"
        if self._held.get(key) == token:
            del self._held[key]
        try:
            await self._drop(keys=[key], args=[token])
        except DOWN as exc:
            logger.warning(
                "run lock of job {} not released ({}); it expires", job_id, type(exc).__name__
            )

    async def _keep_alive(self) -> None:
        """Ends when no lock is held; the next `acquire` starts another."""
        while True:
            await asyncio.sleep(self._ttl_ms / 3000)
            if not self._held:
                self._task = None
                return
            for key, token in list(self._held.items()):
                try:
                    await self._extend(keys=[key], args=[token, self._ttl_ms])
                except DOWN as exc:
                    logger.warning("run lock not extended ({})", type(exc).__name__)


class RedisInstanceRegistry(InstanceRegistry):
    """`{prefix}jobs:alive:{instance}` lives `ttl_seconds` after each beat."""

    def __init__(
        self, client: redis.asyncio.Redis, prefix: str, instance: str, ttl_seconds: float
    ) -> None:
        self._r = client
        self._prefix = prefix + "jobs:alive:"
        self._instance = instance
        self._ttl_ms = max(1, int(ttl_seconds * 1000))

    async def beat(self) -> None:
        try:
            await self._r.set(self._prefix + self._instance, "1", px=self._ttl_ms)
        except DOWN as exc:
            logger.warning("scheduler heartbeat: redis unavailable ({})", type(exc).__name__)

    async def alive(self, instances: Iterable[str]) -> set[str]:
        names = sorted(set(instances) - {self._instance})
        if not names:
            return {self._instance} & set(instances)
        pipe = self._r.pipeline()
        for name in names:
            pipe.exists(self._prefix + name)
        # On a Redis error this raises: better to recover nothing than to fail live runs.
        found = {name for name, hit in zip(names, await pipe.execute(), strict=True) if hit}
        return found | ({self._instance} & set(instances))
