"""Security hardening: headers on every answer, offline docs, quiet SQL errors, bounded caches."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from loguru import logger
from sqlalchemy import text

from tests.integration.conftest import App, execute, settings_for, unique

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def assert_secured(r: Any) -> None:
    for name, value in EXPECTED.items():
        assert r.headers.get(name) == value, (r.request.url, name, dict(r.headers))
    csp = r.headers.get("content-security-policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "strict-transport-security" not in r.headers  # plain http


@pytest.fixture
def logged() -> Iterator[list[str]]:
    lines: list[str] = []
    # As configure_logging sets it up: tracebacks without the values of variables.
    sink = logger.add(
        lambda m: lines.append(str(m)),
        level="DEBUG",
        format="{message}",
        backtrace=False,
        diagnose=False,
    )
    yield lines
    logger.remove(sink)


@pytest.fixture
def dashboard_app(db_url: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[App]:
    """An app serving a small built dashboard of its own, and a route that fails in SQL."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/a.js">')
    (dist / "assets" / "a.js").write_text("export {}")
    settings = settings_for(db_url, redis_url, redis_prefix).model_copy(
        update={"frontend_dist": str(dist)}
    )
    app = App(settings)
    engine = app.container.engine()

    async def failing_statement() -> None:
        # The app's own code path for a DBAPI error that escapes a handler.
        async with engine.connect() as conn:
            await conn.execute(
                text("SELECT * FROM t_no_such_table WHERE secret = :secret"),
                {"secret": "sk-live-" + "7" * 24},
            )

    async def duplicate_key() -> None:
        # MariaDB and PostgreSQL quote the duplicate value itself in their messages.
        async with engine.connect() as conn:
            await conn.execute(
                text("CREATE TEMPORARY TABLE t_tmp_secret (v VARCHAR(64) PRIMARY KEY)")
            )
            for _ in range(2):
                await conn.execute(
                    text("INSERT INTO t_tmp_secret (v) VALUES (:v)"),
                    {"v": "hunter2-" + "9" * 24},
                )

    # Before the dashboard's catch-all route, as the app's own routes are.
    for path, endpoint in (("/test/sql-error", failing_statement), ("/test/dup", duplicate_key)):
        app.app.add_api_route(path, endpoint, methods=["GET"])
        app.app.router.routes.insert(0, app.app.router.routes.pop())
    with app:
        yield app


def test_security_headers_on_every_answer(dashboard_app: App, admin: dict[str, str]) -> None:
    c = dashboard_app.client
    answers = {
        "api": c.get(f"{API}/user/info", headers=admin),
        "unauthenticated": c.get(f"{API}/user/info"),
        "api 404": c.get(f"{API}/no/such/route"),
        "validation": c.get(f"{API}/permission/user", headers=admin, params={"page": "x"}),
        "health": c.get(f"{API}/health"),
        "docs": c.get("/docs"),
        "redoc": c.get("/redoc"),
        "openapi": c.get(f"{API}/openapi.json"),
        "dashboard": c.get("/"),
        "deep link": c.get("/permission/user", headers={"Accept": "text/html"}),
        "asset": c.get("/assets/a.js"),
        "missing docs asset": c.get("/docs-assets/nope/x.js"),
        "500": c.get("/test/sql-error"),
    }
    statuses = {k: r.status_code for k, r in answers.items()}
    assert statuses == {
        "api": 200,
        "unauthenticated": 401,
        "api 404": 404,
        "validation": 422,
        "health": 200,
        "docs": 200,
        "redoc": 200,
        "openapi": 200,
        "dashboard": 200,
        "deep link": 200,
        "asset": 200,
        "missing docs asset": 404,
        "500": 500,
    }
    for r in answers.values():
        assert_secured(r)


