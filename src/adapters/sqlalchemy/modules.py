"""The SQLAlchemy side of the module list: each module's tables, mapping and repositories.

A module with tables has `adapters/sqlalchemy/<name>.py` holding its `Table`s (on the one
metadata of `tables.py`), `MAPPINGS` (entity, table) and `REPOSITORIES` (the unit of work's
attribute -> repository class). A module without tables has no such file.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import registry

from adapters.sqlalchemy.tables import metadata

# A repository class: built on the unit of work's session each time one opens.
Repository = Callable[[AsyncSession], Any]


@dataclass(frozen=True)
class SqlAlchemyModules:
    """What the modules of the list bring to the database layer."""

    names: tuple[str, ...]
    repositories: Mapping[str, Repository]
    mappings: tuple[tuple[type, Table], ...]

    @property
    def metadata(self) -> MetaData:
        return metadata


def load(names: Iterable[str]) -> SqlAlchemyModules:
    """Imports `adapters.sqlalchemy.<name>` of each module that has one; two modules may not
    open the same unit-of-work attribute."""
    repositories: dict[str, Repository] = {}
    mappings: list[tuple[type, Table]] = []
    found: list[str] = []
    for name in names:
        qualified = f"{__package__}.{name}"
        if importlib.util.find_spec(qualified) is None:
            continue
        module = importlib.import_module(qualified)
        found.append(name)
        for attribute, repository in getattr(module, "REPOSITORIES", {}).items():
            if attribute in repositories:
                raise ValueError(f"two modules open the unit of work's {attribute!r}")
            repositories[attribute] = repository
        mappings.extend(getattr(module, "MAPPINGS", ()))
    return SqlAlchemyModules(tuple(found), repositories, tuple(mappings))


mapper_registry = registry(metadata=metadata)
_lock = threading.Lock()
_mapped: set[type] = set()


def start_mappers(modules: SqlAlchemyModules) -> None:
    """Map every entity of these modules to its table; safe to call more than once.

    Core's dataclasses stay free of the ORM: the mapping is imperative, and once per process.
    """
    with _lock:
        for entity, table in modules.mappings:
            if entity not in _mapped:
                mapper_registry.map_imperatively(entity, table)
                _mapped.add(entity)
