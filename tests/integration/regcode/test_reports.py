"""The reg-code report over HTTP: export at scale and with the list's filters, template, import."""

from __future__ import annotations

import io
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest
from sqlalchemy import String, case, cast, func, literal, select, true, union_all
from sqlalchemy.exc import SAWarning

from adapters.sqlalchemy.rbac import users
from adapters.sqlalchemy.regcode import reg_codes
from tests.integration.conftest import App, unique
from tests.integration.test_reports import REPORT, _extra, _sheet, _upload

RC = "/api/v1/business/reg-code"
BULK = 100_000


@pytest.fixture(scope="module")
def own(make_seeded_database: Callable[[], str]) -> str:
    """A database of this module's own: 100,000 codes must not disturb the shared one."""
    return make_seeded_database()


@pytest.fixture(scope="module")
def app(own: str, make_app: Callable[..., App], redis_prefix: str) -> App:
    return make_app(database_url=own, prefix=f"{redis_prefix}regcode-reports:", **_extra())


@pytest.fixture(scope="module")
def admin_h(app: App) -> dict[str, str]:
    return app.login("admin", "admin123")


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRss:
    """Samples the resident set size of this process while the block runs (Linux)."""

    def __enter__(self) -> PeakRss:
        self.base = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth(self) -> int:
        return self.peak - self.base


@pytest.fixture(scope="module")
def bulk(app: App) -> Iterator[int]:
    """100,000 codes made by the database itself: one INSERT ... SELECT through SQLAlchemy Core.

    The rows never pass through this process, so its memory before the export is not
    inflated by them (which would hide what the export itself needs).
    """
    digits = union_all(*(select(literal(d).label("d")) for d in range(10))).subquery()
    places = [digits.alias(f"p{i}") for i in range(5)]
    n = sum(p.c.d * 10**i for i, p in enumerate(places))
    product: Any = places[0]
    for place in places[1:]:
        product = product.join(place, true())
    c = reg_codes.c

    async def codes(conn: Any) -> Any:
        admin_id = await conn.scalar(select(users.c.id).where(users.c.username == "admin"))
        now = literal(datetime.now(UTC), c.created_time.type)
        return select(
            func.concat("BULK-", func.lpad(cast(n, String), 7, "0")),  # PostgreSQL pads text only
            literal(30),
            case((n == 0, literal('=HYPERLINK("http://x")')), else_=literal("")),
            literal(0),
            now,
            literal(admin_id),
            now,
            literal(admin_id),
            literal(0),
        ).select_from(product)

    columns = [
        "code",
        "reg_times",
        "remark",
        "state",
        "created_time",
        "creator_id",
        "modified_time",
        "modifier_id",
        "is_deleted",
    ]

    async def fill() -> None:
        async with app.container.engine().begin() as conn:
            await conn.execute(reg_codes.insert().from_select(columns, await codes(conn)))

    with warnings.catch_warnings():
        # The cross join of five digit tables is the point (10^5 rows); SQLAlchemy warns of it.
        warnings.simplefilter("ignore", SAWarning)
        app.run(fill)
    yield BULK


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="RSS is read from /proc")
def test_export_of_100000_codes_keeps_memory_flat(
    app: App, admin_h: dict[str, str], bulk: int
) -> None:
    started = time.perf_counter()
    with PeakRss() as memory:
        r = app.client.get(f"{REPORT}/reg_codes/export", headers=admin_h, params={"code": "BULK-"})
    elapsed = time.perf_counter() - started
    assert r.status_code == 200, r.text
    print(
        f"\nexport of {bulk} codes: {len(r.content) / 2**20:.1f} MiB xlsx in {elapsed:.1f} s "
        f"({bulk / elapsed:,.0f} rows/s); peak RSS growth {memory.growth / 2**20:.1f} MiB"
    )
    assert memory.growth < 100 * 2**20
    sheet = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == bulk + 1
    assert rows[0][:3] == ("编号", "注册码", "有效天数")
    codes = [row[1] for row in rows[1:]]
    assert len(set(codes)) == bulk and codes[0] == "BULK-0000000" and codes[-1] == "BULK-0099999"
    assert rows[1][3] == "未激活" and rows[1][7] == "admin"
    assert rows[1][6] == '\'=HYPERLINK("http://x")'  # text, never a formula
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_export_takes_the_list_filters_and_names_the_file_in_chinese(
    app: App, admin_h: dict[str, str]
) -> None:
    remark = unique("filtered")
    made = app.client.post(RC, headers=admin_h, json={"count": 3, "reg_times": 7, "remark": remark})
    first = made.json()["items"][0]["id"]
    app.client.put(f"{RC}/{first}/activate", headers=admin_h)
    params = {"state": 1, "created_start": "2000-01-01", "size": 5}
    listed = app.client.get(RC, headers=admin_h, params=params).json()
    r = app.client.get(f"{REPORT}/reg_codes/export", headers=admin_h, params=params)
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)[1:]
    assert sorted(row[0] for row in rows) == sorted(i["id"] for i in listed["items"])
    assert listed["total"] == len(rows) == 1 and rows[0][3] == "已激活"
    day = datetime.now(UTC).strftime("%Y%m%d")
    assert r.headers["content-disposition"] == (
        f'attachment; filename="reg_codes_{day}.xlsx"; '
        f"filename*=UTF-8''%E6%B3%A8%E5%86%8C%E7%A0%81_{day}.xlsx"
    )
    bad = app.client.get(f"{REPORT}/reg_codes/export", headers=admin_h, params={"state": 9})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "state"]
    unknown = app.client.get(f"{REPORT}/reg_codes/export", headers=admin_h, params={"color": "x"})
    assert unknown.status_code == 422


