"""Ports of the reports module: spreadsheets in and out, and the dictionaries that label values."""

from __future__ import annotations

from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from core.reports.model import CellValue


@dataclass(frozen=True)
class SheetColumn:
    """What a spreadsheet writer needs of a column: its header text, width and kind of values."""

    header: str
    width: int
    kind: str = "str"


class SpreadsheetWriter(Protocol):
    """Writes one sheet (styled header row, then rows) to a file, row by row in constant memory."""

    async def write(
        self,
        target: str,
        title: str,
        columns: Sequence[SheetColumn],
        rows: AsyncIterable[Sequence[CellValue]],
    ) -> int:
        """Returns the number of data rows written; the file work runs off the event loop."""
        ...


class SpreadsheetReader(Protocol):
    """Reads the rows of the first sheet of an uploaded workbook, after its safety checks.

    Raises BadRequest (`not_a_spreadsheet`, `spreadsheet_too_large`, `zip_bomb`,
    `spreadsheet_unsafe`, `too_many_rows`) instead of parsing what it should not.
    The first row returned is the header row; blank rows are kept, so positions are
    sheet row numbers.
    """

    async def rows(self, source: BinaryIO) -> list[tuple[Any, ...]]: ...


class DictionaryLabels(Protocol):
    """The enabled items of a dictionary type: dicts with `label`, `label_en` and `value`."""

    async def items_of(self, type_code: str) -> list[dict[str, Any]]: ...
