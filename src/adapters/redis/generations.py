"""Table generations in one Redis hash, shared by every instance.

Each instance reads the generations per request (one HMGET, through the pipelined client when
it is on: the read is on every list request, as the token check is) and every commit bumps them
(HINCRBY, awaited after the commit). The hash carries an epoch: when Redis loses the hash (a
restart without persistence, a flush, a restore's reset), the epoch is new and no answer kept
under the old counters can match again, even if the counters climb back to the same numbers.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence

import redis.asyncio
from loguru import logger

from adapters.redis.pipelined import PipelinedRedis
from adapters.redis.stores import DOWN
from core.shared.errors import ServiceUnavailable

EPOCH = "~epoch"


class RedisTableGenerations:
    def __init__(
        self, client: redis.asyncio.Redis, prefix: str = "", fast: PipelinedRedis | None = None
    ) -> None:
        self._r = client
        self._fast = fast
        self._key = prefix + "table-generations"

    async def bump(self, tables: Collection[str]) -> None:
        try:
            pipe = self._r.pipeline(transaction=False)
            for table in sorted(tables):
                pipe.hincrby(self._key, table, 1)
            await pipe.execute()
        except DOWN as exc:
            # The write is committed; what other instances kept expires with its time limit.
            logger.warning("table generations not moved on: {}", type(exc).__name__)

    async def reset(self) -> None:
        try:
            await self._r.delete(self._key)
        except DOWN as exc:
            logger.warning("table generations not reset: {}", type(exc).__name__)

    async def current(self, tables: Sequence[str]) -> tuple[object, ...] | None:
        try:
            values = await self._read(tables)
            if values[0] is None:  # no epoch: start one; nothing kept before can match it
                await self._r.hsetnx(self._key, EPOCH, secrets.token_hex(8))
                values = await self._read(tables)
        except DOWN as exc:
            raise ServiceUnavailable("the cache is unavailable", "cache_unavailable") from exc
        return tuple(values) if values[0] is not None else None

    async def _read(self, tables: Sequence[str]) -> list[object]:
        if self._fast is not None:
            # Bytes from the pipelined client: compared only with what it read before.
            return list(await self._fast.execute("HMGET", self._key, EPOCH, *tables))
        return list(await self._r.hmget(self._key, [EPOCH, *tables]))
