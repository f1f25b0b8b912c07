"""A statement ends after 30 s on every server database, as PyMySQL's read timeout did.

aiomysql has no read or write timeout of its own, so each new MySQL/MariaDB connection asks
the server for a statement limit; PostgreSQL's server-side `statement_timeout` did so already.
A pooled connection that a stuck statement would hold for ever is given back instead.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from adapters.sqlalchemy.uow import STATEMENT_SECONDS, make_async_engine


async def test_every_new_connection_carries_the_statement_limit(db_server: str) -> None:
    engine = make_async_engine(db_server, pool_size=2)
    try:
        async with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):  # two connections: the limit is set on each one
                if engine.dialect.name == "postgresql":
                    limit = (await conn.execute(text("SHOW statement_timeout"))).scalar_one()
                    assert limit == f"{STATEMENT_SECONDS}s"
                    continue
                version = str((await conn.execute(text("SELECT VERSION()"))).scalar_one())
                if "mariadb" in version.lower():
                    query = "SELECT @@SESSION.max_statement_time"
                    assert float((await conn.execute(text(query))).scalar_one()) == 30
                else:
                    query = "SELECT @@SESSION.max_execution_time"
                    assert int((await conn.execute(text(query))).scalar_one()) == 30_000
    finally:
        await engine.dispose()


async def test_mariadb_ends_a_statement_that_runs_past_the_limit(db_server: str) -> None:
    engine = make_async_engine(db_server, pool_size=1)
    try:
        async with engine.connect() as conn:
            version = str((await conn.execute(text("SELECT VERSION()"))).scalar_one())
            if "mariadb" not in version.lower():
                return  # the limit's value is checked above; only MariaDB limits a SLEEP
            # A shorter limit for this session, so the test waits one second, not thirty.
            await conn.execute(text("SET SESSION max_statement_time = 1"))
            with pytest.raises(OperationalError) as stopped:
                await conn.execute(text("SELECT SLEEP(5)"))
            assert "max_statement_time" in str(stopped.value)
    finally:
        await engine.dispose()
