"""Schema migrations (Alembic) and waiting for the database: what `fva db`, `init` and
`prestart` run, through the container's `migrations` provider."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.uow import make_engine

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

ROOT = Path(__file__).resolve().parents[3]


def alembic_config(url: str) -> AlembicConfig:
    # Alembic is imported when a command migrates (a tenth of a second), not by every process
    # that builds the container: the app's workers and the test suites never migrate.
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


class AlembicMigrations:
    """The schema of one database: upgrade, downgrade, and waiting for it to answer."""

    def __init__(self, url: str) -> None:
        self._url = url

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to `revision`."""
        from alembic import command

        command.upgrade(alembic_config(self._url), revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        command.downgrade(alembic_config(self._url), revision)

    def wait(self, timeout_seconds: float = 60.0) -> bool:
        """Whether the database answered within the timeout (retrying every second).

        Synchronous, as the migrations that follow it are: a command runs it before any loop.
        """
        engine = make_engine(self._url)
        deadline = time.monotonic() + timeout_seconds
        try:
            while True:
                if _answers(engine):
                    return True
                if time.monotonic() >= deadline:
                    return False
                logger.info("waiting for the database")
                time.sleep(1)
        finally:
            engine.dispose()


def _answers(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except DBAPIError:
        return False
