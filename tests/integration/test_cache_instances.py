"""Two app instances on one MariaDB and one Redis: a write through A is served by B's next request.

Also the two-level cache on its own, two instances of it on one Redis."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from adapters.redis.stores import RedisTwoLevelCache, make_client
from core.config.commands import CreateConfig, UpdateConfig
from core.shared.cache import Loader
from tests.integration.conftest import App, unique
from tests.integration.processes import OwnRedis

CFG = "/api/v1/system/config-setting"


def _until(check: Callable[[], bool], seconds: float) -> float:
    """Polls `check`; returns how long it took to hold, or fails after `seconds`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "not seen in time"
        time.sleep(0.02)
    return time.monotonic() - started


def test_config_change_and_delete_reach_the_other_instance(make_app: Callable[..., App]) -> None:
    a, b = make_app(), make_app()
    ha, hb = a.login("admin", "admin123"), b.login("admin", "admin123")
    key = unique("shared.k")
    sid = a.client.post(CFG, headers=ha, json={"name": "Shared", "key": key, "value": "v1"}).json()[
        "id"
    ]
    # B reads it, so both levels of B's cache now hold v1.
    assert b.client.get(f"{CFG}/key/{key}", headers=hb).json()["value"] == "v1"
    assert b.client.get(f"{CFG}/key/{key}", headers=hb).json()["value"] == "v1"

    a.client.put(f"{CFG}/{sid}", headers=ha, json={"value": "v2"})
    # B's next request serves it: its token check read the cache's epoch (decision 44).
    assert b.client.get(f"{CFG}/key/{key}", headers=hb).json()["value"] == "v2"

    a.client.delete(f"{CFG}/{sid}", headers=ha)
    assert b.client.get(f"{CFG}/key/{key}", headers=hb).status_code == 404


def test_dictionary_change_reaches_the_other_instance(make_app: Callable[..., App]) -> None:
    a, b = make_app(), make_app()
    ha, hb = a.login("admin", "admin123"), b.login("admin", "admin123")
    code = unique("shared_")
    a.client.post("/api/v1/system/dict-type", headers=ha, json={"code": code, "name": "x"})
    item = a.client.post(
        "/api/v1/system/dict-item", headers=ha, json={"type_code": code, "label": "A", "value": "a"}
    ).json()["id"]
    assert [i["label"] for i in b.client.get(f"/api/v1/system/dict/{code}", headers=hb).json()] == [
        "A"
    ]
    a.client.put(f"/api/v1/system/dict-item/{item}", headers=ha, json={"label": "B"})
    labels = [i["label"] for i in b.client.get(f"/api/v1/system/dict/{code}", headers=hb).json()]
    assert labels == ["B"]


def test_permission_change_reaches_the_other_instance(make_app: Callable[..., App]) -> None:
    a, b = make_app(), make_app()
    ha = a.login("admin", "admin123")
    name = unique("perm")
    opt_role = next(
        r["id"]
        for r in a.client.get("/api/v1/permission/role", headers=ha).json()["items"]
        if r["code"] == "opt"
    )
    uid = a.client.post(
        "/api/v1/permission/user",
        headers=ha,
        json={"username": name, "password": "a fine passphrase", "role_ids": [opt_role]},
    ).json()["id"]
    hb = b.login(name, "a fine passphrase")
    assert b.client.get("/api/v1/permission/user", headers=hb).status_code == 200
    a.client.put(f"/api/v1/permission/user/{uid}/roles", headers=ha, json={"role_ids": []})
    assert b.client.get("/api/v1/permission/user", headers=hb).status_code == 403


