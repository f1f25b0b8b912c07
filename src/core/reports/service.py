"""Use cases of the reports module: write a sheet of rows, write a template, read an uploaded sheet.

What a report holds and who may use it is declared at the edge (the HTTP reports
package); this service only knows columns, rows and the two spreadsheet ports.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from typing import Any, BinaryIO

from core.reports.model import (
    CellError,
    CellValue,
    Column,
    ImportRow,
    RowError,
    from_cell,
    header_index,
    to_cell,
)
from core.reports.ports import DictionaryLabels, SheetColumn, SpreadsheetReader, SpreadsheetWriter
from core.shared.turns import in_turns


class ReportService:
    def __init__(
        self,
        writer: SpreadsheetWriter,
        reader: SpreadsheetReader,
        dictionaries: DictionaryLabels,
    ) -> None:
        self._writer = writer
        self._reader = reader
        self._dictionaries = dictionaries

    async def export(
        self,
        target: str,
        title: str,
        columns: Sequence[Column],
        rows: AsyncIterable[Mapping[str, Any]],
        lang: str,
    ) -> int:
        """Writes the rows as they are fetched (dictionary labels, UTC instants, no formulas)."""
        labels = {c.key: await self._labels(c.dictionary, lang) for c in columns if c.dictionary}
        return await self._writer.write(
            target, title, self._sheet(columns, lang), self._cells(columns, rows, labels)
        )

    async def template(
        self,
        target: str,
        title: str,
        columns: Sequence[Column],
        example: Mapping[str, Any],
        lang: str,
    ) -> None:
        """The header row of an import and one example row, shown as an export would show it."""
        await self.export(target, title, columns, _one(example), lang)

    async def read(
        self, source: BinaryIO, columns: Sequence[Column]
    ) -> tuple[list[ImportRow], list[RowError]]:
        """The typed rows of an uploaded sheet, and every error found in it (keys as columns).

        Rows with an error are left out of the first list; blank rows are skipped but
        keep their numbers, so each error names the row a person sees in the sheet.
        """
        table = await self._reader.rows(source)
        if not table:
            return [], [RowError(1, "", "the sheet is empty")]
        positions, errors = header_index(columns, table[0])
        if errors:
            return [], errors
        lookups = {c.key: await self._values(c.dictionary) for c in columns if c.dictionary}
        parsed: list[ImportRow] = []
        async for number, raw in in_turns(enumerate(table[1:], start=2)):
            if all(_blank(cell) for cell in raw):
                continue
            values: dict[str, Any] = {}
            ok = True
            for column in columns:
                position = positions.get(column.key)
                if position is None:
                    continue
                cell = raw[position] if position < len(raw) else None
                try:
                    value = from_cell(column, cell, lookups.get(column.key, {}))
                except CellError as exc:
                    errors.append(RowError(number, column.key, str(exc)))
                    ok = False
                    continue
                if value is None:
                    if column.required:
                        errors.append(RowError(number, column.key, "this cell is required"))
                        ok = False
                    continue
                values[column.key] = value
            if ok:
                parsed.append(ImportRow(number, values))
        if not parsed and not errors:
            errors.append(RowError(2, "", "the sheet has no data rows"))
        return parsed, errors

    @staticmethod
    def _sheet(columns: Sequence[Column], lang: str) -> list[SheetColumn]:
        return [SheetColumn(c.title(lang), c.width, str(c.type)) for c in columns]

    @staticmethod
    async def _cells(
        columns: Sequence[Column],
        rows: AsyncIterable[Mapping[str, Any]],
        labels: Mapping[str, Mapping[str, str]],
    ) -> AsyncIterator[list[CellValue]]:
        empty: dict[str, str] = {}
        async for row in rows:
            yield [to_cell(c, row.get(c.key), labels.get(c.key, empty)) for c in columns]

    async def _labels(self, type_code: str, lang: str) -> dict[str, str]:
        """Stored value -> label in the caller's language."""
        field = "label_en" if lang == "en" else "label"
        return {
            str(i["value"]): str(i.get(field) or i["label"])
            for i in await self._dictionaries.items_of(type_code)
        }

    async def _values(self, type_code: str) -> dict[str, str]:
        """Label (either language) or the value itself -> stored value; labels win a tie."""
        items = await self._dictionaries.items_of(type_code)
        out = {str(i["value"]): str(i["value"]) for i in items}
        for i in items:
            for name in (i.get("label_en"), i.get("label")):
                if name:
                    out[str(name)] = str(i["value"])
        return out


async def _one(row: Mapping[str, Any]) -> AsyncIterator[Mapping[str, Any]]:
    yield row


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
