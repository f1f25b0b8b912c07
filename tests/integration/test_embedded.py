"""The embedded profile: SQLite file, in-process cache and tokens, the CLI, production rules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bootstrap import Settings, build_container
from entrypoints.http.app import create_app
from tests.integration.conftest import seed
from tests.schema import migrate

ROOT = Path(__file__).resolve().parents[2]


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
    environ.update({"APP_DATABASE_URL": f"sqlite:///{tmp_path}/app.db", **env})
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        cwd=tmp_path,
        env={**environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_init_is_idempotent_and_the_app_serves(tmp_path: Path) -> None:
    first = _cli(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "3 users" in first.stdout
    second = _cli(tmp_path, "seed")
    assert second.returncode == 0 and "nothing (already seeded)" in second.stdout

    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/app.db",
        frontend_dist=str(tmp_path / "none"),
    )
    container = build_container(settings)
    with TestClient(create_app(container)) as client:
        assert client.get("/api/v1/health").json() == {
            "status": "ok",
            "database": "ok",
            "cache": "ok",
        }
        for username, password, roles in (
            ("admin", "admin123", ["admin"]),
            ("opt", "opt123", ["opt"]),
            ("user", "123456", ["user"]),
        ):
            r = client.post("/api/v1/user/login", data={"username": username, "password": password})
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            assert client.get("/api/v1/user/info", headers=headers).json()["roles"] == roles
        created = client.post(
            "/api/v1/permission/user",
            headers=headers_of(client, "admin", "admin123"),
            json={"username": "embedded", "password": "a fine passphrase"},
        )
        assert created.status_code == 201
        client.post("/api/v1/user/logout", headers=headers)
        assert client.get("/api/v1/user/info", headers=headers).status_code == 401


def headers_of(client: TestClient, username: str, password: str) -> dict[str, str]:
    r = client.post("/api/v1/user/login", data={"username": username, "password": password})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="APP_SECRET_KEY"):
        Settings(_env_file=None, env="production")
    with pytest.raises(ValueError, match="APP_SECRET_KEY"):
        Settings(_env_file=None, env="production", secret_key="")
    r = _cli(tmp_path, "init", APP_ENV="production")
    assert r.returncode == 2 and "APP_SECRET_KEY" in r.stderr


def test_production_seed_creates_only_admin_with_a_printed_password(tmp_path: Path) -> None:
    secret = "x" * 40
    r = _cli(tmp_path, "init", APP_ENV="production", APP_SECRET_KEY=secret)
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if "created with the password" in x)
    password = line.rsplit(": ", 1)[1]
    assert password not in r.stderr  # printed for the operator, never logged
    settings = Settings(
        _env_file=None,
        env="production",
        secret_key=secret,
        database_url=f"sqlite:///{tmp_path}/app.db",
    )
    container = build_container(settings)
    with TestClient(create_app(container)) as client:
        assert (
            client.post(
                "/api/v1/user/login", data={"username": "admin", "password": "admin123"}
            ).status_code
            == 401
        )
        assert (
            client.post(
                "/api/v1/user/login", data={"username": "opt", "password": "opt123"}
            ).status_code
            == 401
        )
        assert (
            client.post(
                "/api/v1/user/login", data={"username": "admin", "password": password}
            ).status_code
            == 200
        )
    again = _cli(tmp_path, "seed", APP_ENV="production", APP_SECRET_KEY=secret)
    assert "created with the password" not in again.stdout


def test_client_ip_trusts_forwarded_for_only_from_trusted_proxies(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/app.db"
    settings = Settings(
        _env_file=None,
        database_url=url,
        trusted_proxies=["127.0.0.1", "10.0.0.0/8"],
        captcha_after_failures=1000,  # three failures on the admin below: no captcha here
    )
    migrate(settings)
    seed(settings)
    container = build_container(settings)
    app = create_app(container)
    peers = {
        # A trusted proxy's chain: the first hop from the right that is not a proxy.
        ("127.0.0.1", "203.0.113.9, 10.1.2.3"): "203.0.113.9",
        # A client that is no proxy cannot name another address.
        ("198.51.100.7", "203.0.113.10, 10.1.2.3"): "198.51.100.7",
        # An address the client put in front of the chain is not believed.
        ("127.0.0.1", "1.1.1.1, 203.0.113.11"): "203.0.113.11",
    }
    with TestClient(app) as admin:
        for peer, chain in peers:
            stranger = TestClient(app, client=(peer, 40000))
            # On the app's own loop, where its pooled connections live.
            stranger.portal = admin.portal
            r = stranger.post(
                "/api/v1/user/login",
                data={"username": "admin", "password": "not the password"},
                headers={"X-Forwarded-For": chain},
            )
            assert r.status_code == 401, r.text
        token = admin.post(
            "/api/v1/user/login", data={"username": "admin", "password": "admin123"}
        ).json()["access_token"]
        logs = admin.get(
            "/api/v1/system/log/login",
            params={"username": "admin", "size": 10},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["items"]
    failed = [log["ip"] for log in logs if log["ip"] != "testclient"]  # the admin's own login
    assert sorted(failed) == sorted(peers.values())


def test_without_a_secret_key_a_random_one_is_kept_and_the_published_key_signs_nothing(
    tmp_path: Path,
) -> None:
    import stat

    import jwt
    from loguru import logger

    from bootstrap import DEV_SECRET, signing_key

    url = f"sqlite:///{tmp_path}/app.db"
    settings = Settings(_env_file=None, database_url=url, frontend_dist=str(tmp_path / "none"))
    migrate(settings)
    logged: list[str] = []
    sink = logger.add(logged.append, level="DEBUG")
    try:
        seed(settings)
        container = build_container(settings)
        with TestClient(create_app(container)) as client:
            token = client.post(
                "/api/v1/user/login", data={"username": "admin", "password": "admin123"}
            ).json()["access_token"]
            ok = client.get("/api/v1/user/info", headers={"Authorization": f"Bearer {token}"})
            assert ok.status_code == 200
            # The same claims re-signed with the key that used to be the published default.
            claims = jwt.decode(token, options={"verify_signature": False})
            forged = jwt.encode(claims, DEV_SECRET, algorithm="HS256")
            r = client.get("/api/v1/user/info", headers={"Authorization": f"Bearer {forged}"})
            assert r.status_code == 401
    finally:
        logger.remove(sink)

    kept = tmp_path / "secret_key"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    key = kept.read_text("ascii").strip()
    assert len(key) >= 32 and key != DEV_SECRET
    assert key not in "".join(logged) and str(kept) in "".join(logged)
    # A later start reuses it, so tokens survive a restart; nothing else is written.
    again = build_container(settings)
    assert signing_key(settings) == key
    assert again.token_codec().decode(token).username == "admin"
    assert sorted(p.name for p in tmp_path.iterdir() if "secret" in p.name) == ["secret_key"]
    # The published key is refused wherever it is configured.
    with pytest.raises(ValueError, match="published development key"):
        Settings(_env_file=None, database_url=url, secret_key=DEV_SECRET)
    r = _cli(tmp_path, "init", APP_SECRET_KEY=DEV_SECRET)
    assert r.returncode == 2 and "published development key" in r.stderr
