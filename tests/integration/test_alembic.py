"""Migrations on each database: upgrade, downgrade, upgrade on an empty database, then the
models match the revisions. The server database is MariaDB/MySQL or PostgreSQL, whichever
TEST_DATABASE_URL names (`make test-integration` runs both); SQLite runs in a temporary file."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.modules import load
from bootstrap import MODULES, Settings
from tests.integration.conftest import _drop
from tests.schema import downgrade, migrate

# Every module of the list brings its tables to the one metadata.
metadata = load(MODULES).metadata


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, env="test")


def _as_users_write_it(url: str) -> str:
    """`postgresql://...`, `mysql://...`: the driverless form, which the app maps itself."""
    parsed = make_url(url)
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=False)


def _stairway_and_no_drift(url: str) -> None:
    settings = _settings(_as_users_write_it(url))
    migrate(settings)
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
        downgrade(settings, "base")
        engine.dispose()
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate(settings)
        engine.dispose()
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, metadata)
        assert diff == [], diff
    finally:
        engine.dispose()


def test_stairway_and_no_drift_on_the_server(make_database: Callable[[], str]) -> None:
    _stairway_and_no_drift(make_database())


def test_stairway_and_no_drift_on_sqlite(tmp_path: Path) -> None:
    _stairway_and_no_drift(f"sqlite:///{tmp_path}/app.db")


def test_postgresql_refuses_a_database_that_cannot_hold_unicode(db_server: str) -> None:
    server = make_url(db_server)
    if server.get_backend_name() != "postgresql":
        pytest.skip("MySQL/MariaDB tables are made utf8mb4 whatever the database (decision 17)")
    name = f"app_test_{secrets.token_hex(6)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(
                f"CREATE DATABASE \"{name}\" ENCODING 'LATIN1' "
                "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
            )
        )
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        with pytest.raises(RuntimeError, match="ENCODING 'UTF8'"):
            migrate(_settings(url))
        engine = create_engine(url)
        assert inspect(engine).get_table_names() == []  # refused before the first revision
        engine.dispose()
    finally:
        _drop(admin, name)
        admin.dispose()
