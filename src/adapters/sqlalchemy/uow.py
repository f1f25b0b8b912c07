"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from pymysql import converters as pymysql_converters
from pymysql.constants import FIELD_TYPE, SERVER_STATUS
from sqlalchemy import URL, Engine, Select, create_engine, event, inspect, text
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.pool import PoolResetState

from adapters.sqlalchemy.modules import Repository, SqlAlchemyModules, start_mappers
from adapters.sqlalchemy.urls import async_driver_url, driver_url
from core.shared.errors import Conflict, InvalidInput, ServiceUnavailable
from core.shared.health import Probe


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    """A synchronous engine that survives database restarts and enforces foreign keys on SQLite.

    The app runs on `make_async_engine`; this one serves the bulk work that runs in a worker
    thread (backup and restore) and the tests' direct SQL.

    `url` is what the user wrote (`mysql://`, `postgresql://`, `sqlite:///`...);
    `driver_url` picks the driver.
    """
    target = driver_url(url)
    backend = target.get_backend_name()
    if backend == "sqlite":
        _ensure_sqlite_dir(target)
        engine = create_engine(
            target,
            echo=echo,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        _refuse_nul(engine)
        return engine
    if backend == "postgresql":
        # No socket timeouts in psycopg: a statement (lock waits included) that runs longer
        # than PyMySQL's 30 s read timeout is cancelled by the server instead.
        connect_args: dict[str, Any] = {
            "connect_timeout": 5,
            "options": "-c statement_timeout=30000",
        }
    else:
        connect_args = {
            "connect_timeout": 5,
            "read_timeout": 30,
            "write_timeout": 30,
            "charset": "utf8mb4",
            "conv": _CONVERSIONS,
        }
    engine = create_engine(
        target,
        echo=echo,
        # A failing statement's error (and the echo log) would print its values: password
        # hashes, tokens' digests, whatever a user typed. The SQL with placeholders is enough.
        hide_parameters=True,
        pool_recycle=1800,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=10,
        connect_args=connect_args,
    )
    _ping_when_idle(engine)
    _refuse_nul(engine)
    return engine


def make_async_engine(
    url: str, *, echo: bool = False, pool_size: int = 10, autocommit: bool = False
) -> AsyncEngine:
    """The app's engine, on aiomysql, asyncpg or aiosqlite, with the guards of `make_engine`.

    `autocommit`: the engine of plain reads (`make_session_factory`): its connections run each
    statement on its own, so a read opens no transaction and ends with no ROLLBACK (nor, on
    PostgreSQL, starts with a BEGIN). Ignored for SQLite, whose one file has one engine.

    The same pragmas on SQLite, server-side timeouts on PostgreSQL, the fast DATETIME parser on
    MySQL/MariaDB, `hide_parameters`, the idle-connection ping and the NUL refusal: the events
    go on the engine's synchronous core, where SQLAlchemy runs them for every driver.
    """
    target = async_driver_url(url)
    backend = target.get_backend_name()
    if backend == "sqlite":
        _ensure_sqlite_dir(target)
        engine = create_async_engine(
            target,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": 30},
            pool_reset_on_return=None,
        )
        _roll_back_once(engine.sync_engine, _sqlite_in_transaction)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        _refuse_nul(engine.sync_engine)
        return engine
    if backend == "postgresql":
        # asyncpg's own names: `timeout` to connect, `command_timeout` on the client, and the
        # server cancelling a statement (lock waits included) after 30 s as before.
        connect_args: dict[str, Any] = {
            "timeout": 5,
            "command_timeout": 30,
            "server_settings": {"statement_timeout": "30000"},
        }
    else:
        # aiomysql has no read or write timeout of its own (PyMySQL's 30 s): the server ends a
        # statement that runs longer instead (`_limit_statements`).
        connect_args = {"connect_timeout": 5, "charset": "utf8mb4", "conv": _CONVERSIONS}
    reads: dict[str, Any] = (
        {"isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True} if autocommit else {}
    )
    engine = create_async_engine(
        target,
        echo=echo,
        hide_parameters=True,
        **reads,
        pool_recycle=1800,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=10,
        connect_args=connect_args,
        # MySQL/MariaDB: the pool's own rollback only when a transaction is still open.
        pool_reset_on_return=None if backend == "mysql" else "rollback",
    )
    _ping_when_idle(engine.sync_engine)
    _refuse_nul(engine.sync_engine)
    if backend == "mysql":
        _limit_statements(engine.sync_engine)
        _roll_back_once(engine.sync_engine, _mysql_in_transaction)
    return engine


def _roll_back_once(engine: Engine, in_transaction: Callable[[Any], bool]) -> None:
    """Roll a connection back on its return to the pool only when it holds a transaction.

    The session's `close()` rolls its transaction back, then returns the connection, and the
    pool rolls back again: a second ROLLBACK round trip on every request (measured with
    MariaDB's `Com_rollback`, two per list request). The engine is made with
    `pool_reset_on_return=None` and this reset asks the driver whether the server still
    reports a transaction; when it does (or cannot say), it rolls back as the pool would have.
    asyncpg's adapter already skips a rollback with no transaction begun.
    """

    @event.listens_for(engine, "reset")
    def _reset(dbapi_conn: Any, _record: Any, state: PoolResetState) -> None:
        if state.terminate_only or not state.asyncio_safe or state.transaction_was_reset:
            return  # being closed; no I/O possible here; or already rolled back
        if in_transaction(dbapi_conn):
            dbapi_conn.rollback()


def _mysql_in_transaction(dbapi_conn: Any) -> bool:
    """The server's own word (the status flags of its last OK packet); unsure means yes."""
    status = getattr(getattr(dbapi_conn, "_connection", None), "server_status", None)
    return not isinstance(status, int) or bool(status & SERVER_STATUS.SERVER_STATUS_IN_TRANS)


def _sqlite_in_transaction(dbapi_conn: Any) -> bool:
    flag = getattr(getattr(dbapi_conn, "_connection", None), "in_transaction", None)
    return not isinstance(flag, bool) or flag


STATEMENT_SECONDS = 30


def _limit_statements(engine: Engine) -> None:
    """Each new MySQL/MariaDB connection asks the server to end a statement after 30 s.

    What PyMySQL's read timeout did on the client: a statement stuck behind a lock or
    running away answers an error (503 `database_unavailable` for an outage, or the error
    of the statement) instead of holding a connection of the pool for ever. MariaDB limits
    every statement (`max_statement_time`, seconds); MySQL only reads
    (`max_execution_time`, milliseconds), and its lock waits end at `innodb_lock_wait_timeout`.
    """

    @event.listens_for(engine, "connect")
    def _limit(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("SELECT VERSION()")
        version = str(cur.fetchone()[0])
        if "mariadb" in version.lower():
            cur.execute(f"SET SESSION max_statement_time = {STATEMENT_SECONDS}")
        else:
            cur.execute(f"SET SESSION max_execution_time = {STATEMENT_SECONDS * 1000}")
        cur.close()


def _refuse_nul(engine: Engine) -> None:
    """Text holding a NUL character is refused (422 `invalid_input`) on every database.

    PostgreSQL cannot store U+0000 in text (psycopg raises DataError: a 500), MySQL/MariaDB and
    SQLite can. Refusing it everywhere gives one answer whatever the database, and keeps every
    backup restorable into any of them. No legitimate field of the product holds it.
    """

    @event.listens_for(engine, "before_cursor_execute")
    def _check(*args: Any) -> None:
        if _holds_nul(args[3]):  # the parameters: one row or many, by name or by position
            raise InvalidInput("text may not contain the NUL character (U+0000)")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


IDLE_PING_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Pre-ping a pooled connection only when it sat idle for a while.

    `pool_pre_ping` costs a round trip on every checkout: a sixth of a small list request.
    A connection that was in use moments ago is alive unless the server restarted just now;
    that case fails one statement, which invalidates the whole pool and answers 503
    `database_unavailable`, and the next request gets fresh connections. A connection that sat
    idle (where a restart, a failover or `wait_timeout` hides) is pinged, and replaced
    quietly when dead: raising DisconnectionError at checkout makes the pool retry.
    """

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
            if engine.dialect.name == "postgresql":
                dbapi_conn.rollback()  # the ping's SELECT began a transaction: leave none open
        except Exception as exc:  # any failure means: use another connection
            raise DisconnectionError("idle connection is gone") from exc


def _fast_datetime(value: str | bytes) -> datetime | str:
    """DATETIME columns through the C parser of the standard library; PyMySQL's is regex-based
    Python (about a third of the cost of reading a row). Unusual values (zero dates) take
    PyMySQL's own path."""
    text = value.decode() if isinstance(value, bytes) else value
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return pymysql_converters.convert_datetime(value)  # type: ignore[no-any-return]


_CONVERSIONS = {
    **pymysql_converters.conversions,
    FIELD_TYPE.DATETIME: _fast_datetime,
    FIELD_TYPE.TIMESTAMP: _fast_datetime,
}


def _ensure_sqlite_dir(url: URL) -> None:
    path = url.database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


WRITTEN = "written_tables"


def _track_writes(factory: type[Session]) -> None:
    """Notes in `session.info` the tables each session writes to, flushed or executed."""

    @event.listens_for(factory, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        written = session.info.setdefault(WRITTEN, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            written.add(inspect(obj).mapper.local_table.name)

    @event.listens_for(factory, "do_orm_execute")
    def _executed(state: ORMExecuteState) -> None:
        table = getattr(state.statement, "table", None)
        if (state.is_insert or state.is_update or state.is_delete) and table is not None:
            state.session.info.setdefault(WRITTEN, set()).add(table.name)

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(WRITTEN, None)


class SqlAlchemyProbe(Probe):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def ok(self) -> bool:
        try:
            async with self._engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except (DBAPIError, OSError):
            return False


def make_session_factory(
    engine: AsyncEngine, modules: SqlAlchemyModules, reader: AsyncEngine | None = None
) -> async_sessionmaker[AsyncSession]:
    """Async sessions whose synchronous core notes the tables it writes.

    Each factory gets a `Session` class of its own to run under its AsyncSessions, and the
    write tracking listens on that class: SQLAlchemy runs the ORM's events there.

    With a `reader` (an autocommit engine on the same database), a session sends its plain
    SELECTs there until it first writes, flushes, locks a row or runs a statement it cannot
    classify; from then on everything goes to `engine`, in one transaction, so it reads its own
    writes and its locks hold to the commit. A use case that only reads thus costs its
    statements alone: no transaction to end (the ROLLBACK was one round trip of three in a
    computed list on MySQL/MariaDB, two of four with PostgreSQL's BEGIN). What it reads is
    what is committed, statement by statement: the use cases that must read a row and write
    by what they read lock it first (decision 16), which sends them to `engine`.
    """
    start_mappers(modules)
    tracked = type("TrackedSession", (Session,), {})
    if reader is not None and reader is not engine:
        tracked = _routed(tracked, engine.sync_engine, reader.sync_engine)
    _track_writes(tracked)
    return async_sessionmaker(
        bind=engine, expire_on_commit=False, autoflush=True, sync_session_class=tracked
    )


WRITER = "uses_writer"


def _routed(base: type[Session], writer: Engine, reader: Engine) -> type[Session]:
    def get_bind(self: Session, mapper: Any = None, *, clause: Any = None, **kw: Any) -> Engine:
        if self.info.get(WRITER):
            return writer
        plain_read = isinstance(clause, Select) and clause._for_update_arg is None
        if plain_read and not self._flushing:
            return reader
        self.info[WRITER] = True
        return writer

    return type("RoutedSession", (base,), {"get_bind": get_bind})


class SqlAlchemyUnitOfWork:
    """Every module's unit-of-work port at once: `async with` opens one AsyncSession and the
    repositories the modules of the list declare (`adapters.sqlalchemy.modules`), by the
    attribute names their ports use. Rolled back unless committed; a natural key taken by a
    concurrent writer is 409 `conflict`, a database that does not answer 503
    `database_unavailable`; the written tables are reported after the commit."""

    session: AsyncSession

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        repositories: Mapping[str, Repository],
        on_commit: Callable[[frozenset[str]], Awaitable[None]] | None = None,
    ) -> None:
        self._factory = session_factory
        self._repositories = repositories
        self._on_commit = on_commit

    if TYPE_CHECKING:
        # Each module's repositories are attached when it opens (`REPOSITORIES` of its adapter
        # file); core sees them through its own unit-of-work port, typed.
        def __getattr__(self, name: str) -> Any: ...

    async def __aenter__(self) -> Self:
        self.session = self._factory()
        for attribute, repository in self._repositories.items():
            setattr(self, attribute, repository(self.session))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back what was not committed and detaches the entities without
        # expiring them, so a use case may still read what it loaded.
        with contextlib.suppress(DBAPIError):
            await self.session.close()
        if isinstance(exc, IntegrityError):
            # A concurrent writer took the natural key between our check and our insert.
            raise Conflict("the row conflicts with an existing one", "conflict") from exc
        if (
            (isinstance(exc, DBAPIError) and exc.connection_invalidated)
            or _is_outage(exc)
            or _is_unwrapped_connect_failure(exc)
        ):
            raise ServiceUnavailable("the database is unavailable", "database_unavailable") from exc

    async def commit(self) -> None:
        """Commits, then reports the tables written (after the commit: see TableGenerations)."""
        await self.session.commit()
        written = self.session.info.pop(WRITTEN, None)
        if written and self._on_commit is not None:
            await self._on_commit(frozenset(written))

    async def rollback(self) -> None:
        await self.session.rollback()


def _is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError | PoolTimeout)


def _is_unwrapped_connect_failure(exc: BaseException | None) -> bool:
    """asyncpg's failures to connect (refused, timed out, unknown host) reach us as the
    socket's own errors, not wrapped in a DBAPIError as PyMySQL's, psycopg's and aiomysql's are."""
    return isinstance(exc, ConnectionError | TimeoutError | socket.gaierror)
