"""Where the real database server (MariaDB/MySQL or PostgreSQL) and Redis of the tests come from.

In order: TEST_DATABASE_URL (`mysql+pymysql://...` or `postgresql://...`) / TEST_REDIS_URL;
the MariaDB and Redis of this project's machines on 127.0.0.1; testcontainers when a Docker
engine answers. Otherwise the tests skip with the reason, except under CI=true, where a
missing service fails. `make test-integration` runs the suite once on MariaDB and once more,
with TEST_DATABASE_URL set to PostgreSQL, for the tests that use the database server.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

LOCAL_DB = "mysql+pymysql://root@127.0.0.1:3306"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


def missing(what: str) -> None:
    reason = f"{what} is not available: set TEST_DATABASE_URL/TEST_REDIS_URL, run it on 127.0.0.1, or start Docker"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@contextmanager
def database_server() -> Iterator[str | None]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
    elif port_open("127.0.0.1", 3306):
        yield LOCAL_DB
    elif _docker_answers():
        from testcontainers.mysql import MySqlContainer

        with MySqlContainer("mariadb:10.11", username="root", password="test") as c:
            yield f"mysql+pymysql://root:test@{c.get_container_host_ip()}:{c.get_exposed_port(3306)}"
    else:
        yield None


@contextmanager
def redis_server() -> Iterator[str | None]:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
    elif port_open("127.0.0.1", 6379):
        yield LOCAL_REDIS
    elif _docker_answers():
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7.4-alpine") as c:
            yield f"redis://{c.get_container_host_ip()}:{c.get_exposed_port(6379)}/0"
    else:
        yield None


def server_part(url: str) -> str:
    """The URL with its driver and without a database name (TEST_DATABASE_URL may name one;
    we never use it). `postgresql://...` becomes `postgresql+psycopg://...`, so tests may
    hand the URLs of their databases to SQLAlchemy's own `create_engine` too."""
    from adapters.sqlalchemy.urls import driver_url

    return driver_url(url).set(database=None).render_as_string(hide_password=False)


Factory = Callable[..., Any]
