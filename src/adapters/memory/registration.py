"""In-process one-time links for the embedded single-process profile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from adapters.memory.stores import _Expiring
from core.registration.model import Ticket
from core.registration.ports import VerificationTokens

_USED = "used"


class InMemoryVerificationTokens(VerificationTokens):
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._data = _Expiring(now)
        self._lock = threading.Lock()

    @staticmethod
    def _key(kind: str, digest: str) -> str:
        return f"{kind}:{digest}"

    async def put(
        self, kind: str, digest: str, payload: Mapping[str, str], ttl_seconds: int
    ) -> None:
        self._data.put(self._key(kind, digest), dict(payload), ttl_seconds)

    async def peek(self, kind: str, digest: str) -> Ticket | None:
        item = self._data.get(self._key(kind, digest))
        if item is None:
            return None
        value = item[0]
        return Ticket(payload={}, used=True) if value == _USED else Ticket(payload=dict(value))

    async def consume(self, kind: str, digest: str) -> Mapping[str, str] | None:
        key = self._key(kind, digest)
        with self._lock:
            item = self._data.get(key)
            if item is None or item[0] == _USED:
                return None
            value, left = item
            self._data.put(key, _USED, left)  # the tombstone keeps the link's remaining lifetime
        return dict(value)
