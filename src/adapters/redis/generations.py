"""Table generations in one Redis hash, shared by every instance.

Each instance reads the generations per request (one HMGET, on the event loop) and every
commit bumps them (HINCRBY, from the worker thread that committed). The hash carries an
epoch: when Redis loses the hash (a restart without persistence, a flush, a restore's reset),
the epoch is new and no answer kept under the old counters can match again, even if the
counters climb back to the same numbers.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence

import redis
from loguru import logger

from adapters.redis.pipelined import ReplyError, async_client
from core.shared.errors import ServiceUnavailable

EPOCH = "~epoch"


class RedisTableGenerations:
    def __init__(self, client: redis.Redis, url: str, prefix: str = "") -> None:
        self._r = client
        self._async = async_client(url)
        self._key = prefix + "table-generations"

    def bump(self, tables: Collection[str]) -> None:
        try:
            pipe = self._r.pipeline(transaction=False)
            for table in sorted(tables):
                pipe.hincrby(self._key, table, 1)
            pipe.execute()
        except redis.RedisError as exc:
            # The write is committed; what other instances kept expires with its time limit.
            logger.warning("table generations not moved on: {}", type(exc).__name__)

    def reset(self) -> None:
        try:
            self._r.delete(self._key)
        except redis.RedisError as exc:
            logger.warning("table generations not reset: {}", type(exc).__name__)

    async def current(self, tables: Sequence[str]) -> tuple[object, ...] | None:
        try:
            values = await self._async.execute_command("HMGET", self._key, EPOCH, *tables)
            if values[0] is None:  # no epoch: start one; nothing kept before can match it
                await self._async.execute_command("HSETNX", self._key, EPOCH, secrets.token_hex(8))
                values = await self._async.execute_command("HMGET", self._key, EPOCH, *tables)
        except (redis.RedisError, OSError, ReplyError) as exc:
            raise ServiceUnavailable("the cache is unavailable", "cache_unavailable") from exc
        return tuple(values) if values[0] is not None else None
