"""One command's work on the container, on an event loop of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bootstrap import Container, Settings, build_container

T = TypeVar("T")


def with_container(settings: Settings, work: Callable[[Container], Awaitable[T]]) -> T:
    """`work` on a fresh container, on a loop of its own that closes the engine's pool last.

    The async engine's and the Redis client's connections belong to the loop that opened
    them, so they are closed on it, before `asyncio.run` closes the loop.
    """

    async def run() -> T:
        container = build_container(settings)
        try:
            return await work(container)
        finally:
            await container.dispose_engines()
            if settings.redis_url:
                await container.redis().aclose()

    return asyncio.run(run())
