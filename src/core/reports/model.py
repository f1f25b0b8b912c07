"""Reports: columns of a sheet, how values become cells and cells values, and the all-or-nothing rule.

Spreadsheets carry text, numbers, dates and booleans; a column says which one a
value is and, when it has a dictionary, shows the dictionary's label instead of
the stored value (and reads either back). Every problem found while reading a
file is collected as a `RowError`; a batch with any error is refused as a whole.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from core.shared.errors import DomainError, InvalidInput

# A cell whose text begins with one of these is run as a formula by spreadsheet programs
# (CSV/formula injection); such text is written with a leading apostrophe instead.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LANGS = ("zh", "en")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on", "是", "真"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off", "否", "假"})

CellValue = str | int | float | bool | datetime | None


class ColumnType(enum.StrEnum):
    STR = "str"
    INT = "int"
    DATETIME = "datetime"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    """One column of a report: its key in a row, its headers, its type and its display width."""

    key: str
    header: str
    header_en: str
    type: ColumnType = ColumnType.STR
    width: int = 16
    dictionary: str | None = None  # a dictionary type code whose item labels are shown
    required: bool = False  # on import: an empty cell is an error

    def title(self, lang: str) -> str:
        text = self.header_en if lang == "en" else self.header
        return f"{text} (UTC)" if self.type is ColumnType.DATETIME else text

    def names(self) -> frozenset[str]:
        """Every header an imported file may use for this column (either language, or the key)."""
        return frozenset(_norm(n) for n in (self.key, self.header, self.header_en, *self._utc()))

    def _utc(self) -> tuple[str, ...]:
        return (self.title("zh"), self.title("en"))


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or one row, or the header when `row` is 1) of an imported file."""

    row: int
    column: str
    message: str


class ImportRejected(InvalidInput):
    """An import with any error writes nothing; it carries every error found, row by row."""

    code = "import_rejected"

    def __init__(self, errors: Iterable[RowError], detail: str | None = None) -> None:
        self.errors = tuple(sorted(errors, key=lambda e: (e.row, e.column)))
        super().__init__(
            detail or f"the file has {len(self.errors)} error(s); nothing was imported"
        )


@dataclass(frozen=True)
class ImportRow:
    """The typed values of one data row of an imported file, with its row number in the sheet."""

    number: int
    values: dict[str, Any]


@dataclass
class RowErrors:
    """Collects the errors of a batch; `raise_if_any` enforces the all-or-nothing rule."""

    items: list[RowError] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append(RowError(row, column, message))

    def extend(self, errors: Iterable[RowError]) -> None:
        self.items.extend(errors)

    @contextmanager
    def at(self, row: int, column: str) -> Iterator[None]:
        """Runs a rule; a domain error it raises becomes an error of this cell."""
        try:
            yield
        except DomainError as exc:
            self.add(row, column, exc.detail)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


class CellError(ValueError):
    """A cell's content does not fit its column; the message says why, for the person fixing it."""


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe and stays text."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unneutralise(text: str) -> str:
    """The inverse on import: an apostrophe in front of a formula trigger is dropped again."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text


def to_cell(column: Column, value: Any, labels: Mapping[str, str]) -> CellValue:
    """How a stored value is shown in an exported sheet (dictionary labels, UTC, no formulas)."""
    if value is None:
        return None
    if column.dictionary is not None:
        key = _as_text(value)
        return neutralise(labels.get(key, key))
    if isinstance(value, enum.Enum):
        value = value.value
    if column.type is ColumnType.DATETIME and isinstance(value, datetime):
        # Spreadsheets have no time zones: instants are written in UTC, as the header says.
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if column.type is ColumnType.BOOL:
        return bool(value)
    if column.type is ColumnType.INT and isinstance(value, int) and not isinstance(value, bool):
        return value
    return neutralise(str(value))


def from_cell(column: Column, raw: Any, values_by_label: Mapping[str, str]) -> Any:
    """The typed value of an imported cell; None when the cell is empty. Raises CellError."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if column.dictionary is not None:
        text = _as_text(raw).strip()
        if text not in values_by_label:
            shown = ", ".join(sorted({k for k in values_by_label if k}))
            raise CellError(f"not one of: {shown}")
        raw = values_by_label[text]
    parse = _PARSERS[column.type]
    return parse(raw)


def _as_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    return str(raw)


def _text(raw: Any) -> str:
    return unneutralise(_as_text(raw).strip())


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellError("a whole number is expected")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise CellError("a whole number is expected")
    text = str(raw).strip()
    if re.fullmatch(r"[+-]?\d{1,18}(\.0*)?", text):
        return int(text.split(".")[0])
    raise CellError("a whole number is expected")


def _datetime(raw: Any) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime(raw.year, raw.month, raw.day)
    else:
        try:
            value = datetime.fromisoformat(str(raw).strip())
        except ValueError as exc:
            raise CellError("a date and time is expected, e.g. 2026-05-01 08:30:00") from exc
    # Cells have no time zone; like the export, the import reads them as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _as_text(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("yes or no is expected (1/0, true/false, 是/否)")


_PARSERS: dict[ColumnType, Callable[[Any], Any]] = {
    ColumnType.STR: _text,
    ColumnType.INT: _int,
    ColumnType.DATETIME: _datetime,
    ColumnType.BOOL: _bool,
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().rstrip("*").strip()).casefold()


def header_index(
    columns: Iterable[Column], header: Iterable[Any]
) -> tuple[dict[str, int], list[RowError]]:
    """Which position of the header row holds each column; missing required columns are errors.

    Columns are found by their header in either language (or their key), in any order;
    unknown columns are ignored, so a sheet may carry notes beside the data.
    """
    cells = [_norm(_as_text(h)) if h is not None else "" for h in header]
    found: dict[str, int] = {}
    errors: list[RowError] = []
    for column in columns:
        names = column.names()
        positions = [i for i, c in enumerate(cells) if c and c in names]
        if len(positions) > 1:
            errors.append(RowError(1, column.key, "this column appears more than once"))
        elif positions:
            found[column.key] = positions[0]
        elif column.required:
            errors.append(RowError(1, column.key, "this column is missing"))
    return found, errors