def test_hsts_only_over_https_as_the_request_or_a_trusted_proxy_says(api: App) -> None:
    direct_https = api.peer(base_url="https://testserver")
    assert "max-age=" in direct_https.get(f"{API}/health").headers["strict-transport-security"]
    proxy = api.peer(("127.0.0.1", 40000))  # a trusted proxy (the default)
    proxied = proxy.get(f"{API}/health", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" in proxied.headers
    assert "strict-transport-security" not in proxy.get(f"{API}/health").headers
    stranger = api.peer(("203.0.113.5", 40000))
    spoofed = stranger.get(f"{API}/health", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in spoofed.headers


def test_nginx_sends_the_apps_policy_for_its_own_files() -> None:
    from entrypoints.http.headers import CONTENT_SECURITY_POLICY

    conf = (ROOT / "config" / "nginx.conf").read_text("utf-8")
    policies = set(re.findall(r'"(default-src [^"]+)"', conf))
    assert policies == {CONTENT_SECURITY_POLICY}


def test_docs_are_served_from_the_app_itself(dashboard_app: App) -> None:
    c = dashboard_app.client
    for page in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        html = c.get(page).text
        assert "<script>" not in html, page  # every script is a file the CSP allows
        urls = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert urls, page
        for url in urls:
            assert url.startswith("/docs-assets/"), (page, url)  # same origin, no CDN
            r = c.get(url)
            assert r.status_code == 200, url
            suffix = url.rsplit(".", 1)[-1]
            want = {"js": "text/javascript", "css": "text/css", "png": "image/png"}[suffix]
            assert r.headers["content-type"].startswith(want), url
            assert "immutable" in r.headers["cache-control"]
    assert "fonts.googleapis" not in c.get("/redoc").text
    redoc = re.search(r'src="([^"]+redoc\.standalone\.js)"', c.get("/redoc").text)
    assert redoc is not None and b"cdn.redoc.ly" not in c.get(redoc.group(1)).content
    assert (
        '"validatorUrl": null'
        in c.get(re.findall(r'src="([^"]+init[^"]*)"', c.get("/docs").text)[0]).text
    )
    # Where tools look first: the document, never the dashboard's HTML.
    moved = c.get("/openapi.json", follow_redirects=False)
    assert moved.status_code in (301, 307, 308) and moved.headers["location"] == (
        f"{API}/openapi.json"
    )
    document = c.get("/openapi.json")
    assert document.headers["content-type"] == "application/json"
    assert document.json()["openapi"].startswith("3.")


def test_a_failing_statement_logs_no_parameter(dashboard_app: App, logged: list[str]) -> None:
    r = dashboard_app.client.get("/test/sql-error")
    assert r.status_code == 500 and r.json()["code"] == "internal_error"
    dup = dashboard_app.client.get("/test/dup")
    assert dup.status_code == 500
    text_of_logs = "\n".join(logged)
    assert "t_no_such_table" in text_of_logs and "t_tmp_secret" in text_of_logs
    # The drivers' error codes stay: no such table, duplicate key.
    if dashboard_app.container.engine().dialect.name == "postgresql":
        assert "42P01" in text_of_logs and "23505" in text_of_logs
    else:
        assert "1146" in text_of_logs and "1062" in text_of_logs
    assert "sk-live-" not in text_of_logs
    assert "hunter2-" not in text_of_logs
    # The engine itself hides them in the error's text as well.
    with pytest.raises(Exception) as caught:
        execute(
            dashboard_app, text("SELECT * FROM t_no_such_table WHERE x = :x"), {"x": "sk-live-1"}
        )
    assert "sk-live-1" not in str(caught.value)


def _cache_keys(api: App, pattern: str) -> list[bytes]:
    settings = api.container.settings()
    assert settings.redis_url is not None
    client = redis.Redis.from_url(settings.redis_url)
    try:
        return list(client.scan_iter(match=f"{settings.redis_prefix}cache:{pattern}", count=1000))
    finally:
        client.close()


def test_unknown_dictionary_codes_leave_no_cache_entry(
    api: App, admin: dict[str, str], make_app: Callable[..., App]
) -> None:
    known = api.client.get(f"{API}/system/dict/sys_yes_no", headers=admin)
    assert known.status_code == 200 and known.json()
    before = len(_cache_keys(api, "dict:*"))
    cache = api.container.cache()
    local_before = len(cache._local)
    codes = [f"nope_{secrets.token_hex(6)}" for _ in range(1000)]
    for code in codes:
        r = api.client.get(f"{API}/system/dict/{code}", headers=admin)
        assert r.status_code == 200 and r.json() == []
    assert len(_cache_keys(api, "dict:*")) == before
    assert len(cache._local) <= local_before + 1
    assert all(f"dict:{c}" not in cache._local for c in codes)
    # A type created afterwards is served at once, on another instance too.
    other = make_app()
    other_admin = other.login("admin", "admin123")
    code = unique("late_")
    assert other.client.get(f"{API}/system/dict/{code}", headers=other_admin).json() == []
    created = api.client.post(
        f"{API}/system/dict-type", headers=admin, json={"code": code, "name": "late"}
    )
    assert created.status_code == 201, created.text
    item = api.client.post(
        f"{API}/system/dict-item",
        headers=admin,
        json={"type_code": code, "label": "one", "value": "1"},
    )
    assert item.status_code == 201, item.text
    assert [
        x["value"]
        for x in other.client.get(f"{API}/system/dict/{code}", headers=other_admin).json()
    ] == ["1"]


def _labels(api: App, admin: dict[str, str], wanted: set[str]) -> list[int]:
    items = api.client.get(
        f"{API}/permission/perm-label", headers=admin, params={"size": 100}
    ).json()["items"]
    return [i["id"] for i in items if i["label"] in wanted]


def test_a_job_logs_traceback_is_shown_only_to_the_jobs_writers(
    make_app: Callable[..., App],
) -> None:
    app = make_app(scheduler_enabled=True)
    admin = app.login("admin", "admin123")
    job = app.client.post(
        f"{API}/system/job",
        headers=admin,
        json={
            "name": unique("tb-"),
            "script": "demo",
            "kwargs": {"seconds": 0, "fail": True, "message": "disk full"},
            "cron": "0 0 3 * * *",
            "status": "paused",
        },
    )
    assert job.status_code == 201, job.text
    log_id = app.client.post(f"{API}/system/job/{job.json()['id']}/run", headers=admin).json()[
        "log_id"
    ]
    deadline = time.monotonic() + 15
    while (
        app.client.get(f"{API}/system/job-log/{log_id}", headers=admin).json()["status"]
        == "running"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)

    # A reader: the job labels' read only.
    role = app.client.post(
        f"{API}/permission/role", headers=admin, json={"code": unique("jr"), "name": "Job readers"}
    ).json()["id"]
    assert (
        app.client.put(
            f"{API}/permission/role/{role}/perm-labels",
            headers=admin,
            json={"label_ids": _labels(app, admin, {"perm:job:get"})},
        ).status_code
        == 204
    )
    name = unique("reader")
    assert (
        app.client.post(
            f"{API}/permission/user",
            headers=admin,
            json={"username": name, "password": "a fine passphrase", "role_ids": [role]},
        ).status_code
        == 201
    )
    reader = app.login(name, "a fine passphrase")
    opt = app.login("opt", "opt123")  # holds perm:job:put

    def entries(headers: dict[str, str]) -> list[str]:
        one = app.client.get(f"{API}/system/job-log/{log_id}", headers=headers)
        listed = app.client.get(
            f"{API}/system/job-log", headers=headers, params={"job_id": job.json()["id"]}
        )
        assert one.status_code == 200 and listed.status_code == 200
        return [one.json()["error"], *(x["error"] for x in listed.json()["items"])]

    for writer in (admin, opt):
        for error in entries(writer):
            assert error.startswith("Traceback (most recent call last)")
            assert "RuntimeError: demo failure as asked: disk full" in error
    for error in entries(reader):
        assert error == "RuntimeError: demo failure as asked: disk full"
    # The user role may not read job logs at all.
    user = app.login("user", "123456")
    assert app.client.get(f"{API}/system/job-log/{log_id}", headers=user).status_code == 403
