"""Fixtures of the integration suite: a database of our own on the real server, Redis, apps."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Executable, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bootstrap import Container, Settings, build_container
from entrypoints.http.app import create_app
from tests.integration.services import database_server, missing, redis_server, server_part
from tests.schema import migrate

SECRET = "integration-test-secret-" + "0" * 16
T = TypeVar("T")


SERVER_DATABASE = "server_database"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{SERVER_DATABASE}: uses the database server of TEST_DATABASE_URL (set by the suite "
        "itself); `-m {SERVER_DATABASE}` runs only these, as the PostgreSQL pass does",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test is about the database server when it reaches `db_server`, directly or through
    # any fixture (`api`, `make_app`, `db_url`...). The others (SQLite, nginx, their own
    # MariaDB process) need not run again on a second server.
    for item in items:
        if "db_server" in getattr(item, "fixturenames", ()):
            item.add_marker(SERVER_DATABASE)


@pytest.fixture(scope="session")
def db_server() -> Iterator[str]:
    with database_server() as url:
        if url is None:
            missing("MariaDB/MySQL or PostgreSQL")
        yield server_part(url)  # type: ignore[arg-type]


def _quoted(admin: Engine, name: str) -> str:
    return admin.dialect.identifier_preparer.quote_identifier(name)


def _create(admin: Engine, name: str) -> None:
    # AUTOCOMMIT: PostgreSQL runs CREATE/DROP DATABASE only outside a transaction.
    with admin.connect() as conn:
        if admin.dialect.name == "postgresql":
            conn.execute(text(f"CREATE DATABASE {_quoted(admin, name)} ENCODING 'UTF8'"))
        else:
            conn.execute(
                text(
                    f"CREATE DATABASE {_quoted(admin, name)} "
                    "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
            )


def _drop(admin: Engine, name: str) -> None:
    with admin.connect() as conn:
        if admin.dialect.name == "postgresql":
            # A connection left open (a pool a test did not dispose) would make DROP fail.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        conn.execute(text(f"DROP DATABASE IF EXISTS {_quoted(admin, name)}"))


@pytest.fixture(scope="session")
def make_database(db_server: str) -> Iterator[Callable[[], str]]:
    """Creates `app_test_<random>` databases and drops exactly those at the end."""
    created: list[str] = []
    server = make_url(db_server)
    # PostgreSQL is always connected to a database: its maintenance database `postgres`.
    admin = create_engine(
        server.set(database="postgres") if server.get_backend_name() == "postgresql" else server,
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect():
            pass
    except OperationalError:
        admin.dispose()
        missing(f"the database server of TEST_DATABASE_URL ({server.get_backend_name()})")

    def make() -> str:
        name = f"app_test_{secrets.token_hex(6)}"
        _create(admin, name)
        created.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    yield make
    for name in created:
        _drop(admin, name)
    admin.dispose()


def backend(url: str) -> str:
    """`mysql`, `mariadb`, `postgresql` or `sqlite`: what a test database runs on."""
    return make_url(url).get_backend_name()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        if url is None:
            missing("Redis")
        yield url  # type: ignore[misc]


@pytest.fixture(scope="session")
def redis_prefix(redis_url: str) -> Iterator[str]:
    """Keys of this run live under a random prefix and are removed at the end."""
    import redis

    prefix = f"test:{secrets.token_hex(4)}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def settings_for(
    database_url: str, redis_url: str | None, prefix: str = "", **extra: Any
) -> Settings:
    # No scheduler (and its SQL) in apps that do not test jobs; test_jobs turns it on.
    extra.setdefault("scheduler_enabled", False)
    # The suite's apps share one client address and fail logins on purpose: the captcha
    # after 3 failures (tests/integration/test_mfa.py) would stand before every lock test.
    extra.setdefault("captcha_after_failures", 1000)
    return Settings(
        _env_file=None,
        env="test",
        database_url=database_url,
        redis_url=redis_url,
        redis_prefix=prefix,
        secret_key=SECRET,
        frontend_dist="/nonexistent",
        **extra,
    )


def seed(settings: Settings) -> None:
    """Seeds the database of `settings` on a loop of its own, with a container of its own."""

    async def run() -> None:
        # The engine's and Redis's connections belong to this loop: closed on it, before it ends.
        container = build_container(settings)
        try:
            await container.seed().run()
        finally:
            await container.dispose_engines()
            if settings.redis_url:
                await container.redis().aclose()

    asyncio.run(run())


@pytest.fixture(scope="session")
def make_seeded_database(make_database: Callable[[], str]) -> Callable[[], str]:
    """A new database of our own, migrated to head and seeded: for tests that change a lot."""

    def make() -> str:
        url = make_database()
        settings = settings_for(url, None)
        migrate(settings)
        seed(settings)
        return url

    return make


@pytest.fixture(scope="session")
def db_url(make_seeded_database: Callable[[], str]) -> str:
    """The suite's shared database: migrated to head and seeded once."""
    return make_seeded_database()


