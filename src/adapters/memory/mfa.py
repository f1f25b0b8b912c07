"""Short-lived values in this process (captcha codes, pending TOTP secrets): the embedded profile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from adapters.memory.stores import _Expiring
from core.rbac.ports import ShortLivedValues


class InMemoryShortLivedValues(ShortLivedValues):
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._data = _Expiring(now)
        self._lock = threading.Lock()

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        self._data.put(key, value, ttl_seconds)

    async def get(self, key: str) -> str | None:
        item = self._data.get(key)
        return None if item is None else str(item[0])

    async def take(self, key: str) -> str | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            self._data.pop(key)
        return str(item[0])
