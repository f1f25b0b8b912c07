"""Reports over HTTP on MariaDB + Redis: export at scale, templates, imports, and hostile files."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest

from bootstrap import Settings
from tests.integration.conftest import App, unique

REPORT = "/api/v1/report"
# The headers of the config-parameter report: the importable report every install has.
CONFIG_HEADERS = ["参数名称", "参数键名", "参数键值"]


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
        "部门",
        "岗位",
        "创建时间 (UTC)",
    )
    assert [(row[1], row[5], row[6], row[7], row[8]) for row in rows[1:]] == [
        ("admin", "正常", "超级管理员", "总公司", "总经理")
    ]
    assert not any("argon2" in str(value) for row in rows for value in row)


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

    # The platform's reports; each module's slice tests who may use its own.
    platform = {"config_settings", "dict_items", "users"}
    assert platform.isdisjoint(names("user", "123456"))
    assert {k: v for k, v in names("opt", "opt123").items() if k in platform} == {
        "config_settings": (True, True),
        "dict_items": (True, True),
        "users": (True, False),
    }
    user = app.login("user", "123456")
    denied = _upload(app, user, "config_settings", _sheet([CONFIG_HEADERS, ["n", "a.b", "v"]]))
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
    r = _upload(app, admin_h, "config_settings", bomb)
    assert r.status_code == 400 and r.json()["code"] == "zip_bomb"
    huge = _zip({**XLSX_MARKERS, **{f"xl/media/{n}.bin": b"\0" * (1 << 20) for n in range(60)}})
    r = _upload(app, admin_h, "config_settings", huge)
    assert r.status_code == 400 and r.json()["code"] == "spreadsheet_too_large"
    many = _zip({**XLSX_MARKERS, **{f"xl/x{n}.xml": b"<x/>" for n in range(300)}})
    r = _upload(app, admin_h, "config_settings", many)
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
    good = _sheet([CONFIG_HEADERS, ["laugh", "laugh.key", "LAUGH-0001"]])

    def poison(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1] if xml.startswith(b"<?xml") else xml
        return LAUGHS + body.replace(b"LAUGH-0001", b"&lol9;")

    r = _upload(app, admin_h, "config_settings", _with_part(good, part, poison))
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "spreadsheet_unsafe"


def test_oversize_uploads_are_413_and_other_files_400(strict: App) -> None:
    headers = strict.login("admin", "admin123")
    big = b"PK" + os.urandom((1 << 20) + (128 << 10))
    r = _upload(strict, headers, "config_settings", big)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    r = _upload(strict, headers, "config_settings", b"name,key,value\nA,b,1\n")
    assert r.status_code == 400 and r.json()["code"] == "not_a_spreadsheet"
    r = strict.client.post(f"{REPORT}/config_settings/import", headers=headers, json={})
    assert r.status_code == 400 and r.json()["code"] == "upload_missing"
    rows = [CONFIG_HEADERS] + [[f"limit {n}", f"limit.k{n}", "1"] for n in range(4)]
    r = _upload(strict, headers, "config_settings", _sheet(rows))
    assert r.status_code == 400 and r.json()["code"] == "too_many_rows"
