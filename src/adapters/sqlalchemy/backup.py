"""The database as a snapshot of typed rows, for backup and restore, taken from the one metadata.

Generic over `tables.metadata.sorted_tables`: a table a later module adds is backed
up and restored with no change here, as long as its columns have a kind below.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Enum,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator, TypeEngine

from adapters.sqlalchemy import tables as schema
from adapters.sqlalchemy.types import JsonText
from core.backup.model import ColumnSpec, TableSpec
from core.backup.ports import DatabaseSnapshot, SnapshotReader
from core.shared.errors import BadRequest, InvalidInput, ServiceUnavailable

BATCH = 1000


def kind_of(type_: TypeEngine[Any]) -> str:
    """The archive kind of a column type; an unknown type is refused rather than lost."""
    if isinstance(type_, JsonText):
        return "json"  # JSON kept in a TEXT column: restored as the value, not as its text
    base = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
    checks: tuple[tuple[type[Any], str], ...] = (
        (Boolean, "bool"),
        (Integer, "int"),
        (Enum, "str"),
        (String, "str"),
        (Text, "str"),
        (DateTime, "datetime"),
        (Date, "date"),
        (Float, "float"),
        (Numeric, "decimal"),
        (JSON, "json"),
        (LargeBinary, "bytes"),
    )
    for cls, kind in checks:
        if isinstance(base, cls):
            return kind
    raise TypeError(f"no backup encoding for column type {type_!r}")


class _Reader(SnapshotReader):
    def __init__(self, conn: Connection, tables: dict[str, Table]) -> None:
        self._conn = conn
        self._tables = tables

    def count(self, table: str) -> int:
        t = self._tables[table]
        return int(self._conn.scalar(select(func.count()).select_from(t)) or 0)

    def rows(self, table: str) -> Iterator[Sequence[Any]]:
        t = self._tables[table]
        key = _key(t)
        position = list(t.columns).index(key)
        last: Any = None
        while True:
            query = select(*t.columns).order_by(key).limit(BATCH)
            if last is not None:
                query = query.where(key > last)
            batch = self._conn.execute(query).all()
            if not batch:
                return
            yield from batch
            last = batch[-1][position]


def _key(table: Table) -> Any:
    primary = list(table.primary_key.columns)
    if len(primary) != 1:
        raise TypeError(f"{table.name}: backup pages by a one-column primary key")
    return primary[0]


class SqlAlchemyDatabaseSnapshot(DatabaseSnapshot):
    def __init__(self, engine: Engine, metadata: MetaData = schema.metadata) -> None:
        self._engine = engine
        self._metadata = metadata

    def _tables(self) -> list[Table]:
        return list(self._metadata.sorted_tables)

    def revision(self) -> str:
        try:
            with self._engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return ""  # a database that was never migrated
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except (OperationalError, InterfaceError) as exc:
            raise ServiceUnavailable("the database is unavailable", "database_unavailable") from exc
        return ",".join(sorted(str(r[0]) for r in rows))

    def tables(self) -> list[TableSpec]:
        return [
            TableSpec(t.name, tuple(ColumnSpec(c.name, kind_of(c.type)) for c in t.columns))
            for t in self._tables()
        ]

    @contextmanager
    def reading(self) -> Iterator[SnapshotReader]:
        # REPEATABLE READ on MySQL/MariaDB and PostgreSQL: every table is read from one
        # snapshot. SQLite's driver opens no transaction for SELECTs, so one is begun explicitly.
        with self._engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")
            else:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                conn.begin()
            try:
                yield _Reader(conn, {t.name: t for t in self._tables()})
            finally:
                conn.rollback()

    def replace(self, rows_of: Callable[[TableSpec], Iterable[dict[str, Any]]]) -> None:
        tables = self._tables()
        specs = {s.name: s for s in self.tables()}
        try:
            with self._engine.begin() as conn:
                for table in reversed(tables):
                    conn.execute(table.delete())
                for table in tables:
                    insert = table.insert()
                    fix = _fixers(table)
                    batch: list[dict[str, Any]] = []
                    for row in rows_of(specs[table.name]):
                        batch.append(_fixed(row, fix))
                        if len(batch) >= BATCH:
                            conn.execute(insert, batch)
                            batch = []
                    if batch:
                        conn.execute(insert, batch)
                if conn.dialect.name == "postgresql":
                    _advance_sequences(conn, tables)
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise ServiceUnavailable(
                    "the database is unavailable", "database_unavailable"
                ) from exc
            raise BadRequest(
                "the database refused the backup's rows; nothing was changed", "backup_invalid"
            ) from exc
        except SQLAlchemyError as exc:
            raise BadRequest(
                "the backup's rows do not fit the tables; nothing was changed", "backup_invalid"
            ) from exc
        except InvalidInput as exc:  # text with a NUL character, which no database here takes
            raise BadRequest(
                f"the backup's rows hold text the database refuses ({exc.detail}); nothing was changed",
                "backup_invalid",
            ) from exc


def _advance_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """Moves each id sequence past the largest restored id.

    Rows come back with their ids, which PostgreSQL's sequences do not see (MySQL/MariaDB
    and SQLite move their counters on explicit ids): the next insert would take id 1 again
    and fail on the primary key. On an emptied table the sequence restarts at 1.
    """
    for table in tables:
        key = _key(table)
        if not isinstance(key.type, Integer) or key.autoincrement is False:
            continue
        conn.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, key.name),
                    func.coalesce(func.max(key), 1),
                    func.max(key).is_not(None),
                )
            ).select_from(table)
        )


def _fixers(table: Table) -> dict[str, Callable[[Any], Any]]:
    """Values the archive gives as aware UTC or text that a column wants otherwise."""
    out: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        type_ = column.type
        if isinstance(type_, DateTime) and not type_.timezone:
            # A plain DateTime column stores naive UTC; a TypeDecorator (UtcDateTime) wants aware.
            out[column.name] = _naive
        elif isinstance(type_, Numeric) and not isinstance(type_, Float) and type_.asdecimal:
            out[column.name] = lambda v: v if v is None else decimal.Decimal(v)
    return out


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(dt.UTC).replace(tzinfo=None)


def _fixed(row: dict[str, Any], fix: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    for name, convert in fix.items():
        if name in row:
            row[name] = convert(row[name])
    return row
