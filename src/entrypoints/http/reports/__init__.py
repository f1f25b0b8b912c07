"""The reports of the application: each module of this package declares one `REPORT`.

A module's spec names its reports (`ReportSpec`); at application start `load()` imports
`<name>.py` of this package for each and collects their `REPORT`s (`discover()` finds
every module of a package, for tests). A report says what rows it
exports (through a core service, with the list route's own query model, so export
takes exactly the list's filters), who may export and import it, its columns, and,
when importable, how parsed rows become create commands of a core service, so an
import obeys every rule the API obeys. See docs/decisions.md (report discovery).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from core.reports.model import Column, ImportRow, RowError
from core.shared.pagination import MAX_PAGE_SIZE, Page, PageRequest
from core.shared.scope import RowScope
from entrypoints.http.schemas.common import ListQuery

if TYPE_CHECKING:
    from bootstrap import Container

T = TypeVar("T")

# (container, the parsed list query, the caller's data scope) -> rows as mappings of column
# key to value, pulled by the sheet writer as it goes; a scoped module's rows keep to the scope
RowsOf = Callable[["Container", Any, RowScope], AsyncIterator[Mapping[str, Any]]]
# (container, actor id, validated rows, errors found in other rows) -> rows created
Importer = Callable[["Container", int, list[ImportRow], list[RowError]], Awaitable[int]]


@dataclass(frozen=True, kw_only=True)
class Report:
    name: str
    title: str
    title_en: str
    export_labels: tuple[str, ...]
    columns: tuple[Column, ...]
    query: type[ListQuery]
    rows: RowsOf
    import_labels: tuple[str, ...] | None = None
    import_columns: tuple[Column, ...] = ()
    import_schema: type[BaseModel] | None = None
    importer: Importer | None = None
    example: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.export_labels:
            raise ValueError(f"report {self.name}: export needs at least one label")
        parts = (self.import_labels, self.import_columns, self.importer)
        if any(parts) and not all(parts):
            raise ValueError(f"report {self.name}: an import needs labels, columns and an importer")

    @property
    def importable(self) -> bool:
        return self.importer is not None

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title


def discover(package: str = __name__) -> dict[str, Report]:
    """Every `REPORT` of the modules of `package`, by name; two with one name is an error."""
    root = importlib.import_module(package)
    found: dict[str, Report] = {}
    for info in pkgutil.iter_modules(root.__path__):
        if info.name.startswith("_"):
            continue
        report = getattr(importlib.import_module(f"{package}.{info.name}"), "REPORT", None)
        if not isinstance(report, Report):
            continue
        if report.name in found:
            raise ValueError(f"two reports are named {report.name}")
        found[report.name] = report
    return dict(sorted(found.items()))


def load(names: Iterable[str], package: str = __name__) -> dict[str, Report]:
    """The `REPORT` of `<package>.<name>` for each name the modules' specs declare, by name."""
    found: dict[str, Report] = {}
    for name in names:
        report = getattr(importlib.import_module(f"{package}.{name}"), "REPORT", None)
        if not isinstance(report, Report) or report.name != name:
            raise ValueError(f"{package}.{name} must declare REPORT = Report(name={name!r}, ...)")
        if name in found:
            raise ValueError(f"two reports are named {name}")
        found[name] = report
    return dict(sorted(found.items()))


async def paged(
    fetch: Callable[[PageRequest], Awaitable[Page[T]]], sort: str, descending: bool
) -> AsyncIterator[T]:
    """Every item of a list use case, page after page (offset paging: for the small tables)."""
    number = 1
    while True:
        request = PageRequest(page=number, size=MAX_PAGE_SIZE, sort=sort, descending=descending)
        page = await fetch(request)
        for item in page.items:
            yield item
        if not page.items or number * MAX_PAGE_SIZE >= page.total:
            return
        number += 1
