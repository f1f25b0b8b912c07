"""Two app instances on one MariaDB and one Redis: a write through A is served by B within a second."""

from __future__ import annotations

import time
from collections.abc import Callable

from core.config.commands import CreateConfig, UpdateConfig
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
    took = _until(lambda: b.client.get(f"{CFG}/key/{key}", headers=hb).json()["value"] == "v2", 1.0)
    print(f"config change seen by the other instance after {took * 1000:.1f} ms")

    a.client.delete(f"{CFG}/{sid}", headers=ha)
    _until(lambda: b.client.get(f"{CFG}/key/{key}", headers=hb).status_code == 404, 1.0)


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
    _until(
        lambda: (
            [i["label"] for i in b.client.get(f"/api/v1/system/dict/{code}", headers=hb).json()]
            == ["B"]
        ),
        1.0,
    )


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
    _until(lambda: b.client.get("/api/v1/permission/user", headers=hb).status_code == 403, 1.0)


def test_cache_outage_reads_the_database_and_never_a_stale_value(
    make_app: Callable[..., App],
) -> None:
    server = OwnRedis()
    server.start()
    try:
        a, b = make_app(redis_url=server.url, prefix=""), make_app(redis_url=server.url, prefix="")
        key = unique("outage.k")
        sid = a.container.configs().create(1, CreateConfig(name="x", key=key, value="before"))
        assert b.container.configs().value(key) == "before"  # now in B's in-process cache too
        server.stop()
        a.container.configs().update(
            1, sid, UpdateConfig(value="during")
        )  # the invalidation cannot reach Redis
        assert a.container.configs().value(key) == "during"
        # B hears nothing, but its listener lost Redis: it stops trusting its local copy.
        _until(lambda: b.container.configs().value(key) == "during", 1.0)
        # While Redis is down nothing can tell B of a change, so B must not keep what it reads.
        a.container.configs().update(1, sid, UpdateConfig(value="during, again"))
        assert b.container.configs().value(key) == "during, again"
        a.container.configs().update(1, sid, UpdateConfig(value="during"))
        server.start()  # back, empty
        for _ in range(20):
            assert b.container.configs().value(key) == "during"
            assert a.container.configs().value(key) == "during"
            time.sleep(0.05)
    finally:
        server.stop()
