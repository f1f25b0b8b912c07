"""Fail closed: with Redis configured but down, authenticated requests get 503, then recover."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator

import pytest

from tests.integration.conftest import App
from tests.integration.processes import OwnRedis


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        from tests.integration.services import missing

        missing("the redis-server binary")
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


def test_redis_down_fails_closed_and_recovers(
    own_redis: OwnRedis, make_app: Callable[..., App]
) -> None:
    app = make_app(redis_url=own_redis.url, prefix="")
    headers = app.login("admin", "admin123")
    assert app.client.get("/api/v1/user/info", headers=headers).status_code == 200

    own_redis.stop()
    started = time.monotonic()
    r = app.client.get("/api/v1/user/info", headers=headers)
    assert r.status_code == 503 and r.json()["code"] == "cache_unavailable"
    assert time.monotonic() - started < 10, "an outage must be a quick answer, not a hang"
    assert app.client.get("/api/v1/permission/user", headers=headers).status_code == 503
    health = app.client.get("/api/v1/health")
    assert health.status_code == 503 and health.json()["cache"] == "down"
    login = app.client.post(
        "/api/v1/user/login", data={"username": "admin", "password": "admin123"}
    )
    assert login.status_code == 503

    # Redis is back, empty (it keeps nothing on disk): old tokens are gone, new ones work.
    own_redis.start()
    assert app.client.get("/api/v1/health").status_code == 200
    assert app.client.get("/api/v1/user/info", headers=headers).status_code == 401
    fresh = app.login("admin", "admin123")
    assert app.client.get("/api/v1/user/info", headers=fresh).status_code == 200


def test_unhandled_error_is_a_generic_500(make_app: Callable[..., App]) -> None:
    api = make_app()  # its own app: the extra route must not reach the shared one
    from loguru import logger

    def boom() -> None:
        raise RuntimeError("SELECT secret FROM somewhere")

    logged: list[str] = []
    sink = logger.add(logged.append, level="ERROR", backtrace=False, diagnose=False)

    api.app.add_api_route("/api/v1/test-boom", boom, methods=["GET"])
    r = api.client.get("/api/v1/test-boom", headers={"Accept-Language": "en"})
    assert r.status_code == 500
    assert r.json() == {"detail": "internal server error", "code": "internal_error"}
    zh = api.client.get("/api/v1/test-boom")  # no header: the product's default, zh-CN
    assert zh.json() == {"detail": "服务器内部错误", "code": "internal_error"}
    assert "SELECT" not in r.text and "Traceback" not in r.text
    logger.remove(sink)
    assert any(
        "RuntimeError" in line and "/api/v1/test-boom" in line for line in logged
    )  # the traceback went to the log
