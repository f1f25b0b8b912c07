"""Reports: column mapping, formula neutralising, filter reuse and the all-or-nothing import rule."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from pydantic import ValidationError

from bootstrap import Container, module_specs
from core.config.commands import CreateConfig
from core.dictionary.commands import CreateDictItem, CreateDictType
from core.reports.model import (
    CellError,
    Column,
    ColumnType,
    ImportRejected,
    ImportRow,
    RowError,
    from_cell,
    header_index,
    neutralise,
    to_cell,
    unneutralise,
)
from core.reports.ports import SheetColumn
from core.reports.service import ReportService
from core.shared.pagination import PageRequest
from entrypoints.http.files import content_disposition
from entrypoints.http.reports import Report, discover, load
from entrypoints.http.routers.config import ConfigQuery
from entrypoints.http.routers.dictionary import DictItemQuery
from entrypoints.http.routers.rbac import UserQuery

STATE = Column("state", "状态", "State", ColumnType.INT, dictionary="sys_thing_state")
STATES = [
    {"value": "0", "label": "未激活", "label_en": "Inactive"},
    {"value": "1", "label": "已激活", "label_en": "Active"},
]


class Dictionaries:
    async def items_of(self, type_code: str) -> list[dict[str, Any]]:
        return STATES if type_code == "sys_thing_state" else []


class SheetWriter:
    def __init__(self) -> None:
        self.headers: list[str] = []
        self.rows: list[list[Any]] = []

    async def write(
        self,
        target: str,
        title: str,
        columns: Sequence[SheetColumn],
        rows: AsyncIterable[Sequence[Any]],
    ) -> int:
        self.headers = [c.header for c in columns]
        self.rows = [list(r) async for r in rows]
        return len(self.rows)


class SheetReader:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    async def rows(self, source: BinaryIO) -> list[tuple[Any, ...]]:
        return self._rows


async def each(*rows: Mapping[str, Any]) -> AsyncIterator[Mapping[str, Any]]:
    for row in rows:
        yield row


def service(rows: list[tuple[Any, ...]] | None = None) -> tuple[ReportService, SheetWriter]:
    writer = SheetWriter()
    return ReportService(writer, SheetReader(rows or []), Dictionaries()), writer


# --- formula neutralising -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK()"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("text", ["plain", "1=1", "a-b", "'quoted", "", "编码"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text
    assert unneutralise(text) == text


def test_export_neutralises_strings_but_not_numbers() -> None:
    remark = Column("remark", "备注", "Remark")
    days = Column("days", "天数", "Days", ColumnType.INT)
    assert to_cell(remark, "=cmd|' /C calc'!A0", {}) == "'=cmd|' /C calc'!A0"
    assert to_cell(days, -5, {}) == -5
    assert to_cell(remark, -5, {}) == "'-5"


# --- column mapping -----------------------------------------------------------------------


async def test_dictionary_columns_show_labels_in_the_callers_language() -> None:
    reports, writer = service()
    await reports.export("x", "t", [STATE], each({"state": 1}, {"state": 0}, {"state": 9}), "zh")
    assert writer.headers == ["状态"] and writer.rows == [["已激活"], ["未激活"], ["9"]]
    await reports.export("x", "t", [STATE], each({"state": 1}), "en")
    assert writer.headers == ["State"] and writer.rows == [["Active"]]


def test_instants_are_written_in_utc_and_say_so() -> None:
    at = Column("at", "时间", "At", ColumnType.DATETIME)
    shanghai = datetime(2026, 5, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    assert to_cell(at, shanghai, {}) == datetime(2026, 5, 1, 0, 30)
    assert at.title("zh") == "时间 (UTC)" and at.title("en") == "At (UTC)"
    assert to_cell(at, None, {}) is None


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        (Column("n", "n", "n", ColumnType.INT), 30, 30),
        (Column("n", "n", "n", ColumnType.INT), 30.0, 30),
        (Column("n", "n", "n", ColumnType.INT), " 30 ", 30),
        (Column("s", "s", "s"), 123.0, "123"),
        (Column("s", "s", "s"), "  text ", "text"),
        (Column("s", "s", "s"), "'=1+2", "=1+2"),
        (Column("b", "b", "b", ColumnType.BOOL), "是", True),
        (Column("b", "b", "b", ColumnType.BOOL), 0, False),
        (
            Column("t", "t", "t", ColumnType.DATETIME),
            "2026-05-01 08:30",
            datetime(2026, 5, 1, 8, 30, tzinfo=UTC),
        ),
        (
            Column("t", "t", "t", ColumnType.DATETIME),
            datetime(2026, 5, 1),
            datetime(2026, 5, 1, tzinfo=UTC),
        ),
        (Column("s", "s", "s"), None, None),
        (Column("s", "s", "s"), "   ", None),
    ],
)
def test_cells_become_typed_values(column: Column, raw: Any, expected: Any) -> None:
    assert from_cell(column, raw, {}) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (ColumnType.INT, 30.5),
        (ColumnType.INT, "thirty"),
        (ColumnType.INT, True),
        (ColumnType.BOOL, "maybe"),
        (ColumnType.DATETIME, "yesterday"),
    ],
)
def test_cells_that_do_not_fit_their_column_are_errors(kind: ColumnType, raw: Any) -> None:
    with pytest.raises(CellError):
        from_cell(Column("c", "c", "c", kind), raw, {})


def test_dictionary_cells_read_either_label_or_the_value() -> None:
    lookup = {"未激活": "0", "Inactive": "0", "0": "0", "已激活": "1", "Active": "1", "1": "1"}
    assert [from_cell(STATE, raw, lookup) for raw in ("已激活", "Inactive", "1", 0)] == [1, 0, 1, 0]
    with pytest.raises(CellError, match="not one of"):
        from_cell(STATE, "过期了", lookup)


def test_headers_are_found_in_either_language_in_any_order() -> None:
    code = Column("code", "编码", "Code", required=True)
    days = Column("days", "有效天数", "Days valid", ColumnType.INT, required=True)
    remark = Column("remark", "备注", "Remark")
    found, errors = header_index([code, days, remark], ["Remark", "notes", "编码"])
    assert errors == [RowError(1, "days", "this column is missing")]
    found, errors = header_index([code, days, remark], ["Remark", "notes", "编码", " days VALID "])
    assert errors == [] and found == {"remark": 0, "code": 2, "days": 3}
    _, errors = header_index([code], ["Code", "编码*"])
    assert errors == [RowError(1, "code", "this column appears more than once")]


async def test_reading_a_sheet_collects_every_cell_error_with_its_row() -> None:
    code = Column("code", "编码", "Code", required=True)
    days = Column("days", "有效天数", "Days valid", ColumnType.INT, required=True)
    reports, _ = service(
        [
            ("编码", "有效天数"),
            ("AAAA-1", 30),
            (None, None),  # blank rows are skipped but keep their numbers
            ("AAAA-2", "lots"),
            (None, 5),
            ("AAAA-3", "7"),
        ]
    )
    rows, errors = await reports.read(None, [code, days])  # type: ignore[arg-type]
    assert rows == [
        ImportRow(2, {"code": "AAAA-1", "days": 30}),
        ImportRow(6, {"code": "AAAA-3", "days": 7}),
    ]
    assert errors == [
        RowError(4, "days", "a whole number is expected"),
        RowError(5, "code", "this cell is required"),
    ]


async def test_an_empty_sheet_is_an_error_not_a_silent_success() -> None:
    reports, _ = service([("编码",)])
    rows, errors = await reports.read(None, [Column("code", "编码", "Code")])  # type: ignore[arg-type]
    assert rows == [] and errors[0].message == "the sheet has no data rows"


# --- the all-or-nothing rule --------------------------------------------------------------


async def test_config_import_checks_keys_against_the_file_and_the_database(
    container: Container,
) -> None:
    configs = container.configs()
    await configs.create(1, CreateConfig(name="n", key="app.taken", value="1"))
    assert await configs.value("app.new") is None  # cached as missing
    with pytest.raises(ImportRejected) as exc:
        await configs.create_many(
            1,
            [
                ImportRow(2, {"name": "a", "key": "app.taken", "value": ""}),
                ImportRow(3, {"name": "b", "key": "1bad", "value": ""}),
                ImportRow(4, {"name": "c", "key": "app.new", "value": ""}),
                ImportRow(5, {"name": "d", "key": "app.new", "value": ""}),
            ],
        )
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "key"), (3, "key"), (5, "key")]
    assert await configs.value("app.new") is None
    assert (
        await configs.create_many(
            1, [ImportRow(2, {"name": "c", "key": "app.new", "value": "yes"})]
        )
        == 1
    )
    assert await configs.value("app.new") == "yes"  # the cached "missing" was dropped


async def test_dictionary_import_needs_known_types_and_new_values(container: Container) -> None:
    dictionaries = container.dictionaries()
    await dictionaries.create_type(1, CreateDictType(code="fruit", name="Fruit"))
    await dictionaries.create_item(1, CreateDictItem(type_code="fruit", label="Apple", value="a"))
    assert [i["value"] for i in await dictionaries.items_of("fruit")] == ["a"]
    with pytest.raises(ImportRejected) as exc:
        await dictionaries.create_items(
            1,
            [
                ImportRow(2, {"type_code": "fruit", "label": "Apple", "value": "a"}),
                ImportRow(3, {"type_code": "veg", "label": "Leek", "value": "l"}),
                ImportRow(
                    4, {"type_code": "fruit", "label": "Pear", "value": "p", "css_class": "pink"}
                ),
            ],
        )
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (2, "value"),
        (3, "type_code"),
        (4, "css_class"),
    ]
    rows = [
        ImportRow(
            2, {"type_code": "fruit", "label": "Pear", "label_en": "Pear", "value": "p", "sort": 2}
        )
    ]
    assert await dictionaries.create_items(1, rows) == 1
    assert [i["value"] for i in await dictionaries.items_of("fruit")] == ["a", "p"]  # cache dropped


# --- reports declared at the edge ---------------------------------------------------------


def test_the_reports_the_modules_declare_are_the_shipped_ones_and_reuse_list_queries() -> None:
    declared = [r for spec in module_specs() for r in spec.reports]
    reports = load(r.name for r in declared)
    assert reports == discover()  # every report file belongs to a module of the list
    for spec in declared:
        report = reports[spec.name]
        assert report.export_labels == (spec.export_label,)
        assert report.import_labels == (None if spec.import_label is None else (spec.import_label,))
    assert reports["users"].query is UserQuery and not reports["users"].importable
    assert reports["config_settings"].query is ConfigQuery
    assert reports["dict_items"].query is DictItemQuery
    with pytest.raises(ValidationError):
        reports["users"].query.model_validate({"no_such_filter": "1"})


async def test_each_report_is_consistent_with_its_labels_dictionaries_and_schema(
    seeded: Container,
) -> None:
    # What the seed of every module of the list wrote: labels and dictionaries.
    async with seeded.uow() as uow:
        seeded_labels = {label.label for label in (await uow.labels.search(None, _all())).items}
        dictionaries = {t.code for t in (await uow.dict_types.search(None, _all())).items}
    for report in discover().values():
        assert set(report.export_labels) <= seeded_labels, report.name
        assert set(report.import_labels or ()) <= seeded_labels, report.name
        for column in (*report.columns, *report.import_columns):
            assert column.dictionary is None or column.dictionary in dictionaries
        if report.import_schema is not None:
            fields = set(report.import_schema.model_fields)
            assert {c.key for c in report.import_columns} <= fields, report.name
            report.import_schema.model_validate(dict(report.example))


def test_dropping_a_module_in_the_package_adds_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "extra_reports"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_helpers.py").write_text("REPORT = None\n")
    (package / "things.py").write_text(
        textwrap.dedent(
            """
            from entrypoints.http.reports import Report
            from entrypoints.http.schemas.common import ListQuery
            from core.reports.model import Column

            REPORT = Report(
                name="things", title="东西", title_en="Things", export_labels=("perm:thing:export",),
                columns=(Column("id", "编号", "ID"),), query=ListQuery, rows=lambda c, q: [],
            )
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = discover("extra_reports")
    finally:
        for name in [m for m in sys.modules if m.startswith("extra_reports")]:
            del sys.modules[name]
    assert list(found) == ["things"] and isinstance(found["things"], Report)


def test_a_report_without_labels_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="label"):
        Report(
            name="x",
            title="x",
            title_en="x",
            export_labels=(),
            columns=(),
            query=UserQuery,
            rows=lambda c, q, s: each(),
        )


def test_download_names_work_in_chinese() -> None:
    header = content_disposition("users_20261128.xlsx", "用户_20261128.xlsx")
    assert header == (
        'attachment; filename="users_20261128.xlsx"; '
        "filename*=UTF-8''%E7%94%A8%E6%88%B7_20261128.xlsx"
    )
    assert content_disposition('a"b\r\n.xlsx', "x").startswith('attachment; filename="a_b__.xlsx"')


def _all() -> PageRequest:
    return PageRequest(size=100)
