"""Migrations: upgrade, downgrade, upgrade on an empty MariaDB database; models match the revisions."""

from __future__ import annotations

from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from adapters.sqlalchemy.modules import load
from bootstrap import MODULES, Settings
from tests.schema import downgrade, migrate

# Every module of the list brings its tables to the one metadata.
metadata = load(MODULES).metadata


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, env="test")  # type: ignore[call-arg]


def test_stairway_and_no_drift(make_database: Callable[[], str]) -> None:
    url = make_database()
    settings = _settings(url)
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


def test_sqlite_migrates_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/app.db"
    migrate(_settings(url))
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    engine.dispose()
    assert diff == [], diff
