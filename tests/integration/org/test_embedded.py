"""The department tree on the embedded profile (SQLite): a move rewrites the subtree's paths
with SQLite's own string operators, and the user filter follows."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from bootstrap import Settings, build_container
from entrypoints.http.app import create_app
from tests.integration.test_embedded import _cli

DEPT = "/api/v1/system/dept"


def test_a_move_on_sqlite_carries_the_subtree(tmp_path: Path) -> None:
    assert _cli(tmp_path, "init").returncode == 0
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/app.db",
        frontend_dist=str(tmp_path / "none"),
    )
    with TestClient(create_app(build_container(settings))) as client:
        r = client.post("/api/v1/user/login", data={"username": "admin", "password": "admin123"})
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}

        def made(name: str, parent: int) -> int:
            r = client.post(DEPT, headers=h, json={"name": name, "parent_id": parent})
            assert r.status_code == 201, r.text
            return int(r.json()["id"])

        a = made("A", 0)
        b = made("B", a)
        c = made("C", b)
        d = made("D", 0)
        user = client.post(
            "/api/v1/permission/user",
            headers=h,
            json={"username": "member", "password": "a fine password", "dept_id": c},
        ).json()["id"]
        assert client.put(f"{DEPT}/{b}", headers=h, json={"parent_id": d}).status_code == 204
        tree = {n["name"]: n for n in client.get(DEPT, headers=h).json()}
        assert [x["name"] for x in tree["D"]["children"]] == ["B"]
        assert tree["A"]["children"] == []

        def listed(dept: int) -> list[int]:
            page = client.get("/api/v1/permission/user", headers=h, params={"dept_id": dept})
            return [u["id"] for u in page.json()["items"]]

        assert (listed(a), listed(d)) == ([], [user])
        moved = client.put(f"{DEPT}/{a}", headers=h, json={"parent_id": c})
        assert moved.status_code == 204, moved.text  # A is no ancestor of C any more
        assert listed(d) == [user]
