"""Reports over HTTP on MariaDB + Redis: export at scale, templates, imports, and hostile files."""

from __future__ import annotations

import io
import os
import threading
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest
from sqlalchemy import String, case, cast, func, literal, select, true, union_all
from sqlalchemy.exc import SAWarning

from adapters.sqlalchemy import tables
from bootstrap import Settings
from tests.integration.conftest import App, unique

RC = "/api/v1/business/reg-code"
REPORT = "/api/v1/report"
BULK = 100_000


@pytest.fixture(scope="module")
def own(make_seeded_database: Callable[[], str]) -> str:
    """A database of this module's own: 100,000 codes must not disturb the shared one."""
    url = make_seeded_database()
    return url


def _extra() -> dict[str, Any]:
    # The job scheduler, when present, would write to this database in the background.
    return {"scheduler_enabled": False} if "scheduler_enabled" in Settings.model_fields else {}


@pytest.fixture(scope="module")
def app(own: str, make_app: Callable[..., App], redis_prefix: str) -> App:
    return make_app(database_url=own, prefix=f"{redis_prefix}reports:", **_extra())


@pytest.fixture(scope="module")
def strict(own: str, make_app: Callable[..., App], redis_prefix: str) -> App:
    """The same database with small limits, to reach them with small files."""
    return make_app(
        database_url=own,
        prefix=f"{redis_prefix}reports:",
        import_max_file_mib=1,
        import_max_rows=3,
        **_extra(),
    )


@pytest.fixture(scope="module")
def admin_h(app: App) -> dict[str, str]:
    return app.login("admin", "admin123")


