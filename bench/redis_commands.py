"""CPU per Redis command: redis.asyncio against the product's pipelined client (by hand).

    .venv/bin/python bench/redis_commands.py [redis://127.0.0.1:6379/0]

Runs EXISTS 20,000 times with 1 and with 32 concurrent callers on each client and prints the
CPU microseconds per command and the ratio between the clients. The token check of every
authenticated request is one such command.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable

import redis.asyncio

from adapters.redis.pipelined import PipelinedRedis

COMMANDS = 20_000


async def cpu_per_command(call: Callable[[], Awaitable[object]], callers: int) -> float:
    left = COMMANDS

    async def caller() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await call()

    await call()
    started = time.process_time()
    await asyncio.gather(*(caller() for _ in range(callers)))
    return (time.process_time() - started) / COMMANDS * 1e6


async def main(url: str) -> None:
    stock = redis.asyncio.Redis.from_url(url, socket_timeout=2)
    lean = PipelinedRedis(url, timeout=2)
    for callers in (1, 32):
        a = await cpu_per_command(lambda: stock.exists("bench:none"), callers)
        b = await cpu_per_command(lambda: lean.execute("EXISTS", "bench:none"), callers)
        print(
            f"{callers:>2} callers: redis.asyncio {a:6.1f} us/command, pipelined {b:6.1f} us/command,"
            f" ratio {a / b:4.1f}x"
        )
    await stock.aclose()
    await lean.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "redis://127.0.0.1:6379/0"))
