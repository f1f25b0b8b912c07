"""Short-lived values in Redis (captcha codes, pending TOTP secrets), shared by every instance."""

from __future__ import annotations

import redis.asyncio

from adapters.redis.stores import DOWN, _unavailable
from core.rbac.ports import ShortLivedValues


class RedisShortLivedValues(ShortLivedValues):
    def __init__(self, client: redis.asyncio.Redis, prefix: str = "") -> None:
        self._r = client
        self._prefix = prefix + "short:"

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        try:
            await self._r.set(self._prefix + key, value, ex=ttl_seconds)
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def get(self, key: str) -> str | None:
        try:
            return _text(await self._r.get(self._prefix + key))
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def take(self, key: str) -> str | None:
        # GETDEL: one command, so of concurrent takers exactly one sees the value.
        try:
            return _text(await self._r.getdel(self._prefix + key))
        except DOWN as exc:
            raise _unavailable(exc) from exc


def _text(raw: object) -> str | None:
    if raw is None:
        return None
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
