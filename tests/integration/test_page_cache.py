"""List answers are kept while their tables are unchanged, and never outlive a write.

Two app instances share MariaDB and Redis, as two servers behind nginx would: a write
through one is seen by the next list request on the other, with no wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from sqlalchemy import text

from adapters.sqlalchemy.modules import load
from bootstrap import module_specs
from tests.integration.conftest import App, counting, execute, unique

USERS = "/api/v1/permission/user"
ROLES = "/api/v1/permission/role"
CONFIGS = "/api/v1/system/config-setting"


@pytest.fixture(scope="module")
def pair(make_app: Callable[..., App], redis_prefix: str) -> tuple[App, App]:
    prefix = f"{redis_prefix}pages:"
    return make_app(prefix=prefix), make_app(prefix=prefix)


def _ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def test_the_declared_tables_exist() -> None:
    # Every list a module's spec declares names tables of the schema (decision 19).
    declared = {t for spec in module_specs() for tables in spec.lists.values() for t in tables}
    metadata = load(spec.name for spec in module_specs()).metadata
    assert declared and declared <= set(metadata.tables), declared - set(metadata.tables)


def test_a_repeated_list_is_answered_from_memory(pair: tuple[App, App]) -> None:
    a, _ = pair
    h = a.login("admin", "admin123")
    params = {"size": 10, "username": "admin"}
    first = a.client.get(USERS, headers=h, params=params)
    with counting(a) as statements:
        again = a.client.get(USERS, headers=h, params=params)
    assert again.status_code == 200 and again.json() == first.json()
    assert statements == []
    assert again.headers["content-type"] == "application/json"


def test_the_guard_runs_before_a_kept_answer(pair: tuple[App, App]) -> None:
    a, _ = pair
    _ok(a.client.get(USERS, headers=a.login("admin", "admin123"), params={"size": 3}))
    assert a.client.get(USERS, params={"size": 3}).status_code == 401
    denied = a.client.get(USERS, headers=a.login("user", "123456"), params={"size": 3})
    assert denied.status_code == 403


def test_user_writes_on_one_instance_show_at_once_on_the_other(pair: tuple[App, App]) -> None:
    a, b = pair
    ha, hb = a.login("admin", "admin123"), b.login("admin", "admin123")
    name = unique("pc")
    params = {"username": name, "size": 10}

    def listed() -> list[dict[str, Any]]:
        return list(_ok(b.client.get(USERS, headers=hb, params=params))["items"])

    assert listed() == []  # kept on b now
    user = {"username": name, "password": "Long-enough-pass-1", "nickname": "one"}
    uid = _ok(a.client.post(USERS, headers=ha, json=user))["id"]
    assert [u["nickname"] for u in listed()] == ["one"]

    _ok(a.client.put(f"{USERS}/{uid}", headers=ha, json={"nickname": "two"}))
    assert [u["nickname"] for u in listed()] == ["two"]

    role = _ok(a.client.post(ROLES, headers=ha, json={"code": name, "name": "before"}))["id"]
    _ok(a.client.put(f"{USERS}/{uid}/roles", headers=ha, json={"role_ids": [role]}))
    assert [r["name"] for r in listed()[0]["roles"]] == ["before"]

    _ok(a.client.put(f"{ROLES}/{role}", headers=ha, json={"name": "after"}))  # t_roles only
    assert [r["name"] for r in listed()[0]["roles"]] == ["after"]

    _ok(a.client.delete(f"{ROLES}/{role}", headers=ha))
    assert listed()[0]["roles"] == []

    _ok(a.client.delete(f"{USERS}/{uid}", headers=ha))
    assert listed() == []


def test_config_writes_show_at_once_on_the_other(pair: tuple[App, App]) -> None:
    a, b = pair
    ha, hb = a.login("admin", "admin123"), b.login("admin", "admin123")
    key = unique("pc.key.")
    by_key = {"key": key, "size": 10}
    assert _ok(b.client.get(CONFIGS, headers=hb, params=by_key))["total"] == 0
    sid = _ok(a.client.post(CONFIGS, headers=ha, json={"name": "n", "key": key, "value": "1"}))[
        "id"
    ]
    assert [s["value"] for s in _ok(b.client.get(CONFIGS, headers=hb, params=by_key))["items"]] == [
        "1"
    ]
    _ok(a.client.put(f"{CONFIGS}/{sid}", headers=ha, json={"value": "2"}))
    assert [s["value"] for s in _ok(b.client.get(CONFIGS, headers=hb, params=by_key))["items"]] == [
        "2"
    ]


def test_a_write_that_rolls_back_moves_nothing_on(pair: tuple[App, App], redis_url: str) -> None:
    a, _ = pair
    h = a.login("admin", "admin123")
    client = redis.Redis.from_url(redis_url)
    key = f"{a.container.settings().redis_prefix}table-generations"
    before = client.hget(key, "t_users")
    taken = {"username": "admin", "password": "Long-enough-pass-1"}
    assert a.client.post(USERS, headers=h, json=taken).status_code == 409  # nothing committed
    assert client.hget(key, "t_users") == before


def test_lost_generations_start_a_new_epoch(pair: tuple[App, App], redis_url: str) -> None:
    """Redis restarted empty (or flushed): no answer kept before may be given again."""
    a, _ = pair
    h = a.login("admin", "admin123")
    key = unique("pc.epoch.")
    sid = _ok(a.client.post(CONFIGS, headers=h, json={"name": "n", "key": key, "value": "old"}))[
        "id"
    ]
    by_key = {"key": key, "size": 10}
    assert _ok(a.client.get(CONFIGS, headers=h, params=by_key))["items"][0]["value"] == "old"
    # Behind the product's back: no generation moves.
    execute(a, text("UPDATE t_config_settings SET value = 'new' WHERE id = :i"), {"i": sid})
    assert _ok(a.client.get(CONFIGS, headers=h, params=by_key))["items"][0]["value"] == "old"
    client = redis.Redis.from_url(redis_url)
    client.delete(f"{a.container.settings().redis_prefix}table-generations")
    assert _ok(a.client.get(CONFIGS, headers=h, params=by_key))["items"][0]["value"] == "new"


def test_a_kept_answer_expires_after_list_cache_seconds(
    make_app: Callable[..., App], redis_prefix: str
) -> None:
    app = make_app(prefix=f"{redis_prefix}{unique('ttl')}:", list_cache_seconds=1)
    h = app.login("admin", "admin123")
    key = unique("pc.ttl.")
    sid = _ok(app.client.post(CONFIGS, headers=h, json={"name": "n", "key": key, "value": "a"}))[
        "id"
    ]
    by_key = {"key": key, "size": 10}
    assert _ok(app.client.get(CONFIGS, headers=h, params=by_key))["items"][0]["value"] == "a"
    execute(app, text("UPDATE t_config_settings SET value = 'b' WHERE id = :i"), {"i": sid})
    time.sleep(1.1)
    assert _ok(app.client.get(CONFIGS, headers=h, params=by_key))["items"][0]["value"] == "b"


def test_list_cache_seconds_zero_turns_keeping_off(
    make_app: Callable[..., App], redis_prefix: str
) -> None:
    app = make_app(prefix=f"{redis_prefix}{unique('off')}:", list_cache_seconds=0)
    h = app.login("admin", "admin123")
    app.client.get(USERS, headers=h, params={"size": 5})
    with counting(app) as statements:
        assert app.client.get(USERS, headers=h, params={"size": 5}).status_code == 200
    assert statements  # read from the database again
