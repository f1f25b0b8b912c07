"""openpyxl in write-only mode: rows go to disk as they come, so memory stays flat.

The rows are pulled on the event loop (they come from async database reads) and handed to
a worker thread a chunk at a time: the loop never runs openpyxl, and at most one chunk of
rows is held in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.reports.model import CellValue
from core.reports.ports import SheetColumn, SpreadsheetWriter

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="409EFF")  # the dashboard's primary colour
HEADER_ALIGN = Alignment(horizontal="center", vertical="center")
HEADER_BORDER = Border(bottom=Side(style="thin", color="303133"))
# Excel's limit on a sheet name, and characters it refuses in one.
TITLE_MAX = 31
TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
# Rows per hand-over to the worker thread: a page of the list use cases; the loop converts
# no more than that between two hops, and no more is held in memory.
CHUNK = 100


class OpenpyxlSpreadsheetWriter(SpreadsheetWriter):
    async def write(
        self,
        target: str,
        title: str,
        columns: Sequence[SheetColumn],
        rows: AsyncIterable[Sequence[CellValue]],
    ) -> int:
        sheet = await asyncio.to_thread(_Sheet, title, columns)
        count = 0
        chunk: list[Sequence[CellValue]] = []
        async for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                await asyncio.to_thread(sheet.append, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            await asyncio.to_thread(sheet.append, chunk)
            count += len(chunk)
        await asyncio.to_thread(sheet.save, target)
        return count


class _Sheet:
    """The openpyxl side of one export; each call runs in a worker thread, one at a time."""

    def __init__(self, title: str, columns: Sequence[SheetColumn]) -> None:
        self._workbook = workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title.translate(TITLE_FORBIDDEN)[:TITLE_MAX] or "Sheet1")
        # Write-only sheets take their layout before the first row.
        sheet.freeze_panes = "A2"
        for i, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = column.width
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=_clean(column.header))
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = HEADER_ALIGN
            cell.border = HEADER_BORDER
            header.append(cell)
        sheet.append(header)
        self._sheet = sheet

    def append(self, rows: Sequence[Sequence[CellValue]]) -> None:
        # Datetimes go in as values: openpyxl gives them its date-time format itself
        # (yyyy-mm-dd h:mm:ss). A styled cell of our own per value cost a fifth of the export.
        for row in rows:
            self._sheet.append([_clean(v) if isinstance(v, str) else v for v in row])

    def save(self, target: str) -> None:
        self._workbook.save(target)


def _clean(value: CellValue) -> CellValue:
    # Control characters XML cannot carry would make openpyxl refuse the whole file.
    if isinstance(value, str):
        return str(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value
