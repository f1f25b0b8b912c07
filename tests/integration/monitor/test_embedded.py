"""The monitors on the embedded profile: just this instance, and the memory cache's figures."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from bootstrap import Settings, build_container
from entrypoints.http.app import create_app
from tests.integration.test_embedded import _cli


def test_embedded_lists_itself_and_the_memory_cache(tmp_path: Path) -> None:
    assert _cli(tmp_path, "init").returncode == 0
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/app.db",
        frontend_dist=str(tmp_path / "none"),
    )
    container = build_container(settings)
    with TestClient(create_app(container)) as client:
        r = client.post("/api/v1/user/login", data={"username": "admin", "password": "admin123"})
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        client.get("/api/v1/system/dict/sys_user_status", headers=h)  # something in the cache

        servers = client.get("/api/v1/monitor/server", headers=h).json()["items"]
        assert [(s["instance"], s["current"]) for s in servers] == [
            (container.job_instance(), True)
        ]
        assert [p["name"] for p in servers[0]["pools"]] == ["write"]

        body = client.get("/api/v1/monitor/cache", headers=h).json()
        assert body["info"]["backend"] == "memory"
        assert body["info"]["entries"] >= 1 and body["info"]["max_entries"] > 0
        assert body["info"]["used_memory"] is None and body["info"]["commands"] == []
        assert [n["name"] for n in body["namespaces"]] == ["cache"]

        keys = client.get("/api/v1/monitor/cache/cache/keys", headers=h).json()
        assert keys["total"] == body["info"]["entries"]
        one = client.get(f"/api/v1/monitor/cache/cache/keys/{keys['items'][0]['key']}", headers=h)
        assert one.status_code == 200 and one.json()["masked"] is False

        r = client.get("/api/v1/monitor/cache/sessions/keys", headers=h)
        assert (r.status_code, r.json()["code"]) == (404, "cache_namespace_not_found")
        before = {k["key"] for k in keys["items"]}
        assert any("sys_user_status" in k for k in before)
        assert client.delete("/api/v1/monitor/cache/cache", headers=h).json()["deleted"] >= 1
        # What this very request reloaded (the caller's access) may be back; the rest is gone.
        after = client.get("/api/v1/monitor/cache/cache/keys", headers=h).json()["items"]
        assert not any("sys_user_status" in k["key"] for k in after)
