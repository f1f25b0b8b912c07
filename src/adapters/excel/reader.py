"""openpyxl in read-only mode behind checks made before it opens anything.

An upload is a zip of XML files. Before openpyxl sees it, the zip's directory is
checked: the number of entries, their total uncompressed size and each entry's
compression ratio (zip bombs). Python's zipfile never inflates an entry beyond the
size its directory declares, so the declared sizes bound the work. openpyxl then
parses with defusedxml (entity expansion and external entities refused), reads only
the first sheet, at most so many columns, and stops beyond the row limit. All of it runs in
a worker thread: parsing a sheet is seconds of CPU the event loop must not wait on.
"""

from __future__ import annotations

import asyncio
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO

import openpyxl
from defusedxml import DefusedXmlException

from core.reports.ports import SpreadsheetReader
from core.shared.errors import BadRequest

MAX_COLUMNS = 100
# Blank rows are skipped but still read; this many of them beyond the limit end the read.
BLANK_SLACK = 1000
# Below this size an entry's ratio is not judged: tiny XML files compress extremely well.
RATIO_FLOOR = 1 << 20

if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
    raise ImportError("defusedxml must be installed for openpyxl to parse uploads safely")


@dataclass(frozen=True)
class SheetLimits:
    max_entries: int = 200
    max_uncompressed: int = 50 << 20
    max_ratio: int = 100
    max_rows: int = 10_000


class OpenpyxlSpreadsheetReader(SpreadsheetReader):
    def __init__(self, limits: SheetLimits) -> None:
        self._limits = limits

    async def rows(self, source: BinaryIO) -> list[tuple[Any, ...]]:
        return await asyncio.to_thread(self._rows, source)

    def _rows(self, source: BinaryIO) -> list[tuple[Any, ...]]:
        self._check_archive(source)
        source.seek(0)
        try:
            workbook = openpyxl.load_workbook(
                source, read_only=True, data_only=True, keep_links=False
            )
        except Exception as exc:
            # openpyxl raises many kinds of errors for malformed parts (KeyError, TypeError,
            # ParseError, InvalidFileException...) and wraps defusedxml's refusals in a
            # ValueError: each means "not a readable spreadsheet", or "unsafe" when refused.
            raise _verdict(exc) from exc
        try:
            return self._read(workbook)
        except BadRequest:
            raise
        except Exception as exc:  # malformed parts, as above
            raise _verdict(exc) from exc
        finally:
            workbook.close()

    def _check_archive(self, source: BinaryIO) -> None:
        source.seek(0)
        if not zipfile.is_zipfile(source):
            raise BadRequest("this file is not an .xlsx spreadsheet", "not_a_spreadsheet")
        source.seek(0)
        try:
            with zipfile.ZipFile(source) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BadRequest("this file is not an .xlsx spreadsheet", "not_a_spreadsheet") from exc
        limits = self._limits
        if len(entries) > limits.max_entries:
            raise BadRequest(
                f"the spreadsheet has more than {limits.max_entries} parts", "spreadsheet_too_large"
            )
        total = sum(e.file_size for e in entries)
        if total > limits.max_uncompressed:
            raise BadRequest(
                f"the spreadsheet unpacks to more than {limits.max_uncompressed >> 20} MiB",
                "spreadsheet_too_large",
            )
        for entry in entries:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
                raise BadRequest(
                    "the spreadsheet is compressed beyond any real spreadsheet (zip bomb)",
                    "zip_bomb",
                )
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise BadRequest("this file is not an .xlsx spreadsheet", "not_a_spreadsheet")

    def _read(self, workbook: Any) -> list[tuple[Any, ...]]:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        # The dimension a file declares is not trusted: it could ask for millions of padding cells.
        sheet.reset_dimensions()
        limit = self._limits.max_rows + 1  # the header row, then the data rows
        out: list[tuple[Any, ...]] = []
        blank_run = 0
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in row)
            if number > limit:
                if not blank:
                    raise _too_many(self._limits.max_rows)
                blank_run += 1
                if blank_run > BLANK_SLACK:
                    raise _too_many(self._limits.max_rows)
                continue
            out.append(tuple(row))
        return out


def _too_many(limit: int) -> BadRequest:
    return BadRequest(f"the spreadsheet has more than {limit} rows", "too_many_rows")


def _verdict(exc: BaseException) -> BadRequest:
    seen: BaseException | None = exc
    for _ in range(10):  # the chain of causes is short; never loop on a cycle
        if seen is None:
            break
        if isinstance(seen, DefusedXmlException):
            return _unsafe()
        seen = seen.__cause__ or seen.__context__
    return _invalid()


def _unsafe() -> BadRequest:
    return BadRequest(
        "the spreadsheet contains XML constructs that are refused (entities, DTDs)",
        "spreadsheet_unsafe",
    )


def _invalid() -> BadRequest:
    return BadRequest("the spreadsheet cannot be read", "not_a_spreadsheet")
