"""Redis token store, rate counter and two-level cache, shared by every app instance."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import redis
import redis.asyncio
from cachetools import TTLCache
from loguru import logger

from adapters.redis.pipelined import PipelinedRedis, ReplyError
from core.rbac.model import LAST_SEEN_EVERY_SECONDS, TOKEN_RECORD, Rotation, Session
from core.rbac.ports import Cache, RateCounter, TokenStore
from core.shared.cache import Loader
from core.shared.errors import ServiceUnavailable
from core.shared.health import Probe

# What a Redis that does not answer raises: redis-py's errors, and the socket's own (the
# pipelined client raises ConnectionError, an OSError).
DOWN = (redis.RedisError, OSError)


def make_client(url: str) -> redis.asyncio.Redis:
    """Short timeouts, so an outage is a quick 503 and never a hang.

    Building it does no I/O: its pool connects on first use, on the event loop that uses it.
    """
    return redis.asyncio.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=2,
        socket_connect_timeout=2,
        health_check_interval=5,
    )


def _unavailable(exc: Exception) -> ServiceUnavailable:
    logger.warning("redis unavailable: {}", type(exc).__name__)
    return ServiceUnavailable("the cache is unavailable", "cache_unavailable")


class RedisProbe(Probe):
    def __init__(self, client: redis.asyncio.Redis) -> None:
        self._r = client

    async def ok(self) -> bool:
        try:
            return bool(await self._r.ping())
        except DOWN:
            return False


# The per-request check: is the session live, and is its `last_seen` due (then write it)?
# One round trip, and a write at most once a minute per session.
# The per-request check: {1, cache epoch} when the session lives (its `last_seen` written when
# a minute old), {0, epoch} when it does not. KEYS[2], the cache's epoch, rides along so the
# in-process cache level learns of a write on another instance before this request reads it.
_TOUCH = """
local epoch = false
if KEYS[2] then epoch = redis.call('GET', KEYS[2]) end
local last = redis.call('HGET', KEYS[1], 'last_seen')
if not last then return {0, epoch} end
if tonumber(ARGV[1]) - tonumber(last) >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'last_seen', ARGV[1])
end
return {1, epoch}
"""
# Compare-and-set of the refresh jti: 1 rotated, 2 reused (the session is ended), 0 gone.
_ROTATE = """
local current = redis.call('HGET', KEYS[1], 'refresh_jti')
if not current then return 0 end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 2
end
redis.call('HSET', KEYS[1], 'refresh_jti', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""
_ROTATIONS = {0: Rotation.GONE, 1: Rotation.ROTATED, 2: Rotation.REUSED}
_TOUCH_SHA = hashlib.sha1(_TOUCH.encode(), usedforsecurity=False).hexdigest()
_FIELDS = (
    "sid",
    "user_id",
    "username",
    "ip",
    "user_agent",
    "browser",
    "os",
    "login_time",
    "last_seen",
    "remember",
    "refresh_jti",
)


def _record(session: Session) -> dict[Any, str]:
    """A session as the fields of its Redis hash; instants as whole epoch seconds."""
    return {
        "sid": session.sid,
        "user_id": str(session.user_id),
        "username": session.username,
        "ip": session.ip,
        "user_agent": session.user_agent,
        "browser": session.browser,
        "os": session.os,
        "login_time": str(int(session.login_time.timestamp())),
        "last_seen": str(int(session.last_seen.timestamp())),
        "remember": "1" if session.remember else "0",
        "refresh_jti": session.refresh_jti,
    }


def _session(fields: Mapping[Any, Any]) -> Session | None:
    """The session of a hash; None for anything else (a half-written or foreign record)."""
    if not fields or any(name not in fields for name in _FIELDS):
        return None
    try:
        return Session(
            sid=fields["sid"],
            user_id=int(fields["user_id"]),
            username=fields["username"],
            ip=fields["ip"],
            user_agent=fields["user_agent"],
            browser=fields["browser"],
            os=fields["os"],
            login_time=datetime.fromtimestamp(int(fields["login_time"]), UTC),
            last_seen=datetime.fromtimestamp(int(fields["last_seen"]), UTC),
            remember=fields["remember"] == "1",
            refresh_jti=fields["refresh_jti"],
        )
    except (ValueError, OverflowError, OSError):
        return None


class RedisTokenStore(TokenStore):
    """The sessions, one hash each; `fast`, when given, answers the per-request `touch`.

    The pipelined client (see `adapters.redis.pipelined`) costs a fifth of redis.asyncio's CPU
    per command; it only speaks plain `redis://`, so it is optional. Rotation is a Lua
    script: the compare and the set are one step for every instance.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        prefix: str = "",
        fast: PipelinedRedis | None = None,
        cache: RedisTwoLevelCache | None = None,
    ) -> None:
        self._r = client
        self._prefix = prefix
        self._fast = fast
        # The two-level cache whose epoch each touch reads (decision 44); None: not read.
        self._cache = cache
        self._touch = self._r.register_script(_TOUCH)
        self._rotate = self._r.register_script(_ROTATE)

    def _key(self, user_id: int, sid: str) -> str:
        return self._prefix + TOKEN_RECORD.format(user_id=user_id, sid=sid)

    async def start(self, session: Session, ttl_seconds: int) -> None:
        key = self._key(session.user_id, session.sid)
        try:
            pipe = self._r.pipeline(transaction=True)
            pipe.hset(key, mapping=_record(session))
            pipe.expire(key, ttl_seconds)
            await pipe.execute()
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def touch(self, user_id: int, sid: str, now: datetime) -> bool:
        keys = [self._key(user_id, sid)]
        if self._cache is not None:
            keys.append(self._cache.epoch_key)
        args = (int(now.timestamp()), LAST_SEEN_EVERY_SECONDS)
        try:
            if self._fast is not None:
                reply = await self._fast_touch(keys, *args)
            else:
                reply = await self._touch(keys=keys, args=list(args))
        except (*DOWN, ReplyError) as exc:
            raise _unavailable(exc) from exc
        if self._cache is not None:
            self._cache.observe(reply[1] if len(reply) > 1 else None)
        return bool(reply[0])

    async def _fast_touch(self, keys: list[str], now: int, every: int) -> Any:
        assert self._fast is not None
        try:
            return await self._fast.execute("EVALSHA", _TOUCH_SHA, len(keys), *keys, now, every)
        except ReplyError as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
            # First use on this server (or after SCRIPT FLUSH): EVAL loads it for the next.
            return await self._fast.execute("EVAL", _TOUCH, len(keys), *keys, now, every)

    async def get(self, user_id: int, sid: str) -> Session | None:
        try:
            return _session(await self._r.hgetall(self._key(user_id, sid)))
        except redis.ResponseError:  # not a hash: a record of another shape is no session
            return None
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def rotate(
        self, user_id: int, sid: str, presented_jti: str, new_jti: str, ttl_seconds: int
    ) -> Rotation:
        key = self._key(user_id, sid)
        try:
            outcome = await self._rotate(keys=[key], args=[presented_jti, new_jti, ttl_seconds])
        except redis.ResponseError:
            return Rotation.GONE
        except DOWN as exc:
            raise _unavailable(exc) from exc
        return _ROTATIONS[int(outcome)]

    async def end(self, user_id: int, sid: str) -> bool:
        try:
            return bool(await self._r.delete(self._key(user_id, sid)))
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def revoke_all(self, user_id: int, keep: str | None = None) -> int:
        pattern = _glob_escape(self._key(user_id, "")) + "*"
        spared = None if keep is None else self._key(user_id, keep)
        try:
            keys = [k async for k in self._r.scan_iter(match=pattern, count=500) if k != spared]
            return int(await self._r.delete(*keys)) if keys else 0
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def revoke_everyone(self) -> int:
        """Every session of every user (after a restore: the rows they were issued for are gone)."""
        try:
            return await _delete_matching(self._r, self._namespace())
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def sessions(self) -> list[Session]:
        found: list[Session] = []
        try:
            keys = [k async for k in self._r.scan_iter(match=self._namespace(), count=1000)]
            for start in range(0, len(keys), FLUSH_KEYS):
                pipe = self._r.pipeline(transaction=False)
                for key in keys[start : start + FLUSH_KEYS]:
                    pipe.hgetall(key)
                for fields in await pipe.execute(raise_on_error=False):
                    # Ended between the scan and the read ({}), or a record of another shape.
                    session = _session(fields) if isinstance(fields, dict) else None
                    if session is not None:
                        found.append(session)
        except DOWN as exc:
            raise _unavailable(exc) from exc
        return found

    def _namespace(self) -> str:
        return _glob_escape(self._prefix + TOKEN_RECORD.split("{", 1)[0]) + "*"


class RedisRateCounter(RateCounter):
    def __init__(self, client: redis.asyncio.Redis, prefix: str = "") -> None:
        self._r = client
        self._prefix = prefix + "rate:"

    async def hit(self, key: str, window_seconds: int) -> int:
        try:
            pipe = self._r.pipeline()
            pipe.incr(self._prefix + key)
            pipe.expire(self._prefix + key, window_seconds, nx=True)
            count, _ = await pipe.execute()
            return int(count)
        except DOWN as exc:
            raise _unavailable(exc) from exc

    async def count(self, key: str) -> tuple[int, int]:
        try:
            pipe = self._r.pipeline()
            pipe.get(self._prefix + key)
            pipe.ttl(self._prefix + key)
            raw, ttl = await pipe.execute()
        except DOWN as exc:
            raise _unavailable(exc) from exc
        if raw is None:
            return 0, 0
        return int(raw), max(1, int(ttl))

    async def reset(self, key: str) -> None:
        try:
            await self._r.delete(self._prefix + key)
        except DOWN as exc:
            raise _unavailable(exc) from exc


# Store the loaded value only if nobody invalidated the key since we looked at its version.
_SET_IF_VERSION = """
local current = redis.call('GET', KEYS[2]) or ''
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
return 0
"""
_VERSION_TTL = 86400
# Keys deleted (and published) per pipeline.
FLUSH_KEYS = 200
# Published in place of a key list member: every instance drops its whole local level.
CLEAR_ALL = "*"
_MISSING = object()


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


async def _delete_matching(client: redis.asyncio.Redis, pattern: str) -> int:
    deleted = 0
    batch: list[str] = []
    async for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            deleted += int(await client.delete(*batch))
            batch = []
    if batch:
        deleted += int(await client.delete(*batch))
    return deleted


class RedisTwoLevelCache(Cache):
    """An in-process TTLCache in front of Redis, kept honest across instances by pub/sub.

    Each delete bumps a per-key version in Redis and publishes the key; every
    instance's listener (a task of the event loop) evicts it locally. While the listener
    is not subscribed (start-up, Redis outage) the local level is bypassed, and after an
    outage the namespace in Redis is purged, so no instance can serve a value that a write
    it did not hear about has replaced. Everything runs on the one event loop: no locks,
    and the generation counter tells a load that an invalidation came while it awaited.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        prefix: str = "",
        local_ttl_seconds: int = 60,
        redis_ttl_seconds: int = 900,
        maxsize: int = 10_000,
    ) -> None:
        self._r = client
        self._prefix = prefix + "cache:"
        self._channel = prefix + "cache-invalidate"
        # Moved on by every invalidation; each authenticated request reads it with its token
        # check, so an instance drops its in-process level before it serves a value another
        # instance has replaced (pub/sub alone takes up to a moment to arrive).
        self.epoch_key = prefix + "cache-epoch"
        self._seen_epoch: object = _MISSING
        self._redis_ttl = redis_ttl_seconds
        self._local: TTLCache[str, Any] = TTLCache(maxsize=maxsize, ttl=local_ttl_seconds)
        self._generation = 0
        self._subscribed = asyncio.Event()
        self._outage = False
        self._pending: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._script = self._r.register_script(_SET_IF_VERSION)

    # lifecycle -----------------------------------------------------------------
    async def start(self, timeout: float = 5.0) -> None:
        """Starts the listener; returns once it is subscribed, or after `timeout` seconds if
        Redis does not answer (the listener keeps trying; the local level waits for it)."""
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="cache-invalidation")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._subscribed.wait()

    async def stop(self) -> None:
        task, self._task = self._task, None
        self._subscribed.clear()
        if task is None or task.done():
            return
        loop = task.get_loop()
        if loop is not asyncio.get_running_loop():
            # Started on another loop (a test client's): cancelled there, not awaited here.
            with contextlib.suppress(RuntimeError):  # that loop is closed: the task went with it
                loop.call_soon_threadsafe(task.cancel)
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    # port ----------------------------------------------------------------------
    async def get_or_load(self, key: str, loader: Loader, ttl_seconds: int | None = None) -> Any:
        use_local = self._subscribed.is_set()
        if use_local:
            held = self._local.get(key, _MISSING)
            if held is not _MISSING:
                return held
        generation = self._generation
        try:
            await self._flush_pending()
            raw, version = await self._r.mget(self._prefix + key, self._prefix + "v:" + key)
        except DOWN:
            return await loader()  # degrade to the source of truth; never to a guess
        if raw is not None:
            value = json.loads(raw)
        else:
            value = await loader()
            try:
                await self._script(
                    keys=[self._prefix + key, self._prefix + "v:" + key],
                    args=[version or "", json.dumps(value), ttl_seconds or self._redis_ttl],
                )
            except DOWN:
                return value
        if use_local and generation == self._generation and self._subscribed.is_set():
            self._local[key] = value
        return value

    async def delete(self, *keys: str) -> None:
        self._generation += 1
        for key in keys:
            self._local.pop(key, None)
        self._pending.update(keys)
        try:
            await self._flush_pending()
        except DOWN as exc:
            logger.warning("cache invalidation deferred, redis unavailable: {}", type(exc).__name__)

    async def clear(self) -> None:
        """Drops every value on every instance (after a restore, when any may be stale).

        Every key found in Redis is deleted as `delete` does (its version bumped, so a
        load in flight does not store its old value), then every instance is told to
        drop its whole in-process level.
        """
        self._drop_local()
        try:
            keys: set[str] = set()
            pattern = _glob_escape(self._prefix) + "*"
            async for raw in self._r.scan_iter(match=pattern, count=1000):
                name = raw[len(self._prefix) :]
                keys.add(name[2:] if name.startswith("v:") else name)
            if keys:
                await self.delete(*sorted(keys))
            pipe = self._r.pipeline()
            pipe.incr(self.epoch_key)
            pipe.publish(self._channel, json.dumps([CLEAR_ALL]))
            await pipe.execute()
        except DOWN as exc:
            # Instances that lost Redis too bypass and purge on reconnect (see _listen).
            logger.warning("cache clear incomplete, redis unavailable: {}", type(exc).__name__)

    def observe(self, epoch: object) -> None:
        """The cache's epoch as a request read it: when it moved, the in-process level goes.

        The first observation drops it too: what was kept before it may predate a write.
        """
        if epoch != self._seen_epoch:
            self._seen_epoch = epoch
            self._drop_local()

    # internals -----------------------------------------------------------------
    async def _flush_pending(self) -> None:
        # A few hundred keys per round trip: an import's thousands of keys would otherwise be
        # packed into one pipeline in one step of the loop (tens of milliseconds).
        keys = sorted(self._pending)
        for start in range(0, len(keys), FLUSH_KEYS):
            batch = keys[start : start + FLUSH_KEYS]
            pipe = self._r.pipeline()
            for key in batch:
                pipe.delete(self._prefix + key)
                pipe.incr(self._prefix + "v:" + key)
                pipe.expire(self._prefix + "v:" + key, _VERSION_TTL)
            pipe.incr(self.epoch_key)  # after the deletes: a reader that sees it misses them
            pipe.publish(self._channel, json.dumps(batch))
            await pipe.execute()
            self._pending.difference_update(batch)

    def _evict(self, keys: list[str]) -> None:
        self._generation += 1
        if CLEAR_ALL in keys:
            self._local.clear()
        for key in keys:
            self._local.pop(key, None)

    def _drop_local(self) -> None:
        self._generation += 1
        self._local.clear()

    async def _purge_namespace(self) -> None:
        keys = [k async for k in self._r.scan_iter(match=self._prefix + "*", count=1000)]
        versions = self._prefix + "v:"
        pipe = self._r.pipeline()
        for k in keys:
            if k.startswith(versions):
                pipe.incr(k)
            else:
                pipe.delete(k)
        pipe.incr(self.epoch_key)
        await pipe.execute()

    async def _listen(self) -> None:
        while True:
            pubsub = self._r.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                if self._outage:
                    await self._purge_namespace()
                    self._outage = False
                self._drop_local()
                self._subscribed.set()
                last_ping = time.monotonic()
                while True:
                    message = await pubsub.get_message(timeout=0.5)
                    if message is not None and message.get("type") == "message":
                        self._evict(json.loads(message["data"]))
                    if time.monotonic() - last_ping > 2:
                        await pubsub.ping()
                        last_ping = time.monotonic()
            except (*DOWN, ValueError) as exc:
                if self._subscribed.is_set():
                    logger.warning(
                        "cache listener lost redis ({}); local cache bypassed", type(exc).__name__
                    )
                self._subscribed.clear()
                self._outage = True
                self._drop_local()
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(*DOWN):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
