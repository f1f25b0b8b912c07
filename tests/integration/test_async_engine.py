"""The asyncio engine keeps the sync engine's guards on every database (a step of the async core).

On the server of the suite (MariaDB/MySQL or PostgreSQL) and on an SQLite file: the async
driver is the one the URL function picks, the SQLite pragmas and PostgreSQL's server-side
timeout are set on each connection, MySQL's DATETIME values come back as datetimes, a failing
statement's error carries no values, and text with NUL is refused before it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker

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


@pytest.mark.parametrize("where", ["server", "sqlite"])
async def test_a_connection_goes_back_to_the_pool_without_work_left_pending(
    where: str, make_database: Callable[[], str], tmp_path: Path
) -> None:
    """The pool rolls back only an open transaction (`_roll_back_once`), and never fails to.

    A write SQLAlchemy does not know about (a raw cursor) is pending when the connection goes
    back; the next user of that one connection commits its own write, and only that one is kept.
    """
    url = make_database() if where == "server" else f"sqlite:///{tmp_path}/app.db"
    engine = make_async_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t_probe (id INTEGER PRIMARY KEY)"))

        def pending_insert(sync: Connection) -> None:
            sync.connection.dbapi_connection.cursor().execute(  # type: ignore[union-attr]
                "INSERT INTO t_probe (id) VALUES (1)"
            )

        async with engine.connect() as conn:
            await conn.run_sync(pending_insert)
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t_probe (id) VALUES (2)"))
        async with engine.connect() as conn:
            assert list((await conn.execute(text("SELECT id FROM t_probe"))).scalars()) == [2]
    finally:
        await engine.dispose()


async def test_a_read_costs_one_rollback_on_mysql(make_database: Callable[[], str]) -> None:
    """The session rolls its read back; the pool does not roll back a second time."""
    url = make_database()
    engine = make_async_engine(url, pool_size=1)
    if engine.dialect.name != "mysql":
        await engine.dispose()
        pytest.skip("MySQL/MariaDB count their rollbacks per session; asyncpg skips it itself")
    sessions = async_sessionmaker(engine)

    async def rollbacks() -> int:
        async with sessions() as session:
            row = (await session.execute(text("SHOW SESSION STATUS LIKE 'Com_rollback'"))).one()
            return int(row[1])

    try:
        before = await rollbacks()
        for _ in range(5):
            async with sessions() as session:
                await session.execute(text("SELECT 1"))
        # the five reads and the first count's own session: one rollback each
        assert await rollbacks() - before == 6
    finally:
        await engine.dispose()