class App:
    """An app instance with its own container, as a separate server process would have.

    Entered, its client runs the app on an event loop of its own (in a portal thread) from
    startup to shutdown; the engine's pooled connections and the Redis client belong to that
    loop, so a test reaches the services and the unit of work through `run`, on it too. The
    app's shutdown disposes the engine.
    """

    def __init__(self, settings: Settings) -> None:
        self.container: Container = build_container(settings)
        self.app = create_app(self.container)
        self.client = TestClient(self.app, raise_server_exceptions=False)

    def __enter__(self) -> App:
        self.client.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)

    def peer(
        self, client: tuple[str, int] = ("testclient", 50000), base_url: str = "http://testserver"
    ) -> TestClient:
        """Another client of this app: from another address, or over another scheme.

        It sends its requests to the app's own loop, where the app's pooled connections
        live, and never runs the app's startup again.
        """
        other = TestClient(self.app, base_url=base_url, client=client)
        other.portal = self.client.portal
        return other

    def run(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """`await fn(*args)` on the app's own loop, from the test's thread."""
        portal = self.client.portal
        assert portal is not None, "enter the app first"
        return portal.call(fn, *args)

    def login(self, username: str, password: str) -> dict[str, str]:
        r = self.client.post(
            "/api/v1/user/login", data={"username": username, "password": password}
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _start_app(db_url: str, redis_url: str, prefix: str, extra: dict[str, Any]) -> App:
    extra.setdefault("database_url", db_url)
    extra.setdefault("redis_url", redis_url)
    extra.setdefault("prefix", prefix)
    settings = settings_for(
        extra.pop("database_url"), extra.pop("redis_url"), extra.pop("prefix"), **extra
    )
    return App(settings).__enter__()


@pytest.fixture(scope="session")
def make_app(db_url: str, redis_url: str, redis_prefix: str) -> Iterator[Callable[..., App]]:
    apps: list[App] = []

    def make(**extra: Any) -> App:
        app = _start_app(db_url, redis_url, redis_prefix, extra)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.__exit__(None, None, None)


@pytest.fixture
def make_app_for_test(
    db_url: str, redis_url: str, redis_prefix: str
) -> Iterator[Callable[..., App]]:
    """`make_app` whose apps shut down (and close their pooled connections) when the test
    ends: for tests that start several instances, so the suite's connections stay bounded."""
    apps: list[App] = []

    def make(**extra: Any) -> App:
        app = _start_app(db_url, redis_url, redis_prefix, extra)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.__exit__(None, None, None)


@pytest.fixture(scope="session")
def api(make_app: Callable[..., App]) -> App:
    """One app on the database server + Redis, shared by the tests that only need one."""
    return make_app()


@pytest.fixture(scope="session")
def admin(api: App) -> dict[str, str]:
    return api.login("admin", "admin123")


def execute(app: App, statement: Executable, params: dict[str, Any] | None = None) -> list[Any]:
    """`statement` in a transaction of its own on the app's engine, behind the product's back.

    Its rows, if it returns any.
    """

    async def run() -> list[Any]:
        async with app.container.engine().begin() as conn:
            result = await conn.execute(statement, params or {})
            return list(result.all()) if result.returns_rows else []

    return app.run(run)


def unique(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


@contextmanager
def counting(app: App) -> Iterator[list[str]]:
    """The SQL statements `app` sends while the block runs."""
    statements: list[str] = []
    # The engine of writes and the engine of plain reads (the same one on SQLite).
    engines = {app.container.engine().sync_engine, app.container.read_engine().sync_engine}

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    # Events live on the sync engine the async one drives.
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
