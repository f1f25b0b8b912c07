"""Administration of users, roles, menus and labels over HTTP, on the database server + Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.rbac.model import User
from tests.integration.conftest import App, unique

API = "/api/v1/permission"


def _ids(api: App, admin: dict[str, str], path: str, key: str, values: set[str]) -> list[int]:
    items = api.client.get(f"{API}/{path}", headers=admin, params={"size": 100}).json()["items"]
    return [i["id"] for i in items if i[key] in values]


async def _user(api: App, user_id: int) -> User | None:
    async with api.container.uow() as uow:
        user: User | None = await uow.users.get(user_id)
    return user


def test_user_crud_filters_and_audit_columns(api: App, admin: dict[str, str]) -> None:
    me = api.client.get("/api/v1/user/info", headers=admin).json()
    name = unique("crud")
    r = api.client.post(
        f"{API}/user",
        headers=admin,
        json={
            "username": name,
            "password": "a fine passphrase",
            "nickname": "Crud",
            "email": f"{name}@example.com",
        },
    )
    assert r.status_code == 201
    uid = r.json()["id"]
    row = api.run(_user, api, uid)
    assert row is not None
    assert row.creator_id == me["id"] and row.modifier_id == me["id"]
    assert row.created_time is not None and row.password_hash.startswith("$argon2id$")

    got = api.client.get(f"{API}/user/{uid}", headers=admin).json()
    assert got["username"] == name and got["roles"] == [] and "password_hash" not in got

    listed = api.client.get(
        f"{API}/user", headers=admin, params={"username": name[2:], "status": 1}
    ).json()
    assert [u["id"] for u in listed["items"]] == [uid] and listed["total"] == 1
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    before = api.client.get(
        f"{API}/user", headers=admin, params={"username": name, "created_end": yesterday}
    ).json()
    assert before["total"] == 0
    today = api.client.get(
        f"{API}/user",
        headers=admin,
        params={
            "username": name,
            "created_start": yesterday,
            "created_end": int(datetime.now(UTC).timestamp()) + 5,
        },
    ).json()
    assert today["total"] == 1

    assert (
        api.client.put(f"{API}/user/{uid}", headers=admin, json={"nickname": "Renamed"}).status_code
        == 204
    )
    assert api.client.get(f"{API}/user/{uid}", headers=admin).json()["nickname"] == "Renamed"

    dup = api.client.post(
        f"{API}/user", headers=admin, json={"username": name, "password": "a fine passphrase"}
    )
    assert dup.status_code == 409 and dup.json()["code"] == "user_exists"

    assert api.client.delete(f"{API}/user/{uid}", headers=admin).status_code == 204
    assert api.client.get(f"{API}/user/{uid}", headers=admin).status_code == 404
    # A deleted user frees its username (and e-mail): the unique index allows it on MariaDB.
    again = api.client.post(
        f"{API}/user",
        headers=admin,
        json={"username": name, "password": "a fine passphrase", "email": f"{name}@example.com"},
    )
    assert again.status_code == 201


def test_disable_reset_password_and_roles(api: App, admin: dict[str, str]) -> None:
    name = unique("dis")
    uid = api.client.post(
        f"{API}/user", headers=admin, json={"username": name, "password": "a fine passphrase"}
    ).json()["id"]
    headers = api.login(name, "a fine passphrase")
    assert (
        api.client.put(f"{API}/user/{uid}/active", headers=admin, json={"status": 0}).status_code
        == 204
    )
    assert api.client.get("/api/v1/user/info", headers=headers).status_code == 401
    r = api.client.post(
        "/api/v1/user/login", data={"username": name, "password": "a fine passphrase"}
    )
    assert r.status_code == 403 and r.json()["code"] == "user_disabled"
    api.client.put(f"{API}/user/{uid}/active", headers=admin, json={"status": 1})

    headers = api.login(name, "a fine passphrase")
    assert (
        api.client.put(
            f"{API}/user/{uid}/password", headers=admin, json={"new_password": "reset by the admin"}
        ).status_code
        == 204
    )
    assert api.client.get("/api/v1/user/info", headers=headers).status_code == 401
    headers = api.login(name, "reset by the admin")

    opt_role = _ids(api, admin, "role", "code", {"opt"})
    assert (
        api.client.put(
            f"{API}/user/{uid}/roles", headers=admin, json={"role_ids": opt_role}
        ).status_code
        == 204
    )
    # The same token sees its new role on the next request: the cache entry was dropped.
    assert api.client.get(f"{API}/user", headers=headers).status_code == 200
    assert (
        api.client.post(
            f"{API}/user",
            headers=headers,
            json={"username": unique("x"), "password": "a fine passphrase"},
        ).status_code
        == 403
    )
    assert (
        api.client.put(f"{API}/user/{uid}/roles", headers=admin, json={"role_ids": []}).status_code
        == 204
    )
    assert api.client.get(f"{API}/user", headers=headers).status_code == 403
    bad = api.client.put(f"{API}/user/{uid}/roles", headers=admin, json={"role_ids": [987654]})
    assert bad.status_code == 422 and bad.json()["code"] == "role_not_found"


def test_role_crud_and_assignments(api: App, admin: dict[str, str]) -> None:
    code = unique("r")
    r = api.client.post(f"{API}/role", headers=admin, json={"code": code, "name": "Auditors"})
    assert r.status_code == 201
    rid = r.json()["id"]
    assert (
        api.client.post(f"{API}/role", headers=admin, json={"code": code, "name": "Again"}).json()[
            "code"
        ]
        == "role_exists"
    )
    menus = _flatten(api.client.get(f"{API}/menu", headers=admin).json())
    log_menus = [m["id"] for m in menus if m["name"] in {"log", "log_login"}]
    label_ids = _ids(api, admin, "perm-label", "label", {"perm:log:get"})
    assert (
        api.client.put(
            f"{API}/role/{rid}/menus", headers=admin, json={"menu_ids": log_menus}
        ).status_code
        == 204
    )
    assert (
        api.client.put(
            f"{API}/role/{rid}/perm-labels", headers=admin, json={"label_ids": label_ids}
        ).status_code
        == 204
    )
    detail = api.client.get(f"{API}/role/{rid}", headers=admin).json()
    assert sorted(detail["menu_ids"]) == sorted(log_menus) and detail["label_ids"] == label_ids

    name = unique("aud")
    api.client.post(
        f"{API}/user",
        headers=admin,
        json={"username": name, "password": "a fine passphrase", "role_ids": [rid]},
    )
    headers = api.login(name, "a fine passphrase")
    routers = api.client.get("/api/v1/user/routers", headers=headers).json()
    assert routers["roles"] == [code] and routers["labels"] == ["perm:log:get"]
    assert [m["name"] for m in routers["menus"]] == ["log"]
    assert [c["name"] for c in routers["menus"][0]["children"]] == ["log_login"]
    assert api.client.get("/api/v1/system/log/login", headers=headers).status_code == 200

    # Deleting the role ends its grants at once.
    assert api.client.delete(f"{API}/role/{rid}", headers=admin).status_code == 204
    assert api.client.get("/api/v1/system/log/login", headers=headers).status_code == 403
    admin_role = _ids(api, admin, "role", "code", {"admin"})[0]
    r = api.client.delete(f"{API}/role/{admin_role}", headers=admin)
    assert r.status_code == 409 and r.json()["code"] == "admin_role_protected"


def test_menu_crud(api: App, admin: dict[str, str]) -> None:
    name = unique("m")
    d = api.client.post(
        f"{API}/menu",
        headers=admin,
        json={"type": "dir", "name": name, "title": "目录", "title_en": "Dir", "path": f"/{name}"},
    )
    assert d.status_code == 201
    dir_id = d.json()["id"]
    m = api.client.post(
        f"{API}/menu",
        headers=admin,
        json={
            "type": "menu",
            "name": name + "_page",
            "title": "页面",
            "parent_id": dir_id,
            "component": "x/index",
        },
    )
    assert m.status_code == 201
    bad = api.client.post(
        f"{API}/menu",
        headers=admin,
        json={"type": "button", "name": name + "_btn", "title": "按钮"},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "menu_parent_invalid"
    assert (
        api.client.post(
            f"{API}/menu", headers=admin, json={"type": "dir", "name": name, "title": "x"}
        ).status_code
        == 409
    )
    assert (
        api.client.delete(f"{API}/menu/{dir_id}", headers=admin).json()["code"]
        == "menu_has_children"
    )
    assert (
        api.client.put(
            f"{API}/menu/{m.json()['id']}", headers=admin, json={"hidden": True, "sort": 5}
        ).status_code
        == 204
    )
    got = api.client.get(f"{API}/menu/{m.json()['id']}", headers=admin).json()
    assert got["hidden"] is True and got["sort"] == 5 and got["type"] == "menu"
    assert api.client.delete(f"{API}/menu/{m.json()['id']}", headers=admin).status_code == 204
    assert api.client.delete(f"{API}/menu/{dir_id}", headers=admin).status_code == 204
    assert api.client.get(f"{API}/menu/{dir_id}", headers=admin).status_code == 404


def test_label_crud(api: App, admin: dict[str, str]) -> None:
    label = f"perm:{unique('res')}:get"
    r = api.client.post(f"{API}/perm-label", headers=admin, json={"label": label, "name": "Read"})
    assert r.status_code == 201
    lid = r.json()["id"]
    assert (
        api.client.post(f"{API}/perm-label", headers=admin, json={"label": label}).json()["code"]
        == "label_exists"
    )
    bad = api.client.post(f"{API}/perm-label", headers=admin, json={"label": "not a label"})
    assert bad.status_code == 422 and bad.json()["code"] == "label_invalid"
    assert (
        api.client.get(f"{API}/perm-label", headers=admin, params={"label": label}).json()["total"]
        == 1
    )
    assert (
        api.client.put(f"{API}/perm-label/{lid}", headers=admin, json={"status": 0}).status_code
        == 204
    )
    assert api.client.delete(f"{API}/perm-label/{lid}", headers=admin).status_code == 204
    assert (
        api.client.post(f"{API}/perm-label", headers=admin, json={"label": label}).status_code
        == 201
    )


def test_bad_input_is_a_clear_4xx(api: App, admin: dict[str, str]) -> None:
    cases = [
        api.client.get(f"{API}/user", headers=admin, params={"size": 101}),
        api.client.get(f"{API}/user", headers=admin, params={"page": 0}),
        api.client.get(f"{API}/user", headers=admin, params={"sort": "password_hash"}),
        api.client.get(f"{API}/user", headers=admin, params={"created_start": "yesterday"}),
        api.client.post(f"{API}/user", headers=admin, json={"username": "ab", "password": "x"}),
        api.client.post(
            f"{API}/user",
            headers=admin,
            json={"username": unique("u"), "password": "a fine passphrase", "is_admin": True},
        ),
        api.client.post(
            f"{API}/user",
            headers={**admin, "content-type": "application/json"},
            content=b"{not json",
        ),
        api.client.put(f"{API}/user/1/active", headers=admin, json={"status": 7}),
    ]
    for r in cases:
        assert r.status_code == 422, r.text
        assert r.json()["code"] in {"validation_error", "username_invalid"}
    created_start = api.client.get(
        f"{API}/user", headers=admin, params={"created_start": "yesterday"}
    ).json()
    assert created_start["errors"][0]["loc"] == ["query", "created_start"]
    assert api.client.get(f"{API}/user/99999999", headers=admin).status_code == 404
    assert api.client.get(f"{API}/user/not-a-number", headers=admin).status_code == 422


def _flatten(nodes: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for n in nodes:
        out.append(n)
        out.extend(_flatten(n["children"]))
    return out


def test_list_filters_match_case_blind(api: App, admin: dict[str, str]) -> None:
    """The same hits on every database: PostgreSQL's LIKE alone would be case-sensitive."""
    name = unique("blind")
    r = api.client.post(
        f"{API}/user",
        headers=admin,
        json={"username": name, "password": "a fine passphrase", "nickname": f"Mixed{name}"},
    )
    assert r.status_code == 201, r.text
    role = unique("BlindRole")
    r = api.client.post(f"{API}/role", headers=admin, json={"code": role.lower(), "name": role})
    assert r.status_code == 201, r.text
    key = unique("Blind.Key.")  # an exact key (binary collation on MySQL/MariaDB)
    r = api.client.post(
        "/api/v1/system/config-setting", headers=admin, json={"name": key, "key": key, "value": "1"}
    )
    assert r.status_code == 201, r.text
    for path, params, field, want in (
        (f"{API}/user", {"nickname": f"mixed{name}".upper()}, "username", name),
        (f"{API}/user", {"username": name.upper()}, "username", name),
        (f"{API}/role", {"name": role.lower()}, "name", role),
        ("/api/v1/system/config-setting", {"key": key.lower()}, "key", key),
    ):
        items = api.client.get(path, headers=admin, params=params).json()["items"]
        assert [i[field] for i in items] == [want], (path, params)
