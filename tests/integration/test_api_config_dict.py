"""Config parameters and dictionaries over HTTP on MariaDB + Redis, and who may do what."""

from __future__ import annotations

from tests.integration.conftest import App, unique

CFG = "/api/v1/system/config-setting"
SYS = "/api/v1/system"


def test_config_crud_and_key_reads(api: App, admin: dict[str, str]) -> None:
    key = unique("app.k")
    r = api.client.post(
        CFG, headers=admin, json={"name": "Site title", "key": key, "value": "Hello", "remark": "x"}
    )
    assert r.status_code == 201
    sid = r.json()["id"]
    assert api.client.get(f"{CFG}/key/{key}", headers=admin).json() == {
        "key": key,
        "value": "Hello",
        "name": "Site title",
    }
    assert (
        api.client.post(CFG, headers=admin, json={"name": "again", "key": key}).json()["code"]
        == "config_key_exists"
    )
    listed = api.client.get(CFG, headers=admin, params={"key": key}).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == sid
    assert api.client.put(f"{CFG}/{sid}", headers=admin, json={"value": "World"}).status_code == 204
    assert api.client.get(f"{CFG}/key/{key}", headers=admin).json()["value"] == "World"
    assert api.client.get(f"{CFG}/{sid}", headers=admin).json()["value"] == "World"
    assert api.client.delete(f"{CFG}/{sid}", headers=admin).status_code == 204
    gone = api.client.get(f"{CFG}/key/{key}", headers=admin)
    assert gone.status_code == 404 and gone.json()["code"] == "config_setting_not_found"
    assert (
        api.client.post(
            CFG, headers=admin, json={"name": "reborn", "key": key, "value": "1"}
        ).status_code
        == 201
    )


def test_seeded_parameters_exist(api: App, admin: dict[str, str]) -> None:
    r = api.client.get(f"{CFG}/key/sys.account.registration_open", headers=admin)
    assert r.status_code == 200 and r.json()["value"] == "true"


def test_dictionary_crud_and_public_read(api: App, admin: dict[str, str]) -> None:
    code = unique("color_")
    tid = api.client.post(
        f"{SYS}/dict-type", headers=admin, json={"code": code, "name": "Colours"}
    ).json()["id"]
    a = api.client.post(
        f"{SYS}/dict-item",
        headers=admin,
        json={
            "type_code": code,
            "label": "红",
            "label_en": "Red",
            "value": "red",
            "sort": 2,
            "css_class": "danger",
        },
    )
    b = api.client.post(
        f"{SYS}/dict-item",
        headers=admin,
        json={"type_code": code, "label": "蓝", "label_en": "Blue", "value": "blue", "sort": 1},
    )
    assert a.status_code == b.status_code == 201
    user = api.login("user", "123456")
    items = api.client.get(f"{SYS}/dict/{code}", headers=user)
    assert items.status_code == 200
    assert [(i["value"], i["label_en"], i["css_class"]) for i in items.json()] == [
        ("blue", "Blue", ""),
        ("red", "Red", "danger"),
    ]
    assert (
        api.client.put(
            f"{SYS}/dict-item/{a.json()['id']}", headers=admin, json={"status": 0}
        ).status_code
        == 204
    )
    assert [i["value"] for i in api.client.get(f"{SYS}/dict/{code}", headers=user).json()] == [
        "blue"
    ]
    listed = api.client.get(f"{SYS}/dict-item", headers=admin, params={"type_code": code}).json()
    assert listed["total"] == 2 and [i["value"] for i in listed["items"]] == ["blue", "red"]
    assert (
        api.client.delete(f"{SYS}/dict-type/{tid}", headers=admin).json()["code"]
        == "dict_type_has_items"
    )
    for item in listed["items"]:
        assert api.client.delete(f"{SYS}/dict-item/{item['id']}", headers=admin).status_code == 204
    assert api.client.delete(f"{SYS}/dict-type/{tid}", headers=admin).status_code == 204
    assert api.client.get(f"{SYS}/dict/{code}", headers=user).json() == []
    assert api.client.get(f"{SYS}/dict/sys_user_status", headers=user).json()[0]["value"] == "1"


def test_opt_writes_config_and_dictionaries_user_does_not(api: App) -> None:
    opt, user = api.login("opt", "opt123"), api.login("user", "123456")
    key = unique("opt.k")
    assert (
        api.client.post(CFG, headers=opt, json={"name": "x", "key": key, "value": "1"}).status_code
        == 201
    )
    assert (
        api.client.post(
            f"{SYS}/dict-type", headers=opt, json={"code": unique("opt_"), "name": "x"}
        ).status_code
        == 201
    )
    for method, url, body in (
        ("GET", CFG, None),
        ("POST", CFG, {"name": "x", "key": unique("u.k"), "value": "1"}),
        ("GET", f"{SYS}/dict-type", None),
        ("POST", f"{SYS}/dict-type", {"code": unique("u_"), "name": "x"}),
    ):
        assert api.client.request(method, url, headers=user, json=body).status_code == 403


def test_registration_follows_its_config_parameters(api: App, admin: dict[str, str]) -> None:
    listed = api.client.get(
        CFG, headers=admin, params={"key": "sys.account.registration_open"}
    ).json()["items"]
    sid = next(i["id"] for i in listed if i["key"] == "sys.account.registration_open")
    body = {
        "username": unique("reg"),
        "email": f"{unique('m')}@example.com",
        "password": "a fine passphrase",
        "nickname": "x",
    }
    try:
        api.client.put(f"{CFG}/{sid}", headers=admin, json={"value": "false"})
        closed = api.client.post("/api/v1/user/register", json=body)
        assert closed.status_code == 403 and closed.json()["code"] == "registration_closed"
    finally:
        api.client.put(f"{CFG}/{sid}", headers=admin, json={"value": "true"})
    assert api.client.post("/api/v1/user/register", json=body).status_code == 202
