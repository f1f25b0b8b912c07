"""The server and cache monitors over HTTP, with two instances on one database and one Redis.

Each test's instances share a Redis prefix of their own, so the server list holds exactly
them and a cleared namespace is theirs alone.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from sqlalchemy import update

from adapters.redis import monitor as monitor_adapter
from adapters.redis.monitor import PREFIXES, REPORTS
from adapters.sqlalchemy.config import config_settings
from core.monitor.model import NAMESPACES
from tests.integration.conftest import App, execute, settings_for, unique

SERVER = "/api/v1/monitor/server"
CACHE = "/api/v1/monitor/cache"
CFG = "/api/v1/system/config-setting"


def _until(check: Callable[[], bool], seconds: float) -> None:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "not seen in time"
        time.sleep(0.02)


def _pair(
    make_app_for_test: Callable[..., App], redis_prefix: str, **extra: Any
) -> tuple[App, App, str]:
    prefix = f"{redis_prefix}mon{secrets.token_hex(3)}:"
    return (
        make_app_for_test(prefix=prefix, **extra),
        make_app_for_test(prefix=prefix, **extra),
        prefix,
    )


def _one(make_app_for_test: Callable[..., App], redis_prefix: str, **extra: Any) -> tuple[App, str]:
    prefix = f"{redis_prefix}mon{secrets.token_hex(3)}:"
    return make_app_for_test(prefix=prefix, **extra), prefix


def _instances(app: App, headers: dict[str, str]) -> list[str]:
    r = app.client.get(SERVER, headers=headers)
    assert r.status_code == 200, r.text
    return [s["instance"] for s in r.json()["items"]]


def test_both_instances_are_in_the_server_list(
    make_app_for_test: Callable[..., App], redis_prefix: str
) -> None:
    a, b, _ = _pair(make_app_for_test, redis_prefix)
    ha, hb = a.login("admin", "admin123"), b.login("admin", "admin123")
    na, nb = a.container.job_instance(), b.container.job_instance()
    _until(lambda: sorted(_instances(a, ha)) == sorted([na, nb]), 5)
    _until(lambda: sorted(_instances(b, hb)) == sorted([na, nb]), 5)
    body = a.client.get(SERVER, headers=ha).json()
    assert body["heartbeat_seconds"] == 10
    first, other = body["items"]
    assert (first["instance"], first["current"], other["instance"], other["current"]) == (
        na,
        True,
        nb,
        False,
    )
    host = first["host"]
    assert host["pid"] > 0 and host["python"].count(".") == 2
    assert "fastapi" in host["packages"] and "psutil" in host["packages"]
    assert 0 <= host["cpu_percent"] <= 100 * host["cpu_count"]
    assert host["memory_total"] >= host["memory_used"] > 0
    assert host["disk_total"] >= host["disk_used"] > 0
    assert host["process_rss"] > 0 and host["process_threads"] >= 1
    assert host["uptime_seconds"] >= 0
    # Two engines on a database server: the writes' pool and the plain reads' pool.
    assert [p["name"] for p in first["pools"]] == ["write", "read"]
    assert all(p["size"] >= 1 and p["checked_out"] >= 0 for p in first["pools"])
    assert first["scheduler"] == {"enabled": False, "leader": False, "next_fires": []}


def test_an_instance_that_stops_drops_out_when_its_heartbeat_lapses(
    make_app_for_test: Callable[..., App], redis_prefix: str, redis_url: str
) -> None:
    a, b, prefix = _pair(make_app_for_test, redis_prefix, server_heartbeat_seconds=0.2)
    ha = a.login("admin", "admin123")
    nb = b.container.job_instance()
    _until(lambda: nb in _instances(a, ha), 5)
    # B stops beating without withdrawing its report, as a killed process would.
    b.run(b.container.server_monitor().stop, False)
    client = redis.Redis.from_url(redis_url)
    try:
        ttl = client.pttl(f"{prefix}{REPORTS}{nb}")
        assert ttl == -2 or 0 < ttl <= 600  # three heartbeats of 0.2 s at most
        _until(lambda: nb not in _instances(a, ha), 5)
        assert client.exists(f"{prefix}{REPORTS}{nb}") == 0
    finally:
        client.close()
    assert _instances(a, ha) == [a.container.job_instance()]


def test_a_clean_stop_withdraws_at_once(
    make_app_for_test: Callable[..., App], redis_prefix: str
) -> None:
    a, b, _ = _pair(make_app_for_test, redis_prefix)
    ha = a.login("admin", "admin123")
    nb = b.container.job_instance()
    _until(lambda: nb in _instances(a, ha), 5)
    b.__exit__(None, None, None)
    assert _instances(a, ha) == [a.container.job_instance()]


def test_clearing_the_cache_on_a_empties_bs_in_process_level(
    make_app_for_test: Callable[..., App], redis_prefix: str
) -> None:
    a, b, _ = _pair(make_app_for_test, redis_prefix)
    ha, hb = a.login("admin", "admin123"), b.login("admin", "admin123")
    key = unique("mon.k")
    made = a.client.post(CFG, headers=ha, json={"name": "Mon", "key": key, "value": "v1"})
    assert made.status_code == 201, made.text
    for _ in range(2):  # B's both levels hold v1
        assert b.client.get(f"{CFG}/key/{key}", headers=hb).json()["value"] == "v1"
    # Behind the product's back: no invalidation is published.
    execute(a, update(config_settings).where(config_settings.c.key == key).values(value="v2"))
    assert b.client.get(f"{CFG}/key/{key}", headers=hb).json()["value"] == "v1"

    keys = a.client.get(f"{CACHE}/cache/keys", headers=ha, params={"size": 100}).json()
    assert keys["total"] >= 1 and not any(k["key"].startswith("cache:v:") for k in keys["items"])
    r = a.client.delete(f"{CACHE}/cache", headers=ha)
    assert r.status_code == 200 and r.json()["deleted"] >= 1
    _until(lambda: b.client.get(f"{CFG}/key/{key}", headers=hb).json()["value"] == "v2", 1.0)


def test_clearing_the_counters_lifts_a_lock(
    make_app_for_test: Callable[..., App], redis_prefix: str
) -> None:
    a, _ = _one(make_app_for_test, redis_prefix, max_failed_logins=2)
    ha = a.login("admin", "admin123")
    for _ in range(3):
        a.client.post("/api/v1/user/login", data={"username": "opt", "password": "wrong"})
    locked = a.client.post("/api/v1/user/login", data={"username": "opt", "password": "opt123"})
    assert locked.status_code == 429, locked.text
    counters = next(
        n for n in a.client.get(CACHE, headers=ha).json()["namespaces"] if n["name"] == "counters"
    )
    assert counters["keys"] >= 1
    some = a.client.get(f"{CACHE}/counters/keys", headers=ha).json()["items"][0]["key"]
    value = a.client.get(f"{CACHE}/counters/keys/{some}", headers=ha).json()
    assert isinstance(value["value"], int) and value["ttl_seconds"] > 0
    assert a.client.delete(f"{CACHE}/counters", headers=ha).json()["deleted"] >= 1
    assert a.client.get(f"{CACHE}/counters/keys", headers=ha).json()["total"] == 0
    a.login("opt", "opt123")


def test_a_namespace_that_is_not_the_products_is_404(api: App, admin: dict[str, str]) -> None:
    for method, path in (
        ("GET", f"{CACHE}/nope/keys"),
        ("GET", f"{CACHE}/nope/keys/x"),
        ("DELETE", f"{CACHE}/nope"),
        ("GET", f"{CACHE}/CACHE/keys"),
        ("DELETE", f"{CACHE}/cache:"),
    ):
        r = api.client.request(method, path, headers=admin)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["code"] == "cache_namespace_not_found"
    # A key of another namespace is not found through this one.
    r = api.client.get(f"{CACHE}/cache/keys/user_login_token_1:x", headers=admin)
    assert (r.status_code, r.json()["code"]) == (404, "cache_key_not_found")
    r = api.client.get(f"{CACHE}/cache/keys", headers=admin, params={"size": 1000})
    assert r.status_code == 422


def test_protected_namespaces_are_not_cleared(api: App, admin: dict[str, str]) -> None:
    for name in ("sessions", "jobs", "servers"):
        r = api.client.delete(f"{CACHE}/{name}", headers=admin)
        assert (r.status_code, r.json()["code"]) == (409, "cache_namespace_protected")
    assert api.client.get("/api/v1/user/info", headers=admin).status_code == 200


def test_token_records_show_only_their_user_and_expiry(
    make_app_for_test: Callable[..., App], redis_prefix: str, redis_url: str
) -> None:
    a, prefix = _one(make_app_for_test, redis_prefix)
    ha = a.login("admin", "admin123")
    token = ha["Authorization"].split()[1]
    keys = a.client.get(f"{CACHE}/sessions/keys", headers=ha).json()["items"]
    assert keys and all(k["type"] == "hash" and k["viewable"] for k in keys)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        record = client.hgetall(prefix + keys[0]["key"])
    finally:
        client.close()
    r = a.client.get(f"{CACHE}/sessions/keys/{keys[0]['key']}", headers=ha)
    assert r.status_code == 200, r.text
    shown = r.json()
    assert shown["masked"] is True and set(shown["value"]) == {"user_id", "username", "expires_at"}
    assert shown["value"]["username"] == "admin" and shown["ttl_seconds"] > 0
    for secret in (record["refresh_jti"], record["user_agent"], token):
        assert secret not in r.text


def test_secret_values_and_digest_keys_are_masked(
    make_app_for_test: Callable[..., App], redis_prefix: str
) -> None:
    a, _ = _one(make_app_for_test, redis_prefix)
    ha = a.login("admin", "admin123")
    captcha = a.client.get("/api/v1/user/captcha")
    assert captcha.status_code == 200
    short = a.client.get(f"{CACHE}/short-lived/keys", headers=ha).json()["items"]
    assert short
    value = a.client.get(f"{CACHE}/short-lived/keys/{short[0]['key']}", headers=ha).json()
    assert value["masked"] is True and value["value"] is None


def test_the_overview_and_every_key_the_product_writes_is_in_a_namespace(
    make_app_for_test: Callable[..., App], redis_prefix: str, redis_url: str
) -> None:
    a, _b, prefix = _pair(make_app_for_test, redis_prefix)
    ha = a.login("admin", "admin123")
    a.client.post("/api/v1/user/login", data={"username": "opt", "password": "wrong"})
    a.client.get("/api/v1/user/captcha")
    a.client.get("/api/v1/permission/user", headers=ha)  # list generations
    a.client.post("/api/v1/user/forget-password", json={"email": "admin@example.com"})
    _until(lambda: len(_instances(a, ha)) == 2, 5)
    body = a.client.get(CACHE, headers=ha).json()
    info = body["info"]
    assert info["backend"] == "redis" and info["version"]
    assert info["used_memory"] > 0 and info["clients"] >= 1 and info["uptime_seconds"] > 0
    assert info["hit_rate"] is None or 0 <= info["hit_rate"] <= 1
    assert info["ops_per_second"] >= 0 and info["commands"]
    counts = {n["name"]: n["keys"] for n in body["namespaces"]}
    assert list(counts) == [ns.name for ns in NAMESPACES]
    assert counts["sessions"] >= 1 and counts["servers"] == 2 and counts["generations"] == 1
    assert counts["counters"] >= 1 and counts["short-lived"] >= 1
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        written = [k[len(prefix) :] for k in client.scan_iter(match=prefix + "*")]
    finally:
        client.close()
    own = [k for k in written if not k.startswith("cache:v:")]
    assert own and [k for k in own if not any(p.holds(k) for p in PREFIXES.values())] == []


def test_the_monitors_are_the_admins(api: App) -> None:
    opt = api.login("opt", "opt123")
    for method, path in (
        ("GET", SERVER),
        ("GET", CACHE),
        ("GET", f"{CACHE}/cache/keys"),
        ("DELETE", f"{CACHE}/cache"),
    ):
        assert api.client.request(method, path, headers=opt).status_code == 403


def test_the_leader_shows_its_next_fires(
    make_seeded_database: Callable[[], str], redis_url: str, redis_prefix: str
) -> None:
    # A database of its own: the scheduler takes every running job of its database.
    settings = settings_for(
        make_seeded_database(),
        redis_url,
        f"{redis_prefix}mon{secrets.token_hex(3)}:",
        scheduler_enabled=True,
        scheduler_lease_seconds=1.5,
        scheduler_sync_seconds=0.25,
    )
    with App(settings) as app:
        headers = app.login("admin", "admin123")
        made = app.client.post(
            "/api/v1/system/job",
            headers=headers,
            json={"name": unique("mon-job"), "script": "demo", "cron": "0 0 1 1 *"},
        )
        assert made.status_code == 201, made.text
        job_id = made.json()["id"]
        app.client.put(f"/api/v1/system/job/{job_id}/resume", headers=headers)

        def fires() -> list[int]:
            body = app.client.get(SERVER, headers=headers).json()
            scheduler = body["items"][0]["scheduler"]
            assert scheduler["enabled"] is True
            return [f["job_id"] for f in scheduler["next_fires"]] if scheduler["leader"] else []

        _until(lambda: job_id in fires(), 10)
        first = app.client.get(SERVER, headers=headers).json()["items"][0]["scheduler"]
        assert first["leader"] is True
        assert first["next_fires"][0]["fire_time"].startswith(("20", "21"))


def test_the_overview_scan_is_bounded(
    make_app_for_test: Callable[..., App], redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = _one(make_app_for_test, redis_prefix)
    ha = a.login("admin", "admin123")
    monkeypatch.setattr(monitor_adapter, "SCAN_BUDGET", 1)
    spaces = a.client.get(CACHE, headers=ha).json()["namespaces"]
    assert spaces and all(n["capped"] and n["keys"] <= 1 for n in spaces)
