"""Alembic environment: the schema's metadata, and the URL from the app's settings."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from adapters.sqlalchemy.modules import load
from adapters.sqlalchemy.tables import metadata
from adapters.sqlalchemy.uow import make_engine
from adapters.sqlalchemy.urls import driver_url
from bootstrap import MODULES

load(MODULES)  # each module's tables join the metadata from its own adapter file

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if url:
        return str(url)
    from bootstrap import Settings

    return Settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=driver_url(_url()), target_metadata=metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _refuse_non_unicode(connection: Connection) -> None:
    """PostgreSQL sets the encoding per database, not per table (decision 17's utf8mb4 on MySQL)."""
    if connection.dialect.name != "postgresql":
        return
    encoding = connection.exec_driver_sql("SHOW server_encoding").scalar()
    if str(encoding).upper() not in ("UTF8", "UTF-8"):
        raise RuntimeError(
            f"the database's encoding is {encoding}, which cannot hold the seed's Chinese texts: "
            "create it with ENCODING 'UTF8' (CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0)"
        )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=False,
    )
    with context.begin_transaction():
        # Inside Alembic's transaction: a statement before it would begin one that Alembic
        # then takes as the caller's and never commits (PostgreSQL's DDL is transactional).
        _refuse_non_unicode(connection)
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
