"""The asyncio engine keeps the sync engine's guards on every database (a step of the async core).

On the server of the suite (MariaDB/MySQL or PostgreSQL) and on an SQLite file: the async
driver is the one the URL function picks, the SQLite pragmas and PostgreSQL's server-side
timeout are set on each connection, MySQL's DATETIME values come back as datetimes, a failing
statement's error carries no values, and text with NUL is refused before it is sent.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.uow import make_async_engine
from core.shared.errors import InvalidInput

SECRET = "a-value-no-log-may-show"


async def test_the_server_engine_runs_on_the_async_driver_with_its_guards(db_server: str) -> None:
    engine = make_async_engine(db_server, pool_size=2)
    try:
        assert engine.dialect.is_async
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
            if engine.dialect.name == "postgresql":
                assert engine.driver == "asyncpg"
                timeout = (await conn.execute(text("SHOW statement_timeout"))).scalar_one()
                assert timeout == "30s"
                when = "CAST('2026-01-02 03:04:05' AS TIMESTAMP)"
            else:
                assert engine.driver == "aiomysql"
                when = "CAST('2026-01-02 03:04:05' AS DATETIME)"
            value = (await conn.execute(text(f"SELECT {when}"))).scalar_one()
            assert value == datetime(2026, 1, 2, 3, 4, 5)
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as failed:
                await conn.execute(text("SELECT x FROM no_such_table WHERE x = :v"), {"v": SECRET})
            assert SECRET not in str(failed.value)
        async with engine.connect() as conn:
            with pytest.raises(InvalidInput):
                await conn.execute(text("SELECT :v"), {"v": "a\x00b"})
    finally:
        await engine.dispose()


async def test_the_sqlite_engine_sets_its_pragmas_on_each_connection(tmp_path: Path) -> None:
    engine = make_async_engine(f"sqlite:///{tmp_path}/nested/app.db")
    try:
        assert engine.driver == "aiosqlite"
        async with engine.connect() as conn:
            pragmas = [
                (await conn.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            ]
            assert pragmas == [1, "wal", 30000]
            with pytest.raises(InvalidInput):
                await conn.execute(text("SELECT :v"), {"v": "a\x00b"})
        assert (tmp_path / "nested" / "app.db").exists()
    finally:
        await engine.dispose()


async def test_a_postgresql_url_with_libpqs_sslmode_connects(db_server: str) -> None:
    if not db_server.startswith("postgres"):
        return  # sslmode is PostgreSQL's; the other servers' URLs have no such parameter
    engine = make_async_engine(f"{db_server.rstrip('/')}/postgres?sslmode=disable", pool_size=1)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()
