"""The cache monitor's rules: only the product's namespaces, and no secret ever shown."""

from __future__ import annotations

import json

import pytest

from core.monitor.model import MASK, NAMESPACES, CacheServerInfo, masked
from core.monitor.service import CacheMonitorService
from core.shared.errors import Conflict, NotFound
from core.shared.pagination import PageRequest
from tests.unit.fakes import FakeClock
from tests.unit.monitor.fakes_servers import FakeCacheInspector

ALL = tuple(ns.name for ns in NAMESPACES)


def service(held: tuple[str, ...] = ALL) -> tuple[CacheMonitorService, FakeCacheInspector]:
    inspector = FakeCacheInspector(held)
    return CacheMonitorService(inspector, FakeClock()), inspector


async def test_the_overview_counts_each_namespace_the_store_holds() -> None:
    monitor, store = service()
    store.put("cache", "config:a", "1")
    store.put("cache", "config:b", "2")
    found = await monitor.overview()
    counts = {k.namespace.name: k.keys for k in found.namespaces}
    assert counts["cache"] == 2 and counts["sessions"] == 0
    assert list(counts) == list(ALL)
    assert found.info.hit_rate() == 0.75


async def test_the_embedded_store_has_only_the_cache() -> None:
    monitor, _ = service(("cache",))
    assert [k.namespace.name for k in (await monitor.overview()).namespaces] == ["cache"]
    with pytest.raises(NotFound) as err:
        await monitor.keys("sessions", PageRequest())
    assert err.value.code == "cache_namespace_not_found"


@pytest.mark.parametrize("name", ["nope", "", "CACHE", "cache:"])
async def test_a_namespace_not_the_products_is_not_found(name: str) -> None:
    monitor, _ = service()
    for call in (monitor.keys(name, PageRequest()), monitor.value(name, "k"), monitor.clear(name)):
        with pytest.raises(NotFound) as err:
            await call
        assert err.value.code == "cache_namespace_not_found"


async def test_a_session_shows_only_its_user_and_expiry() -> None:
    monitor, store = service()
    record = {
        "sid": "s1",
        "user_id": "7",
        "username": "opt",
        "ip": "10.0.0.9",
        "user_agent": "Firefox",
        "refresh_jti": "secret-jti",
        "login_time": "1",
    }
    store.put("sessions", "user_login_token_7:s1", record, "hash")
    shown = await monitor.value("sessions", "user_login_token_7:s1")
    assert shown.masked
    assert shown.value == {
        "user_id": 7,
        "username": "opt",
        "expires_at": "2026-01-01T00:01:00+00:00",
    }
    assert "secret-jti" not in json.dumps(shown.value)


@pytest.mark.parametrize("name", ["short-lived", "verification", "jobs"])
async def test_a_secret_value_is_never_shown(name: str) -> None:
    monitor, store = service()
    store.put(name, f"{name}:x:abcdef0123", "the-code")
    shown = await monitor.value(name, f"{name}:x:abcdef0123")
    assert shown.masked and shown.value is None and shown.ttl_seconds == 60


async def test_keys_that_carry_a_digest_are_listed_masked_and_not_viewable() -> None:
    monitor, store = service()
    store.put("verification", "verify:register:0123456789abcdef", "{}")
    page = await monitor.keys("verification", PageRequest())
    assert [(k.key, k.viewable) for k in page.items] == [(f"verify:register:{MASK}", False)]
    shown = await monitor.value("verification", "verify:register:0123456789abcdef")
    assert shown.key == f"verify:register:{MASK}"


async def test_a_cached_value_masks_fields_named_like_secrets_at_any_depth() -> None:
    monitor, store = service()
    value = {"name": "x", "password_hash": "h", "items": [{"token": "t", "ok": 1}]}
    store.put("cache", "user:1", json.dumps(value))
    shown = await monitor.value("cache", "user:1")
    assert not shown.masked
    assert shown.value == {"name": "x", "password_hash": MASK, "items": [{"token": MASK, "ok": 1}]}
    assert masked(["a", {"Secret": 1}]) == ["a", {"Secret": MASK}]


async def test_a_counter_is_a_number() -> None:
    monitor, store = service()
    store.put("counters", "rate:login:ip:1.2.3.4", "4")
    assert (await monitor.value("counters", "rate:login:ip:1.2.3.4")).value == 4


async def test_a_missing_key_is_not_found() -> None:
    monitor, _ = service()
    with pytest.raises(NotFound) as err:
        await monitor.value("cache", "gone")
    assert err.value.code == "cache_key_not_found"


async def test_keys_are_paged() -> None:
    monitor, store = service()
    for i in range(25):
        store.put("cache", f"k:{i:02}", "1")
    page = await monitor.keys("cache", PageRequest(page=3, size=10))
    assert page.total == 25 and [k.key for k in page.items] == [f"k:{i}" for i in range(20, 25)]


async def test_clearing_empties_the_namespace_and_drops_every_local_level() -> None:
    monitor, store = service()
    store.put("cache", "a", "1")
    store.put("counters", "rate:x", "1")
    assert await monitor.clear("cache") == 1
    assert store.data["cache"] == {} and store.data["counters"] != {}
    assert store.local_dropped == 1


@pytest.mark.parametrize("name", ["sessions", "jobs", "servers"])
async def test_protected_namespaces_are_not_cleared(name: str) -> None:
    monitor, store = service()
    store.put(name, "k", "v")
    with pytest.raises(Conflict) as err:
        await monitor.clear(name)
    assert err.value.code == "cache_namespace_protected"
    assert store.data[name] != {}


def test_hit_rate_without_lookups_is_none() -> None:
    assert CacheServerInfo(backend="redis", hits=0, misses=0).hit_rate() is None
    assert CacheServerInfo(backend="memory").hit_rate() is None


async def test_counts_and_pages_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.monitor.service as service_module

    monkeypatch.setattr(service_module, "KEY_LIMIT", 3)
    monitor, store = service()
    for i in range(5):
        store.put("cache", f"k:{i}", "1")
    counted = {k.namespace.name: (k.keys, k.capped) for k in (await monitor.overview()).namespaces}
    assert counted["cache"] == (3, True) and counted["sessions"] == (0, False)
    assert (await monitor.keys("cache", PageRequest(size=10))).total == 3
