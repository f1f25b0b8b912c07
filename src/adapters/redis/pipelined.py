"""A small pipelined Redis client: the optional fast path of the per-request token check.

redis.asyncio spends about 80-110 µs of CPU on each command (pool checkout, retry wrapper,
timeout task, release), which was a quarter of an authenticated request. This client keeps one
connection per event loop, writes each command at once (commands of concurrent requests share
the connection, in order) and hands each reply to the future that waits for it: about 10-25 µs
per command. It speaks RESP2 and only what the hot path needs; everything else stays on
redis-py.

Failure model, the same as redis-py with `socket_timeout`: a command that gets no reply within
`timeout` seconds, or a lost connection, fails every command in flight with `ConnectionError`
and drops the connection; the next command connects again.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, cast
from urllib.parse import unquote, urlsplit


class ReplyError(Exception):
    """An error reply from the server (`-ERR ...`)."""


INCOMPLETE = object()


def encode(*args: str | bytes | int) -> bytes:
    """A command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def parse(buf: bytes | bytearray, pos: int = 0) -> tuple[Any, int]:
    """One reply from `buf` at `pos`: (value, next position), or (INCOMPLETE, pos).

    Simple strings and bulk strings come back as bytes, integers as int, nil as None, arrays
    as lists, and error replies as `ReplyError` values (not raised: the caller decides).
    """
    end = buf.find(b"\r\n", pos)
    if end < 0:
        return INCOMPLETE, pos
    kind, line = buf[pos : pos + 1], bytes(buf[pos + 1 : end])
    after = end + 2
    if kind == b":":
        return int(line), after
    if kind == b"+":
        return line, after
    if kind == b"-":
        return ReplyError(line.decode(errors="replace")), after
    if kind == b"$":
        size = int(line)
        if size < 0:
            return None, after
        if len(buf) < after + size + 2:
            return INCOMPLETE, pos
        return bytes(buf[after : after + size]), after + size + 2
    if kind == b"*":
        count = int(line)
        if count < 0:
            return None, after
        items: list[Any] = []
        for _ in range(count):
            item, after = parse(buf, after)
            if item is INCOMPLETE:
                return INCOMPLETE, pos
            items.append(item)
        return items, after
    raise ConnectionError(f"not a RESP reply: {bytes(kind)!r}")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.waiting: deque[asyncio.Future[Any]] = deque()
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have the same methods.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        pos = 0
        try:
            while pos < len(self.buffer) and self.waiting:
                value, pos = parse(self.buffer, pos)
                if value is INCOMPLETE:
                    break
                future = self.waiting.popleft()
                if not future.done():  # a cancelled caller still owns its place in the order
                    future.set_result(value)
        except (ConnectionError, ValueError) as exc:
            self.fail(ConnectionError(f"unreadable reply from redis: {exc}"))
            return
        del self.buffer[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(ConnectionError("the connection to redis was lost"))

    def send(self, command: bytes) -> asyncio.Future[Any]:
        if self.lost or self.transport is None:
            raise ConnectionError("the connection to redis was lost")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        self.transport.write(command)
        return future

    def fail(self, exc: Exception) -> None:
        self.lost = True
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(exc)
        if self.transport is not None:
            self.transport.abort()


class PipelinedRedis:
    """`await client.execute("EXISTS", key)`; one connection per event loop, made on first use."""

    def __init__(self, url: str, timeout: float = 2.0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError("only redis:// URLs are supported")
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 6379
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        path = parts.path.strip("/")
        self._db = int(path) if path else 0
        self._timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._protocol: _Protocol | None = None
        self._connecting: asyncio.Future[_Protocol] | None = None

    async def execute(self, *args: str | bytes | int) -> Any:
        protocol = self._protocol
        if protocol is None or protocol.lost or self._loop is not asyncio.get_running_loop():
            protocol = await self._connected()
        future = protocol.send(encode(*args))
        try:
            async with asyncio.timeout(self._timeout):
                value = await future
        except TimeoutError:
            protocol.fail(ConnectionError("redis did not answer in time"))
            raise ConnectionError("redis did not answer in time") from None
        if isinstance(value, ReplyError):
            raise value
        return value

    async def _connected(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new loop (tests run several): its own connection
            self._drop()
            self._loop, self._connecting = loop, None
        if self._connecting is None or self._connecting.done():
            self._connecting = loop.create_future()
            waiter = self._connecting
            try:
                protocol = await self._open(loop)
            except asyncio.CancelledError:
                waiter.set_exception(ConnectionError("the connection attempt was cancelled"))
                waiter.exception()  # marked as seen: the callers sharing it get it raised
                raise
            except OSError as exc:  # refused, unreachable, timed out, set-up refused
                error = ConnectionError(f"cannot connect to redis: {type(exc).__name__}")
                waiter.set_exception(error)
                waiter.exception()
                raise error from exc
            self._protocol = protocol
            waiter.set_result(protocol)
            return protocol
        return await asyncio.shield(self._connecting)

    async def _open(self, loop: asyncio.AbstractEventLoop) -> _Protocol:
        hello: list[bytes] = []
        if self._password is not None:
            auth = ["AUTH", self._password]
            if self._username is not None:
                auth.insert(1, self._username)
            hello.append(encode(*auth))
        if self._db:
            hello.append(encode("SELECT", self._db))
        protocol: _Protocol | None = None
        try:
            async with asyncio.timeout(self._timeout):
                _, protocol = await loop.create_connection(_Protocol, self._host, self._port)
                for command in hello:
                    value = await protocol.send(command)
                    if isinstance(value, ReplyError):
                        raise ConnectionError(f"redis refused the connection setup: {value}")
        except BaseException:
            if protocol is not None:  # set up halfway: close it, nobody else has it
                protocol.fail(ConnectionError("the connection setup failed"))
            raise
        return protocol

    def _drop(self) -> None:
        protocol, loop = self._protocol, self._loop
        self._protocol = None
        if protocol is None or loop is None or loop.is_closed():
            return
        try:
            if loop is asyncio.get_running_loop():
                protocol.fail(ConnectionError("closed"))
            else:
                loop.call_soon_threadsafe(protocol.fail, ConnectionError("closed"))
        except RuntimeError:  # that loop stopped meanwhile: nothing of it is left to close
            pass

    async def aclose(self) -> None:
        self._drop()


def fast_client(url: str, timeout: float = 2.0) -> PipelinedRedis | None:
    """The pipelined client for a plain `redis://` URL; None for the others (rediss://,
    unix://), whose token check stays on redis.asyncio."""
    return PipelinedRedis(url, timeout=timeout) if url.startswith("redis://") else None
