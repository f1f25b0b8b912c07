"""What a module declares about itself, once: the one list of modules reads it everywhere.

Each module has a `MODULE = ModuleSpec(...)` in `core/<name>/module.py`. The composition root
(`bootstrap.py`) holds the list of module names and, from their specs, adds each module's
services to the container, its seed bundle to the seed, its job scripts to the registry, its
reports to the report routes, the tables its lists read to the list cache and its error
messages to the catalogue. Standard library only: a spec is data and constructors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.shared.language import Text

if TYPE_CHECKING:
    from core.rbac.seed import SeedBundle


@dataclass(frozen=True)
class Provide:
    """An object the container builds once: `factory(*needs)`, published as `name`.

    `needs` names the container's shared providers, passed positionally in that order:
    `uow` (a callable that opens a unit of work), `clock`, `cache`, `access`, `hasher`,
    `token_store`, `rate_counter`, `mailer`, or any service another module published.
    """

    name: str
    factory: Callable[..., object]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportSpec:
    """A report of the module: `entrypoints/http/reports/<name>.py` declares its columns."""

    name: str
    export_label: str
    import_label: str | None = None


@dataclass(frozen=True)
class ModuleSpec:
    """A module's contributions; the same `name` in core, adapters, routers and the dashboard."""

    name: str
    seed: SeedBundle | None = None
    # Use-case services the container builds; handlers reach them by `name`.
    services: tuple[Provide, ...] = ()
    # Services (of `services`, by name) that run for the app's lifetime: the app awaits
    # their `start()` when it starts and their `stop()` when it stops (a heartbeat).
    background: tuple[str, ...] = ()
    # Objects (or functions) whose `@job_script` members a job may run.
    scripts: tuple[Provide, ...] = ()
    reports: tuple[ReportSpec, ...] = ()
    # list name -> the tables its answer reads (the kept list answers' generations).
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # error code -> its message in both languages (the HTTP layer's catalogue).
    messages: Mapping[str, Text] = field(default_factory=dict)
    # English summary of each write route -> its zh-CN wording (the operation log's list).
    summaries_zh: Mapping[str, str] = field(default_factory=dict)

    def list_tables(self, name: str) -> tuple[str, ...]:
        """The tables the list `name` reads; a list the spec does not declare is an error."""
        try:
            return self.lists[name]
        except KeyError:
            raise KeyError(f"module {self.name} declares no list {name!r}") from None
