"""Long loops over rows give the event loop a turn now and then.

One process serves every request on one event loop: a loop over the thousands of rows of an
import, with no I/O inside, would hold every other request up until it ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

# Items between two turns: an import row costs 0.05 to 0.1 ms, so a turn every few ms.
EVERY = 50


async def in_turns(items: Iterable[T], every: int = EVERY) -> AsyncIterator[T]:
    """The items in order, with a turn of the event loop after every `every` of them."""
    for count, item in enumerate(items, start=1):
        yield item
        if count % every == 0:
            await asyncio.sleep(0)