def test_cache_outage_reads_the_database_and_never_a_stale_value(
    make_app: Callable[..., App],
) -> None:
    server = OwnRedis()
    server.start()
    try:
        a, b = make_app(redis_url=server.url, prefix=""), make_app(redis_url=server.url, prefix="")
        key = unique("outage.k")

        def value(app: App) -> str | None:
            return app.run(app.container.configs().value, key)

        def update(to: str) -> None:
            a.run(a.container.configs().update, 1, sid, UpdateConfig(value=to))

        sid = a.run(
            a.container.configs().create, 1, CreateConfig(name="x", key=key, value="before")
        )
        assert value(b) == "before"  # now in B's in-process cache too
        server.stop()
        update("during")  # the invalidation cannot reach Redis
        assert value(a) == "during"
        # B hears nothing, but its listener lost Redis: it stops trusting its local copy.
        _until(lambda: value(b) == "during", 1.0)
        # While Redis is down nothing can tell B of a change, so B must not keep what it reads.
        update("during, again")
        assert value(b) == "during, again"
        update("during")
        server.start()  # back, empty
        for _ in range(20):
            assert value(b) == "during"
            assert value(a) == "during"
            time.sleep(0.05)
    finally:
        server.stop()


def _loader(value: str, loads: list[str]) -> Loader:
    async def load() -> str:
        loads.append(value)
        return value

    return load


async def _until_read(cache: RedisTwoLevelCache, key: str, wanted: str, seconds: float) -> None:
    started = time.monotonic()
    while await cache.get_or_load(key, _loader(wanted, [])) != wanted:
        assert time.monotonic() - started < seconds, "not seen in time"
        await asyncio.sleep(0.02)


async def test_the_listener_runs_on_the_loop_from_start_to_stop(
    redis_url: str, redis_prefix: str
) -> None:
    """The adapter itself, on this test's loop: `start` returns subscribed, a delete on one
    instance evicts the other's local copy, `clear` reaches every local level, and after `stop`
    the local level is no longer trusted."""
    prefix = redis_prefix + unique("caches:") + ":"
    clients = [make_client(redis_url), make_client(redis_url)]
    a, b = (RedisTwoLevelCache(client, prefix) for client in clients)
    loads: list[str] = []
    try:
        await a.start()
        await b.start()
        assert await b.get_or_load("k", _loader("v1", loads)) == "v1"
        assert await b.get_or_load("k", _loader("unused", loads)) == "v1"  # B's own copy
        assert await a.get_or_load("k", _loader("unused", loads)) == "v1"  # from Redis
        assert loads == ["v1"]
        await a.delete("k")
        await _until_read(b, "k", "v2", 1.0)
        await a.clear()
        await _until_read(b, "k", "v3", 1.0)
        await b.stop()
        await a.delete("k")
        assert await b.get_or_load("k", _loader("v4", loads)) == "v4"  # read through Redis
    finally:
        await a.stop()
        await b.stop()
        for client in clients:
            await client.aclose()


async def test_a_token_check_drops_what_another_instance_replaced_before_pubsub_tells(
    redis_url: str, redis_prefix: str
) -> None:
    """The next authenticated request on B serves A's write even when B's invalidation
    message has not arrived: B's token check reads the cache's epoch (decision 44).

    B's listener is held back here (B counts as subscribed, but nothing delivers to it), so
    without the epoch B would keep serving its own stale copy until the message came.
    """
    from datetime import UTC, datetime

    from adapters.redis.stores import RedisTokenStore
    from core.rbac.model import Session

    prefix = redis_prefix + unique("epoch:") + ":"
    clients = [make_client(redis_url), make_client(redis_url)]
    a, b = (RedisTwoLevelCache(client, prefix) for client in clients)
    b._subscribed.set()  # a listener that never hears anything
    tokens = RedisTokenStore(clients[1], prefix, cache=b)
    now = datetime.now(UTC).replace(microsecond=0)
    session = Session(
        sid="e" * 32,
        user_id=1,
        username="admin",
        ip="",
        user_agent="",
        browser="",
        os="",
        login_time=now,
        last_seen=now,
        remember=False,
        refresh_jti="r" * 32,
    )
    try:
        await tokens.start(session, 60)
        assert await tokens.touch(1, session.sid, now)  # B's first request: epoch seen
        assert await b.get_or_load("k", _loader("v1", [])) == "v1"
        await a.delete("k")  # A's write: Redis moves on, B hears nothing
        assert await b.get_or_load("k", _loader("v2", [])) == "v1"  # B's own stale copy
        assert await tokens.touch(1, session.sid, now)  # B's next request
        assert await b.get_or_load("k", _loader("v2", [])) == "v2"
    finally:
        await tokens.end(1, session.sid)
        for client in clients:
            await client.aclose()
