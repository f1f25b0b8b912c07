"""List answers kept while the tables they read are unchanged.

A list route names the tables its answer reads and how to compute it. The answer is kept, as
the JSON bytes sent, under the request's path and query (and, for a scoped list, the caller's
data scope, `RowScope.key()`) and the tables' current generations
(`core/shared/generations.py`); a commit to any of those tables, on any instance, moves a
generation on, so the next request computes a fresh answer. Each request reads the
generations from Redis (one round trip), so an instance never serves an answer older than a
write that finished before the request began, wherever that write happened.

An answer that changes with time alone (a row whose state follows a deadline) says for how long
it holds; every answer is also dropped after `list_cache_seconds`, against changes made behind
the product's back (SQL typed by hand). Only callers that passed the route's guard get here:
the guard runs before the handler, cached or not.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from cachetools import LRUCache
from fastapi import Depends, Request, Response
from pydantic import BaseModel

from core.shared.generations import TableGenerations
from core.shared.scope import RowScope

# What an answer's computation returns: the answer, and for how many seconds it holds
# regardless of writes (None: until a write).
Fresh = tuple[BaseModel, float | None]
MEGABYTE = 1024 * 1024
ENTRY_OVERHEAD = 200  # bytes of key, tuple and counters beside the body, roughly


class PageCache:
    def __init__(
        self, generations: TableGenerations, seconds: float, max_bytes: int = 32 * MEGABYTE
    ) -> None:
        self._generations = generations
        self._seconds = seconds
        self._largest = max_bytes // 16  # no single answer takes more than 1/16 of the room
        # Only ever touched on the event loop: no lock.
        self._kept: LRUCache[str, tuple[tuple[object, ...], float, bytes]] = LRUCache(
            max_bytes, getsizeof=lambda entry: len(entry[2]) + ENTRY_OVERHEAD
        )

    async def answer(
        self,
        request: Request,
        tables: Sequence[str],
        compute: Callable[[], Awaitable[Fresh]],
        scope: RowScope | None = None,
    ) -> Response:
        """The kept answer or a fresh one; a scoped list passes the caller's `scope`, which the
        key carries, so callers who see different rows never share an answer."""
        generations = await self._generations.current(tables) if self._seconds > 0 else None
        if generations is None:
            model, _ = await compute()
            return _json(model.model_dump_json().encode())
        key = f"{request.url.path}?{request.url.query}"
        if scope is not None:
            key += f"#{scope.key()}"
        started = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and kept[0] == generations and kept[1] > started:
            return _json(kept[2])
        model, holds_for = await compute()
        body = model.model_dump_json().encode()
        seconds = self._seconds if holds_for is None else min(self._seconds, holds_for)
        if seconds > 0 and len(body) + ENTRY_OVERHEAD <= self._largest:
            self._kept[key] = (generations, started + seconds, body)
        return _json(body)


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


async def page_cache(request: Request) -> PageCache:
    """The kept list answers of the request's app (async: no thread hop to resolve it)."""
    return request.app.state.pages  # type: ignore[no-any-return]


Pages = Annotated[PageCache, Depends(page_cache)]
