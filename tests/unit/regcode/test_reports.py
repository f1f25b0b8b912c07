"""The reg-code report: an import is all or nothing; the export takes the list's filters."""

from __future__ import annotations

import pytest

from bootstrap import Container
from core.regcode.model import RegCode
from core.regcode.ports import RegCodeFilter
from core.reports.model import ImportRejected, ImportRow, RowError
from core.shared.scope import EVERY_ROW
from entrypoints.http.reports import load
from entrypoints.http.routers.regcode import RegCodeQuery
from tests.unit.fakes import FakeClock, Store


def test_the_report_reuses_the_list_routes_query_model() -> None:
    report = load(["reg_codes"])["reg_codes"]
    assert report.query is RegCodeQuery and report.importable
    with pytest.raises(ValueError):
        report.query.model_validate({"state": "9"})


def _codes(store: Store) -> set[str]:
    return {c.code for c in store.live(RegCode)}


async def test_an_import_with_errors_writes_nothing_and_reports_each(
    container: Container, store: Store
) -> None:
    await container.reg_codes().import_codes(
        1, [ImportRow(2, {"code": "TAKEN-0001", "reg_times": 5})]
    )
    before, commits = _codes(store), store.commits
    rows = [
        ImportRow(2, {"code": "GOOD-0001", "reg_times": 30, "remark": ""}),
        ImportRow(3, {"code": "no spaces allowed", "reg_times": 30}),
        ImportRow(4, {"code": "GOOD-0001", "reg_times": 30}),
        ImportRow(5, {"code": "TAKEN-0001", "reg_times": 30}),
        ImportRow(6, {"code": "GOOD-0002", "reg_times": 0}),
    ]
    with pytest.raises(ImportRejected) as exc:
        await container.reg_codes().import_codes(1, rows, [RowError(7, "remark", "too long")])
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (3, "code"),
        (4, "code"),
        (5, "code"),
        (6, "reg_times"),
        (7, "remark"),
    ]
    assert exc.value.code == "import_rejected"
    assert _codes(store) == before and store.commits == commits


async def test_a_clean_import_creates_every_row_in_one_commit(
    container: Container, store: Store, clock: FakeClock
) -> None:
    commits = store.commits
    rows = [
        ImportRow(n, {"code": f"CODE-{n:04d}", "reg_times": 30, "remark": "r"})
        for n in range(2, 12)
    ]
    assert await container.reg_codes().import_codes(7, rows) == 10
    created = [c for c in store.live(RegCode) if c.code.startswith("CODE-")]
    assert len(created) == 10 and store.commits == commits + 1
    assert all(
        c.creator_id == 7 and c.created_time == clock.now() and c.state == 0 for c in created
    )


async def test_reg_code_export_reuses_the_list_filter(
    container: Container, clock: FakeClock
) -> None:
    codes = container.reg_codes()
    made = await codes.generate(1, 5, 10)
    for code in made[:2]:
        assert code.id is not None
        await codes.activate(1, code.id)
    report = load(["reg_codes"])["reg_codes"]
    query = RegCodeQuery.model_validate({"state": "1"})
    exported = [r async for r in report.rows(container, query, EVERY_ROW)]
    listed = (await codes.search(query.filter(), query.page_request(query.sort))).items
    assert sorted(r["id"] for r in exported) == sorted(v.reg_code.id for v in listed)
    assert len(exported) == 2 and all(r["state"] == 1 for r in exported)
    # The batches join up.
    assert len([r async for r in codes.iterate(RegCodeFilter(), batch_size=2)]) == 5
