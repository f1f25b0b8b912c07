"""Redis token store, rate counter and two-level cache, shared by every app instance."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from cachetools import TTLCache
from loguru import logger

from adapters.redis.pipelined import ReplyError, async_client
from core.rbac.model import TOKEN_RECORD
from core.rbac.ports import AsyncTokenStore, Cache, RateCounter, TokenStore
from core.shared.errors import ServiceUnavailable
from core.shared.health import Probe


def make_client(url: str) -> redis.Redis:
    """Short timeouts, so an outage is a quick 503 and never a hang."""
    return redis.Redis.from_url(
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
    def __init__(self, client: redis.Redis) -> None:
        self._r = client

    def ok(self) -> bool:
        try:
            return bool(self._r.ping())
        except redis.RedisError:
            return False


class RedisTokenStore(TokenStore):
    def __init__(self, client: redis.Redis, prefix: str = "") -> None:
        self._r = client
        self._prefix = prefix

    def _key(self, user_id: int, jti: str) -> str:
        return self._prefix + TOKEN_RECORD.format(user_id=user_id, jti=jti)

    def add(self, user_id: int, jti: str, ttl_seconds: int) -> None:
        try:
            self._r.set(self._key(user_id, jti), "1", ex=ttl_seconds)
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc

    def exists(self, user_id: int, jti: str) -> bool:
        try:
            return bool(self._r.exists(self._key(user_id, jti)))
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc

    def revoke(self, user_id: int, jti: str) -> None:
        try:
            self._r.delete(self._key(user_id, jti))
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc

    def revoke_all(self, user_id: int) -> int:
        pattern = self._key(user_id, "").replace("[", "\\[").replace("*", "\\*") + "*"
        try:
            keys = list(self._r.scan_iter(match=pattern, count=500))
            return int(self._r.delete(*keys)) if keys else 0
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc

    def revoke_everyone(self) -> int:
        """Every token of every user (after a restore: the rows they were issued for are gone)."""
        pattern = _glob_escape(self._prefix + TOKEN_RECORD.split("{", 1)[0]) + "*"
        try:
            return _delete_matching(self._r, pattern)
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc


class RedisRateCounter(RateCounter):
    def __init__(self, client: redis.Redis, prefix: str = "") -> None:
        self._r = client
        self._prefix = prefix + "rate:"

    def hit(self, key: str, window_seconds: int) -> int:
        try:
            pipe = self._r.pipeline()
            pipe.incr(self._prefix + key)
            pipe.expire(self._prefix + key, window_seconds, nx=True)
            count, _ = pipe.execute()
            return int(count)
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc

    def count(self, key: str) -> tuple[int, int]:
        try:
            pipe = self._r.pipeline()
            pipe.get(self._prefix + key)
            pipe.ttl(self._prefix + key)
            raw, ttl = pipe.execute()
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc
        if raw is None:
            return 0, 0
        return int(raw), max(1, int(ttl))

    def reset(self, key: str) -> None:
        try:
            self._r.delete(self._prefix + key)
        except redis.RedisError as exc:
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
# Published in place of a key list member: every instance drops its whole local level.
CLEAR_ALL = "*"


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


def _delete_matching(client: redis.Redis, pattern: str) -> int:
    deleted = 0
    batch: list[str] = []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            deleted += int(client.delete(*batch))
            batch = []
    if batch:
        deleted += int(client.delete(*batch))
    return deleted


class RedisTwoLevelCache(Cache):
    """An in-process TTLCache in front of Redis, kept honest across instances by pub/sub.

    Each delete bumps a per-key version in Redis and publishes the key; every
    instance's listener evicts it locally. While the listener is not subscribed
    (start-up, Redis outage) the local level is bypassed, and after an outage the
    namespace in Redis is purged, so no instance can serve a value that a write
    it did not hear about has replaced.
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "",
        local_ttl_seconds: int = 60,
        redis_ttl_seconds: int = 900,
        maxsize: int = 10_000,
    ) -> None:
        self._r = client
        self._prefix = prefix + "cache:"
        self._channel = prefix + "cache-invalidate"
        self._redis_ttl = redis_ttl_seconds
        self._local: TTLCache[str, Any] = TTLCache(maxsize=maxsize, ttl=local_ttl_seconds)
        self._lock = threading.Lock()
        self._generation = 0
        self._subscribed = threading.Event()
        self._stopping = threading.Event()
        self._outage = False
        self._pending: set[str] = set()
        self._thread: threading.Thread | None = None
        self._script = self._r.register_script(_SET_IF_VERSION)

    # lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._listen, name="cache-invalidation", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def wait_ready(self, timeout: float = 5.0) -> bool:
        return self._subscribed.wait(timeout)

    # port ----------------------------------------------------------------------
    def get_or_load(
        self, key: str, loader: Callable[[], Any], ttl_seconds: int | None = None
    ) -> Any:
        use_local = self._subscribed.is_set()
        with self._lock:
            if use_local and key in self._local:
                return self._local[key]
            generation = self._generation
        try:
            self._flush_pending()
            raw, version = self._r.mget(self._prefix + key, self._prefix + "v:" + key)
        except redis.RedisError:
            return loader()  # degrade to the source of truth; never to a guess
        if raw is not None:
            value = json.loads(raw)
        else:
            value = loader()
            try:
                self._script(
                    keys=[self._prefix + key, self._prefix + "v:" + key],
                    args=[version or "", json.dumps(value), ttl_seconds or self._redis_ttl],
                )
            except redis.RedisError:
                return value
        with self._lock:
            if use_local and generation == self._generation and self._subscribed.is_set():
                self._local[key] = value
        return value

    def peek(self, key: str) -> Any | None:
        if not self._subscribed.is_set():
            return None  # not hearing invalidations: the local copy is not to be trusted
        with self._lock:
            return self._local.get(key)

    def delete(self, *keys: str) -> None:
        with self._lock:
            self._generation += 1
            for key in keys:
                self._local.pop(key, None)
            self._pending.update(keys)
        try:
            self._flush_pending()
        except redis.RedisError as exc:
            logger.warning("cache invalidation deferred, redis unavailable: {}", type(exc).__name__)

    def clear(self) -> None:
        """Drops every value on every instance (after a restore, when any may be stale).

        Every key found in Redis is deleted as `delete` does (its version bumped, so a
        load in flight does not store its old value), then every instance is told to
        drop its whole in-process level.
        """
        self._drop_local()
        try:
            keys: set[str] = set()
            for raw in self._r.scan_iter(match=_glob_escape(self._prefix) + "*", count=1000):
                name = raw[len(self._prefix) :]
                keys.add(name[2:] if name.startswith("v:") else name)
            if keys:
                self.delete(*sorted(keys))
            self._r.publish(self._channel, json.dumps([CLEAR_ALL]))
        except redis.RedisError as exc:
            # Instances that lost Redis too bypass and purge on reconnect (see _listen).
            logger.warning("cache clear incomplete, redis unavailable: {}", type(exc).__name__)

    # internals -----------------------------------------------------------------
    def _flush_pending(self) -> None:
        with self._lock:
            keys = sorted(self._pending)
        if not keys:
            return
        pipe = self._r.pipeline()
        for key in keys:
            pipe.delete(self._prefix + key)
            pipe.incr(self._prefix + "v:" + key)
            pipe.expire(self._prefix + "v:" + key, _VERSION_TTL)
        pipe.publish(self._channel, json.dumps(keys))
        pipe.execute()
        with self._lock:
            self._pending.difference_update(keys)

    def _evict(self, keys: list[str]) -> None:
        with self._lock:
            self._generation += 1
            if CLEAR_ALL in keys:
                self._local.clear()
            for key in keys:
                self._local.pop(key, None)

    def _drop_local(self) -> None:
        with self._lock:
            self._generation += 1
            self._local.clear()

    def _purge_namespace(self) -> None:
        keys = list(self._r.scan_iter(match=self._prefix + "*", count=1000))
        values = [k for k in keys if not k.startswith(self._prefix + "v:")]
        pipe = self._r.pipeline()
        for k in values:
            pipe.delete(k)
        for k in keys:
            if k.startswith(self._prefix + "v:"):
                pipe.incr(k)
        pipe.execute()

    def _listen(self) -> None:
        while not self._stopping.is_set():
            pubsub = self._r.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
            try:
                pubsub.subscribe(self._channel)
                if self._outage:
                    self._purge_namespace()
                    self._outage = False
                self._drop_local()
                self._subscribed.set()
                last_ping = time.monotonic()
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if message is not None and message.get("type") == "message":
                        self._evict(json.loads(message["data"]))
                    if time.monotonic() - last_ping > 2:
                        pubsub.ping()
                        last_ping = time.monotonic()
            except (redis.RedisError, OSError, ValueError) as exc:
                if self._subscribed.is_set():
                    logger.warning(
                        "cache listener lost redis ({}); local cache bypassed", type(exc).__name__
                    )
                self._subscribed.clear()
                self._outage = True
                self._drop_local()
                self._stopping.wait(0.5)
            finally:
                with contextlib.suppress(redis.RedisError, OSError):
                    pubsub.close()


class RedisAsyncTokenStore(AsyncTokenStore):
    """The token check on the event loop: no thread-pool hop per request.

    For `redis://` URLs the check goes through the small pipelined client (see
    `adapters.redis.pipelined`: a fifth of redis.asyncio's cost per command).
    """

    def __init__(self, url: str, prefix: str = "") -> None:
        self._r = async_client(url)
        self._prefix = prefix

    async def exists(self, user_id: int, jti: str) -> bool:
        key = self._prefix + TOKEN_RECORD.format(user_id=user_id, jti=jti)
        try:
            return bool(await self._r.execute_command("EXISTS", key))
        except (redis.RedisError, OSError, ReplyError) as exc:
            raise _unavailable(exc) from exc

    async def aclose(self) -> None:
        await self._r.aclose()