def test_import_of_a_filled_in_template(app: App, admin_h: dict[str, str]) -> None:
    template = app.client.get(f"{REPORT}/reg_codes/template", headers=admin_h)
    assert template.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["注册码", "有效天数", "备注"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width == 28  # the code column's declared width
    prefix = unique("IMP").upper()
    sheet.delete_rows(2)
    for n in range(5):
        sheet.append([f"{prefix}-{n}", 30 + n, f"imported {n}"])
    out = io.BytesIO()
    workbook.save(out)
    r = _upload(app, admin_h, "reg_codes", out.getvalue())
    assert r.status_code == 200, r.text
    assert r.json() == {"count": 5}
    listed = app.client.get(RC, headers=admin_h, params={"code": prefix, "size": 10}).json()
    assert sorted((i["code"], i["reg_times"], i["creator"]) for i in listed["items"]) == [
        (f"{prefix}-{n}", 30 + n, "admin") for n in range(5)
    ]


def test_an_import_with_three_bad_rows_writes_nothing(app: App, admin_h: dict[str, str]) -> None:
    prefix = unique("BAD").upper()
    existing = _sheet([["注册码", "有效天数", "备注"], [f"{prefix}-EXISTS", 30, "imported first"]])
    assert _upload(app, admin_h, "reg_codes", existing).json() == {"count": 1}
    data = _sheet(
        [
            ["注册码", "有效天数", "备注"],
            [f"{prefix}-OK", 30, "fine"],
            [f"{prefix}-DAYS", "thirty", ""],
            [f"{prefix}-OK", 30, "the same code again"],
            [f"{prefix}-EXISTS", 30, "exists already"],
        ]
    )
    r = _upload(app, admin_h, "reg_codes", data)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "import_rejected"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (3, "有效天数"),
        (4, "注册码"),
        (5, "注册码"),
    ]
    assert all(e["message"] for e in body["errors"])
    listed = app.client.get(RC, headers=admin_h, params={"code": prefix}).json()
    assert [i["code"] for i in listed["items"]] == [f"{prefix}-EXISTS"]  # nothing new written


def test_who_may_use_the_reg_code_report(app: App) -> None:
    def names(username: str, password: str) -> dict[str, tuple[bool, bool]]:
        headers = app.login(username, password)
        return {
            r["name"]: (r["can_export"], r["can_import"])
            for r in app.client.get(REPORT, headers=headers).json()
        }

    assert names("user", "123456") == {"reg_codes": (True, False)}
    assert names("opt", "opt123")["reg_codes"] == (True, True)
    user = app.login("user", "123456")
    denied = _upload(app, user, "reg_codes", _sheet([["注册码", "有效天数"], ["USER-0001", 3]]))
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
