"""Migrating a test database: the adapter the CLI's `fva db` reaches through the container."""

from __future__ import annotations

from adapters.sqlalchemy.migrations import AlembicMigrations
from bootstrap import Settings


def migrate(settings: Settings, revision: str = "head") -> None:
    AlembicMigrations(settings.database_url).upgrade(revision)


def downgrade(settings: Settings, revision: str) -> None:
    AlembicMigrations(settings.database_url).downgrade(revision)
