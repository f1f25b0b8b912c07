"""The pipelined Redis client of the token check, and the token store on either client, against
real redis-servers.

Run under both event loops the product meets: asyncio's (tests, TestClient) and uvloop's
(uvicorn picks it when installed), whose transports are not asyncio's classes. Each test makes
its clients inside the loop that uses them.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
import uvloop

from adapters.redis.generations import RedisTableGenerations
from adapters.redis.pipelined import PipelinedRedis, ReplyError, fast_client
from adapters.redis.stores import RedisTokenStore, make_client
from core.rbac.model import Rotation, Session
from core.shared.errors import ServiceUnavailable
from tests.integration.processes import OwnRedis

Runner = Callable[[Coroutine[Any, Any, Any]], Any]


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Runner:
    if request.param == "uvloop":
        return lambda coro: uvloop.run(coro)
    return asyncio.run


@pytest.fixture
def own_redis_factory() -> Iterator[Callable[..., OwnRedis]]:
    if shutil.which("redis-server") is None:
        from tests.integration.services import missing

        missing("the redis-server binary")
    started: list[OwnRedis] = []

    def make(*options: str) -> OwnRedis:
        server = OwnRedis(*options)
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def test_concurrent_commands_each_get_their_own_reply(redis_url: str, run: Runner) -> None:
    prefix = f"test:pipe:{secrets.token_hex(4)}:"
    sync = redis.Redis.from_url(redis_url)
    present = {f"{prefix}{i}" for i in range(0, 400, 3)}
    for key in present:
        sync.set(key, "1", ex=60)

    async def main() -> list[tuple[str, int]]:
        client = PipelinedRedis(redis_url)
        keys = [f"{prefix}{i}" for i in range(400)]
        answers = await asyncio.gather(*(client.execute("EXISTS", k) for k in keys))
        value = await client.execute("GET", next(iter(present)))
        await client.aclose()
        assert value == b"1"
        return list(zip(keys, answers, strict=True))

    try:
        for key, answer in run(main()):
            assert answer == (1 if key in present else 0), key
    finally:
        sync.delete(*present)


def test_the_database_index_and_password_of_the_url_are_used(
    own_redis_factory: Callable[..., OwnRedis], run: Runner
) -> None:
    server = own_redis_factory("--requirepass", "s3cret:/@pw")
    sync = redis.Redis(port=server.port, password="s3cret:/@pw", db=5)
    sync.set("only-in-db-5", "x")
    url = f"redis://:s3cret%3A%2F%40pw@127.0.0.1:{server.port}/5"

    async def main(client_url: str) -> Any:
        client = PipelinedRedis(client_url)
        try:
            return await client.execute("EXISTS", "only-in-db-5")
        finally:
            await client.aclose()

    assert run(main(url)) == 1
    assert run(main(url.replace("/5", "/0"))) == 0
    with pytest.raises(ConnectionError):
        run(main(f"redis://:wrong@127.0.0.1:{server.port}/5"))
    with pytest.raises(ConnectionError):
        run(main(f"redis://127.0.0.1:{server.port}/5"))  # no password: NOAUTH at SELECT


def test_an_error_reply_is_raised_and_the_connection_stays_usable(
    redis_url: str, run: Runner
) -> None:
    async def main() -> Any:
        client = PipelinedRedis(redis_url)
        with pytest.raises(ReplyError):
            await client.execute("NOSUCHCOMMAND")
        answer = await client.execute("PING")
        await client.aclose()
        return answer

    assert run(main()) == b"PONG"


def test_a_server_that_goes_away_fails_fast_and_is_reconnected(
    own_redis_factory: Callable[..., OwnRedis], run: Runner
) -> None:
    server = own_redis_factory()

    async def main() -> None:
        client = PipelinedRedis(server.url, timeout=2)
        assert await client.execute("PING") == b"PONG"
        server.stop()
        started = time.monotonic()
        with pytest.raises(ConnectionError):
            await client.execute("PING")
        with pytest.raises(ConnectionError):  # refused while down, each time
            await client.execute("PING")
        assert time.monotonic() - started < 5
        server.start()
        assert await client.execute("PING") == b"PONG"
        await client.aclose()

    run(main())


def test_a_server_that_stops_answering_times_out_every_waiting_command(
    own_redis_factory: Callable[..., OwnRedis], run: Runner
) -> None:
    server = own_redis_factory()
    assert server.proc is not None
    proc = server.proc

    async def main() -> None:
        client = PipelinedRedis(server.url, timeout=0.5)
        assert await client.execute("PING") == b"PONG"
        proc.send_signal(19)  # SIGSTOP: the socket stays open, nothing answers
        try:
            started = time.monotonic()
            results = await asyncio.gather(
                *(client.execute("PING") for _ in range(5)), return_exceptions=True
            )
            assert all(isinstance(r, ConnectionError) for r in results), results
            assert time.monotonic() - started < 3
        finally:
            proc.send_signal(18)  # SIGCONT
        assert await client.execute("PING") == b"PONG"  # a fresh connection
        await client.aclose()

    run(main())


def test_only_plain_redis_urls_are_taken() -> None:
    with pytest.raises(ValueError, match="redis://"):
        PipelinedRedis("rediss://127.0.0.1:6380/0")


@pytest.fixture(params=["redis.asyncio", "pipelined"])
def fast(request: pytest.FixtureRequest) -> bool:
    """The token check on redis.asyncio alone, or on the pipelined fast path."""
    return bool(request.param == "pipelined")


@contextlib.asynccontextmanager
async def _token_store(url: str, prefix: str, fast: bool) -> AsyncIterator[RedisTokenStore]:
    client, pipelined = make_client(url), fast_client(url) if fast else None
    try:
        yield RedisTokenStore(client, prefix, pipelined)
    finally:
        await client.aclose()
        if pipelined is not None:
            await pipelined.aclose()


def _session(user_id: int, sid: str, jti: str = "j1") -> Session:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Session(
        sid=sid,
        user_id=user_id,
        username=f"u{user_id}",
        ip="10.0.0.1",
        user_agent="pytest",
        browser="",
        os="",
        login_time=now,
        last_seen=now,
        remember=False,
        refresh_jti=jti,
    )


def test_the_token_store_keeps_rotates_and_ends_sessions(
    redis_url: str, run: Runner, fast: bool
) -> None:
    prefix = f"test:tokens:{secrets.token_hex(4)}:"
    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    async def main() -> None:
        async with _token_store(redis_url, prefix, fast) as store:
            await store.start(_session(1, "a"), 60)
            await store.start(_session(1, "b"), 60)
            await store.start(_session(2, "c"), 60)
            assert await store.touch(1, "a", t0) and not await store.touch(1, "nope", t0)
            # last_seen: written once a minute at most, by the per-request check itself.
            await store.touch(1, "a", t0 + timedelta(seconds=59))
            assert (await store.get(1, "a")).last_seen == t0  # type: ignore[union-attr]
            await store.touch(1, "a", t0 + timedelta(seconds=60))
            seen = (await store.get(1, "a")).last_seen  # type: ignore[union-attr]
            assert seen == t0 + timedelta(seconds=60)
            assert await store.rotate(1, "a", "j1", "j2", 120) is Rotation.ROTATED
            assert (await store.get(1, "a")).refresh_jti == "j2"  # type: ignore[union-attr]
            assert await store.rotate(1, "a", "j1", "j3", 120) is Rotation.REUSED
            assert await store.get(1, "a") is None  # a reuse ended the session
            assert await store.rotate(1, "a", "j2", "j3", 120) is Rotation.GONE
            assert {s.sid for s in await store.sessions()} == {"b", "c"}
            assert await store.end(1, "b") and not await store.end(1, "b")
            await store.start(_session(1, "d"), 60)
            await store.start(_session(1, "e"), 60)
            assert await store.revoke_all(1, keep="e") == 1
            assert await store.touch(1, "e", t0) and not await store.touch(1, "d", t0)
            assert await store.revoke_everyone() == 2
            assert not await store.touch(2, "c", t0) and await store.sessions() == []

    run(main())


def test_the_token_store_answers_cache_unavailable_while_redis_is_down(
    own_redis_factory: Callable[..., OwnRedis], run: Runner, fast: bool
) -> None:
    server = own_redis_factory()
    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    async def main() -> None:
        async with _token_store(server.url, "", fast) as store:
            await store.start(_session(1, "a"), 60)
            assert await store.touch(1, "a", t0)
            server.stop()
            calls: list[Callable[[], Awaitable[object]]] = [
                lambda: store.touch(1, "a", t0),
                lambda: store.start(_session(1, "b"), 60),
                lambda: store.rotate(1, "a", "j1", "j2", 60),
                lambda: store.revoke_all(1),
                lambda: store.sessions(),
            ]
            for call in calls:
                with pytest.raises(ServiceUnavailable) as refused:
                    await call()
                assert refused.value.code == "cache_unavailable"
            server.start()  # back, empty: the same clients connect again (scripts reloaded)
            assert not await store.touch(1, "a", t0)
            await store.start(_session(1, "b"), 60)
            assert await store.touch(1, "b", t0)

    run(main())


def test_table_generations_read_the_same_on_either_client(
    own_redis_factory: Callable[..., OwnRedis], run: Runner, fast: bool
) -> None:
    """The per-request read of the list answers' generations (the one on the pipelined
    client when it is on): a bump moves a table's on, a reset moves every one, and an
    outage answers cache_unavailable, never a generation that could match a kept answer."""
    server = own_redis_factory()

    async def main() -> None:
        client, pipelined = make_client(server.url), fast_client(server.url) if fast else None
        generations = RedisTableGenerations(client, "g:", pipelined)
        try:
            first = await generations.current(["t_a", "t_b"])
            assert first is not None and first[0] is not None  # an epoch, started on first read
            assert await generations.current(["t_a", "t_b"]) == first
            await generations.bump({"t_a"})
            bumped = await generations.current(["t_a", "t_b"])
            assert bumped is not None and bumped[1] != first[1] and bumped[2] == first[2]
            await generations.reset()
            after_reset = await generations.current(["t_a", "t_b"])
            assert after_reset is not None and after_reset[0] != first[0]
            server.stop()
            with pytest.raises(ServiceUnavailable) as refused:
                await generations.current(["t_a"])
            assert refused.value.code == "cache_unavailable"
        finally:
            await client.aclose()
            if pipelined is not None:
                await pipelined.aclose()

    run(main())


def test_the_fast_path_is_only_for_plain_redis_urls() -> None:
    assert isinstance(fast_client("redis://127.0.0.1:6379/0"), PipelinedRedis)
    assert fast_client("rediss://127.0.0.1:6380/0") is None
    assert fast_client("unix:///run/redis.sock") is None