def _sheet(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(app: App, headers: dict[str, str], name: str, data: bytes) -> Any:
    return app.client.post(
        f"{REPORT}/{name}/import", headers=headers, files={"file": ("upload.xlsx", data)}
    )


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
    c = tables.reg_codes.c
    engine = app.container.engine()
    with engine.begin() as conn, warnings.catch_warnings():
        # The cross join of five digit tables is the point (10^5 rows); SQLAlchemy warns of it.
        warnings.simplefilter("ignore", SAWarning)
        admin_id = conn.scalar(select(tables.users.c.id).where(tables.users.c.username == "admin"))
        now = literal(datetime.now(UTC), c.created_time.type)
        rows = select(
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
        conn.execute(
            tables.reg_codes.insert().from_select(
                [
                    "code",
                    "reg_times",
                    "remark",
                    "state",
                    "created_time",
                    "creator_id",
                    "modified_time",
                    "modifier_id",
                    "is_deleted",
                ],
                rows,
            )
        )
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


def test_english_headers_and_dictionary_labels_on_request(
    app: App, admin_h: dict[str, str]
) -> None:
    r = app.client.get(
        f"{REPORT}/dict_items/export",
        headers={**admin_h, "Accept-Language": "en-US,en;q=0.9"},
        params={"type_code": "sys_yes_no"},
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)
    assert rows[0][:3] == ("ID", "Type", "Label") and {row[6] for row in rows[1:]} == {"Enabled"}
    assert "filename*=UTF-8''Dictionary%20items_" in r.headers["content-disposition"]


def test_the_user_export_shows_role_names_and_no_secret(app: App, admin_h: dict[str, str]) -> None:
    r = app.client.get(f"{REPORT}/users/export", headers=admin_h, params={"username": "admin"})
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)
    assert rows[0] == (
        "编号",
        "用户名",
        "昵称",
        "邮箱",
        "手机号码",
        "状态",
        "角色",
        "创建时间 (UTC)",
    )
    assert [(row[1], row[5], row[6]) for row in rows[1:]] == [("admin", "正常", "超级管理员")]
    assert not any("argon2" in str(value) for row in rows for value in row)


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


def test_config_and_dictionary_imports_obey_the_create_rules(
    app: App, admin_h: dict[str, str]
) -> None:
    key = unique("imp.key.")
    r = _upload(
        app,
        admin_h,
        "config_settings",
        _sheet([["Name", "Key", "Value"], ["imported", key, "on"], ["", f"{key}x", "x"]]),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["row"] == 3  # a name is required
    ok = _upload(
        app, admin_h, "config_settings", _sheet([["Name", "Key", "Value"], ["imported", key, "on"]])
    )
    assert ok.json() == {"count": 1}
    assert (
        app.client.get(f"/api/v1/system/config-setting/key/{key}", headers=admin_h).json()["value"]
        == "on"
    )
    code = unique("imp_").lower()
    app.client.post(
        "/api/v1/system/dict-type", headers=admin_h, json={"code": code, "name": "Imported"}
    )
    r = _upload(
        app,
        admin_h,
        "dict_items",
        _sheet(
            [
                ["字典类型", "字典标签", "字典键值", "状态"],
                [code, "甲", "a", "正常"],
                [code, "乙", "b", "Disabled"],
            ]
        ),
    )
    assert r.json() == {"count": 2}, r.text
    items = app.client.get(
        "/api/v1/system/dict-item", headers=admin_h, params={"type_code": code}
    ).json()["items"]
    assert sorted((i["value"], i["status"]) for i in items) == [("a", 1), ("b", 0)]


def test_who_may_use_which_report(app: App) -> None:
    def names(username: str, password: str) -> dict[str, tuple[bool, bool]]:
        headers = app.login(username, password)
        return {
            r["name"]: (r["can_export"], r["can_import"])
            for r in app.client.get(REPORT, headers=headers).json()
        }

    assert names("user", "123456") == {"reg_codes": (True, False)}
    assert names("opt", "opt123") == {
        "config_settings": (True, True),
        "dict_items": (True, True),
        "reg_codes": (True, True),
        "users": (True, False),
    }
    user = app.login("user", "123456")
    denied = _upload(app, user, "reg_codes", _sheet([["注册码", "有效天数"], ["USER-0001", 3]]))
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    assert app.client.get(f"{REPORT}/users/export", headers=user).status_code == 403
    assert (
        app.client.get(f"{REPORT}/nope/export", headers=user).json()["code"] == "report_not_found"
    )
    assert app.client.get(f"{REPORT}/users/template", headers=user).json()["code"] == (
        "report_not_importable"
    )


# --- hostile and oversized files ----------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


XLSX_MARKERS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_a_zip_bomb_is_refused_before_it_is_opened(app: App, admin_h: dict[str, str]) -> None:
    bomb = _zip({**XLSX_MARKERS, "xl/worksheets/sheet1.xml": b"\0" * (40 << 20)})
    assert len(bomb) < 200 << 10
    r = _upload(app, admin_h, "reg_codes", bomb)
    assert r.status_code == 400 and r.json()["code"] == "zip_bomb"
    huge = _zip({**XLSX_MARKERS, **{f"xl/media/{n}.bin": b"\0" * (1 << 20) for n in range(60)}})
    r = _upload(app, admin_h, "reg_codes", huge)
    assert r.status_code == 400 and r.json()["code"] == "spreadsheet_too_large"
    many = _zip({**XLSX_MARKERS, **{f"xl/x{n}.xml": b"<x/>" for n in range(300)}})
    r = _upload(app, admin_h, "reg_codes", many)
    assert r.status_code == 400 and r.json()["code"] == "spreadsheet_too_large"


def _laughs() -> bytes:
    """The "billion laughs": nine levels of entities, each ten of the one below."""
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol "lol">']
    for level in range(1, 10):
        below = "&lol" + (str(level - 1) if level > 1 else "") + ";"
        lines.append(f'<!ENTITY lol{level} "{below * 10}">')
    lines.append("]>")
    return ("\n".join(lines) + "\n").encode()


LAUGHS = _laughs()


def _with_part(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({i: change(src.read(i)) if i == name else src.read(i) for i in src.namelist()})


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_xml_entity_expansion_is_a_clear_400(app: App, admin_h: dict[str, str], part: str) -> None:
    good = _sheet([["注册码", "有效天数"], ["LAUGH-0001", 3]])

    def poison(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1] if xml.startswith(b"<?xml") else xml
        return LAUGHS + body.replace(b"LAUGH-0001", b"&lol9;")

    r = _upload(app, admin_h, "reg_codes", _with_part(good, part, poison))
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "spreadsheet_unsafe"


def test_oversize_uploads_are_413_and_other_files_400(strict: App) -> None:
    headers = strict.login("admin", "admin123")
    big = b"PK" + os.urandom((1 << 20) + (128 << 10))
    r = _upload(strict, headers, "reg_codes", big)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    r = _upload(strict, headers, "reg_codes", b"name,reg_times\nA,1\n")
    assert r.status_code == 400 and r.json()["code"] == "not_a_spreadsheet"
    r = strict.client.post(f"{REPORT}/reg_codes/import", headers=headers, json={})
    assert r.status_code == 400 and r.json()["code"] == "upload_missing"
    rows = [["注册码", "有效天数"]] + [[f"LIMIT-{n:04d}", 1] for n in range(4)]
    r = _upload(strict, headers, "reg_codes", _sheet(rows))
    assert r.status_code == 400 and r.json()["code"] == "too_many_rows"
