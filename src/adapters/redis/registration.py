"""One-time links in Redis, shared by every app instance; keys hold only token digests."""

from __future__ import annotations

import json
from collections.abc import Mapping

import redis.asyncio

from adapters.redis.stores import DOWN, _unavailable
from core.registration.model import Ticket
from core.registration.ports import VerificationTokens

_USED = "used"

# Swap the payload for a tombstone in one step, keeping the key's expiry: of concurrent
# consumers exactly one sees the payload.
_CONSUME = """
local value = redis.call('GET', KEYS[1])
if not value or value == ARGV[1] then
  return false
end
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
return value
"""


class RedisVerificationTokens(VerificationTokens):
    def __init__(self, client: redis.asyncio.Redis, prefix: str = "") -> None:
        self._r = client
        self._prefix = prefix + "verify:"
        self._consume = self._r.register_script(_CONSUME)

    def _key(self, kind: str, digest: str) -> str:
        return f"{self._prefix}{kind}:{digest}"

    async def put(
        self, kind: str, digest: str, payload: Mapping[str, str], ttl_seconds: int
    ) -> None:
        try:
            await self._r.set(self._key(kind, digest), json.dumps(dict(payload)), ex=ttl_seconds)
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def peek(self, kind: str, digest: str) -> Ticket | None:
        try:
            raw = await self._r.get(self._key(kind, digest))
        except DOWN as exc:
            raise _unavailable(exc) from exc
        if raw is None:
            return None
        if raw == _USED:
            return Ticket(payload={}, used=True)
        return Ticket(payload=_decode(raw))

    async def consume(self, kind: str, digest: str) -> Mapping[str, str] | None:
        try:
            raw = await self._consume(keys=[self._key(kind, digest)], args=[_USED])
        except DOWN as exc:
            raise _unavailable(exc) from exc
        return None if raw is None else _decode(raw)


def _decode(raw: object) -> dict[str, str]:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    value = json.loads(str(raw))
    return {str(k): str(v) for k, v in value.items()}
