"""Departments, posts and users' departments and posts over HTTP, on the database server + Redis.

Every test builds a tree of its own under a unique root, so they share the seeded database.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from sqlalchemy import func, select

from adapters.sqlalchemy.org import depts, posts
from adapters.sqlalchemy.rbac import user_post, users
from tests.integration.conftest import App, counting, execute, unique

DEPT = "/api/v1/system/dept"
POST = "/api/v1/system/post"
USER = "/api/v1/permission/user"
PASSWORD = "a fine password 1"


def _create(api: App, h: dict[str, str], url: str, body: dict[str, Any]) -> int:
    r = api.client.post(url, headers=h, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _dept(api: App, h: dict[str, str], name: str, parent: int = 0, **extra: Any) -> int:
    return _create(api, h, DEPT, {"name": name, "parent_id": parent, **extra})


def _tree(api: App, h: dict[str, str]) -> dict[str, int]:
    """root -> (a -> (a1 -> a11), b)"""
    root = _dept(api, h, unique("root"))
    a = _dept(api, h, "A", root, sort=2)
    a1 = _dept(api, h, "A1", a)
    a11 = _dept(api, h, "A11", a1)
    b = _dept(api, h, "B", root, sort=1)
    return {"root": root, "a": a, "a1": a1, "a11": a11, "b": b}


def _path(api: App, dept_id: int) -> str:
    return str(execute(api, select(depts.c.path).where(depts.c.id == dept_id))[0][0])


def _find(nodes: list[dict[str, Any]], dept_id: int) -> dict[str, Any] | None:
    for node in nodes:
        if node["id"] == dept_id:
            return node
        if (found := _find(node["children"], dept_id)) is not None:
            return found
    return None


def _shape(node: dict[str, Any]) -> object:
    kids = [_shape(c) for c in node["children"]]
    return (node["name"], kids) if kids else node["name"]


def _count(api: App, table: Any) -> int:
    return int(execute(api, select(func.count()).select_from(table))[0][0])


def _user(api: App, h: dict[str, str], **body: Any) -> int:
    return _create(api, h, USER, {"username": unique("u"), "password": PASSWORD, **body})


def _listed(api: App, h: dict[str, str], dept_id: int) -> set[int]:
    r = api.client.get(USER, headers=h, params={"dept_id": dept_id, "size": 100})
    assert r.status_code == 200, r.text
    return {u["id"] for u in r.json()["items"]}


# --- departments -----------------------------------------------------------------------------


def test_department_crud_and_the_tree(api: App, admin: dict[str, str]) -> None:
    t = _tree(api, admin)
    one = api.client.get(f"{DEPT}/{t['a1']}", headers=admin).json()
    assert one["parent_id"] == t["a"] and one["name"] == "A1" and one["children"] == []
    assert one["status"] == 1 and one["created_time"]
    assert _path(api, t["a11"]) == f"/{t['root']}/{t['a']}/{t['a1']}/{t['a11']}/"
    tree = api.client.get(DEPT, headers=admin).json()
    root = _find(tree, t["root"])
    assert root is not None and root["parent_id"] == 0
    assert _shape(root) == (root["name"], ["B", ("A", [("A1", ["A11"])])])  # by sort, then id
    assert any(n["name"] == "总公司" for n in tree)  # the seed's company is a root too

    r = api.client.put(
        f"{DEPT}/{t['b']}",
        headers=admin,
        json={"name": "B2", "leader": "Li", "phone": "123", "email": "b@example.com", "sort": 5},
    )
    assert r.status_code == 204, r.text
    b = api.client.get(f"{DEPT}/{t['b']}", headers=admin).json()
    assert (b["name"], b["leader"], b["phone"], b["email"], b["sort"]) == (
        "B2",
        "Li",
        "123",
        "b@example.com",
        5,
    )
    assert api.client.delete(f"{DEPT}/{t['b']}", headers=admin).status_code == 204
    gone = api.client.get(f"{DEPT}/{t['b']}", headers=admin)
    assert gone.status_code == 404 and gone.json()["code"] == "dept_not_found"
    # Its name is free again under the same parent.
    assert _dept(api, admin, "B2", t["root"]) > 0


def test_filters_show_matches_with_their_ancestors(api: App, admin: dict[str, str]) -> None:
    t = _tree(api, admin)
    name = unique("Needle")
    needle = _dept(api, admin, name, t["a1"])
    found = api.client.get(DEPT, headers=admin, params={"name": name.lower()}).json()
    assert [_shape(n) for n in found] == [
        (_shape_name(api, admin, t["root"]), [("A", [("A1", [name])])])
    ]
    assert _find(found, needle) is not None and _find(found, t["b"]) is None

    assert api.client.put(f"{DEPT}/{t['a']}", headers=admin, json={"status": 0}).status_code == 204
    usable = api.client.get(DEPT, headers=admin, params={"status": 1}).json()
    # A disabled department hides everything below it from the pickers.
    assert _find(usable, t["b"]) is not None
    assert all(_find(usable, t[k]) is None for k in ("a", "a1", "a11"))
    assert _find(usable, needle) is None
    disabled = api.client.get(DEPT, headers=admin, params={"status": 0}).json()
    root = _find(disabled, t["root"])
    assert root is not None and _shape(root) == (root["name"], ["A"])


def _shape_name(api: App, h: dict[str, str], dept_id: int) -> str:
    return str(api.client.get(f"{DEPT}/{dept_id}", headers=h).json()["name"])


def test_moving_a_subtree_moves_paths_and_the_user_filter_at_once(
    api: App, admin: dict[str, str]
) -> None:
    t = _tree(api, admin)
    in_a11 = _user(api, admin, dept_id=t["a11"])
    in_b = _user(api, admin, dept_id=t["b"])
    assert _listed(api, admin, t["a"]) == {in_a11}
    assert _listed(api, admin, t["b"]) == {in_b}
    assert _listed(api, admin, t["root"]) == {in_a11, in_b}

    r = api.client.put(f"{DEPT}/{t['a1']}", headers=admin, json={"parent_id": t["b"]})
    assert r.status_code == 204, r.text
    root, b, a1 = t["root"], t["b"], t["a1"]
    assert _path(api, a1) == f"/{root}/{b}/{a1}/"
    assert _path(api, t["a11"]) == f"/{root}/{b}/{a1}/{t['a11']}/"
    assert _path(api, t["a"]) == f"/{root}/{t['a']}/"
    # The next list (a kept answer included) follows the tree.
    assert _listed(api, admin, t["a"]) == set()
    assert _listed(api, admin, t["b"]) == {in_a11, in_b}
    node = _find(api.client.get(DEPT, headers=admin).json(), t["b"])
    assert node is not None and _shape(node) == ("B", [("A1", ["A11"])])

    # To the root and back down.
    assert api.client.put(f"{DEPT}/{a1}", headers=admin, json={"parent_id": 0}).status_code == 204
    assert _path(api, t["a11"]) == f"/{a1}/{t['a11']}/"
    assert _listed(api, admin, t["root"]) == {in_b}
    assert (
        api.client.put(f"{DEPT}/{a1}", headers=admin, json={"parent_id": t["a"]}).status_code == 204
    )
    assert _listed(api, admin, t["a"]) == {in_a11}


def test_bad_department_input_is_a_4xx_and_writes_nothing(api: App, admin: dict[str, str]) -> None:
    t = _tree(api, admin)
    member = _user(api, admin, dept_id=t["a11"])
    assert api.client.put(f"{DEPT}/{t['b']}", headers=admin, json={"status": 0}).status_code == 204
    before = _count(api, depts)
    paths = {k: _path(api, v) for k, v in t.items()}
    cases: list[tuple[str, str, dict[str, Any] | None, int, str]] = [
        ("post", DEPT, {"name": "A", "parent_id": t["root"]}, 409, "dept_name_exists"),
        ("post", DEPT, {"name": "X", "parent_id": 99999999}, 422, "dept_not_found"),
        ("post", DEPT, {"name": "X", "parent_id": t["b"]}, 422, "dept_disabled"),
        ("post", DEPT, {"name": "", "parent_id": 0}, 422, "validation_error"),
        ("post", DEPT, {"name": "x" * 65, "parent_id": 0}, 422, "validation_error"),
        ("post", DEPT, {"name": "X", "parent_id": -1}, 422, "validation_error"),
        ("post", DEPT, {"name": "X", "email": "not an address"}, 422, "validation_error"),
        ("post", DEPT, {"name": "X", "status": 2}, 422, "validation_error"),
        ("put", f"{DEPT}/{t['a']}", {"parent_id": t["a"]}, 409, "dept_cycle"),
        ("put", f"{DEPT}/{t['a']}", {"parent_id": t["a11"]}, 409, "dept_cycle"),
        ("put", f"{DEPT}/{t['root']}", {"parent_id": t["a1"]}, 409, "dept_cycle"),
        ("put", f"{DEPT}/{t['a1']}", {"parent_id": t["b"]}, 422, "dept_disabled"),
        ("put", f"{DEPT}/{t['a1']}", {"parent_id": 99999999}, 422, "dept_not_found"),
        ("put", f"{DEPT}/{t['a1']}", {"name": None}, 422, "validation_error"),
        ("put", f"{DEPT}/{t['b']}", {"name": "A"}, 409, "dept_name_exists"),
        ("put", f"{DEPT}/99999999", {"name": "X"}, 404, "dept_not_found"),
        ("delete", f"{DEPT}/{t['a']}", None, 409, "dept_has_children"),
        ("delete", f"{DEPT}/{t['a11']}", None, 409, "dept_has_users"),
        ("delete", f"{DEPT}/99999999", None, 404, "dept_not_found"),
        ("get", f"{DEPT}/99999999", None, 404, "dept_not_found"),
    ]
    for method, url, body, status, code in cases:
        r = api.client.request(method, url, headers=admin, json=body)
        assert (r.status_code, r.json()["code"]) == (status, code), (method, url, body, r.text)
    assert _count(api, depts) == before
    assert {k: _path(api, v) for k, v in t.items()} == paths
    assert _shape_name(api, admin, t["b"]) == "B"
    assert api.client.get(f"{USER}/{member}", headers=admin).json()["dept_id"] == t["a11"]


# --- posts -----------------------------------------------------------------------------------


def test_post_crud_list_and_bad_input(api: App, admin: dict[str, str]) -> None:
    code = unique("qa")
    pid = _create(api, admin, POST, {"code": code, "name": "QA", "sort": -5, "remark": "r"})
    later = _create(api, admin, POST, {"code": unique("qb"), "name": "QB", "sort": -5})
    page = api.client.get(POST, headers=admin, params={"size": 100}).json()
    ids = [p["id"] for p in page["items"]]
    assert ids.index(pid) < ids.index(later) and page["total"] >= 5  # by sort, then id
    assert {"ceo", "manager", "staff"} <= {p["code"] for p in page["items"]}
    found = api.client.get(POST, headers=admin, params={"code": code.upper()}).json()
    assert [p["id"] for p in found["items"]] == [pid]
    one = api.client.get(f"{POST}/{pid}", headers=admin).json()
    assert (one["code"], one["name"], one["sort"], one["status"], one["remark"]) == (
        code,
        "QA",
        -5,
        1,
        "r",
    )
    assert api.client.put(f"{POST}/{pid}", headers=admin, json={"status": 0}).status_code == 204
    disabled = api.client.get(POST, headers=admin, params={"code": code, "status": 0}).json()
    assert [p["id"] for p in disabled["items"]] == [pid]

    holder = _user(api, admin, post_ids=[pid])
    before = _count(api, posts)
    for method, url, body, status, want in [
        ("post", POST, {"code": code, "name": "again"}, 409, "post_code_exists"),
        ("put", f"{POST}/{later}", {"code": code}, 409, "post_code_exists"),
        ("post", POST, {"code": "", "name": "x"}, 422, "validation_error"),
        ("post", POST, {"code": "a b", "name": "x"}, 422, "validation_error"),
        ("put", f"{POST}/{pid}", {"code": None}, 422, "validation_error"),
        ("delete", f"{POST}/{pid}", None, 409, "post_in_use"),
        ("get", f"{POST}/99999999", None, 404, "post_not_found"),
        ("put", f"{POST}/99999999", {"name": "x"}, 404, "post_not_found"),
        ("delete", f"{POST}/99999999", None, 404, "post_not_found"),
    ]:
        r = api.client.request(method, url, headers=admin, json=body)
        assert (r.status_code, r.json()["code"]) == (status, want), (method, url, r.text)
    assert _count(api, posts) == before
    assert api.client.get(f"{POST}/{later}", headers=admin).json()["code"] != code

    assert api.client.delete(f"{USER}/{holder}", headers=admin).status_code == 204
    assert api.client.delete(f"{POST}/{pid}", headers=admin).status_code == 204
    assert api.client.get(f"{POST}/{pid}", headers=admin).status_code == 404
    # The code is free again.
    assert _create(api, admin, POST, {"code": code, "name": "QA again"}) > 0


# --- users' department and posts -------------------------------------------------------------


def test_users_carry_a_department_and_posts(api: App, admin: dict[str, str]) -> None:
    t = _tree(api, admin)
    p1 = _create(api, admin, POST, {"code": unique("p"), "name": "P1", "sort": 1})
    p2 = _create(api, admin, POST, {"code": unique("p"), "name": "P2", "sort": 2})
    uid = _user(api, admin, dept_id=t["a1"], post_ids=[p2, p1])
    one = api.client.get(f"{USER}/{uid}", headers=admin).json()
    assert (one["dept_id"], one["dept_name"], one["post_ids"]) == (t["a1"], "A1", [p1, p2])
    listed = api.client.get(USER, headers=admin, params={"dept_id": t["a1"]}).json()["items"]
    assert [(u["id"], u["dept_name"], u["post_ids"]) for u in listed] == [(uid, "A1", [p1, p2])]

    r = api.client.put(f"{USER}/{uid}", headers=admin, json={"dept_id": t["b"], "post_ids": [p2]})
    assert r.status_code == 204, r.text
    one = api.client.get(f"{USER}/{uid}", headers=admin).json()
    assert (one["dept_id"], one["dept_name"], one["post_ids"]) == (t["b"], "B", [p2])
    assert api.client.put(f"{USER}/{uid}", headers=admin, json={"nickname": "n"}).status_code == 204
    assert api.client.get(f"{USER}/{uid}", headers=admin).json()["post_ids"] == [p2]
    r = api.client.put(f"{USER}/{uid}", headers=admin, json={"dept_id": None, "post_ids": []})
    assert r.status_code == 204
    one = api.client.get(f"{USER}/{uid}", headers=admin).json()
    assert (one["dept_id"], one["dept_name"], one["post_ids"]) == (None, None, [])
    live_links = select(func.count()).where(user_post.c.user_id == uid, user_post.c.is_deleted == 0)
    assert execute(api, live_links)[0][0] == 0

    # The export names the department and the posts.
    assert (
        api.client.put(
            f"{USER}/{uid}", headers=admin, json={"dept_id": t["a11"], "post_ids": [p1, p2]}
        ).status_code
        == 204
    )
    r = api.client.get(
        "/api/v1/report/users/export",
        headers={**admin, "Accept-Language": "en"},
        params={"dept_id": t["a"]},
    )
    assert r.status_code == 200, r.text
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)
    header = list(rows[0])
    at = {name: header.index(name) for name in ("Department", "Posts", "ID")}
    assert [(row[at["ID"]], row[at["Department"]], row[at["Posts"]]) for row in rows[1:]] == [
        (uid, "A11", "P1, P2")
    ]


def test_bad_user_departments_and_posts_are_422_and_write_nothing(
    api: App, admin: dict[str, str]
) -> None:
    t = _tree(api, admin)
    pid = _create(api, admin, POST, {"code": unique("p"), "name": "P"})
    assert api.client.put(f"{DEPT}/{t['a']}", headers=admin, json={"status": 0}).status_code == 204
    uid = _user(api, admin, dept_id=t["b"], post_ids=[pid])
    before = _count(api, users), _count(api, user_post)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"dept_id": 99999999}, "dept_not_found"),
        ({"dept_id": t["a"]}, "dept_disabled"),
        ({"dept_id": t["a11"]}, "dept_disabled"),  # below a disabled department
        ({"post_ids": [pid, 99999999]}, "post_not_found"),
        ({"dept_id": 0}, "validation_error"),
        ({"post_ids": [0]}, "validation_error"),
    ]
    for extra, code in cases:
        body = {"username": unique("u"), "password": PASSWORD, **extra}
        r = api.client.post(USER, headers=admin, json=body)
        assert (r.status_code, r.json()["code"]) == (422, code), (extra, r.text)
        r = api.client.put(f"{USER}/{uid}", headers=admin, json={"nickname": "changed", **extra})
        assert (r.status_code, r.json()["code"]) == (422, code), (extra, r.text)
    r = api.client.put(f"{USER}/{uid}", headers=admin, json={"post_ids": None})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert (_count(api, users), _count(api, user_post)) == before
    one = api.client.get(f"{USER}/{uid}", headers=admin).json()
    assert (one["nickname"], one["dept_id"], one["post_ids"]) == ("", t["b"], [pid])


def test_the_seed_placed_the_demo_users(api: App, admin: dict[str, str]) -> None:
    tree = api.client.get(DEPT, headers=admin).json()
    head = next(n for n in tree if n["name"] == "总公司")
    assert _shape(head) == ("总公司", [("研发部", ["平台组"]), "市场部"])
    found = api.client.get(USER, headers=admin, params={"username": "admin"}).json()["items"]
    admin_row = next(u for u in found if u["username"] == "admin")
    assert (admin_row["dept_id"], admin_row["dept_name"]) == (head["id"], "总公司")


def test_a_user_list_reads_departments_and_posts_in_a_fixed_number_of_queries(
    api: App, admin: dict[str, str]
) -> None:
    t = _tree(api, admin)
    pid = _create(api, admin, POST, {"code": unique("p"), "name": "P"})
    for dept in ("a", "a1", "a11", "b"):
        _user(api, admin, dept_id=t[dept], post_ids=[pid])
    with counting(api) as statements:
        r = api.client.get(USER, headers=admin, params={"dept_id": t["root"], "size": 10})
    assert r.status_code == 200 and r.json()["total"] == 4
    assert {u["dept_name"] for u in r.json()["items"]} == {"A", "A1", "A11", "B"}
    # The page (its total told by the short page), then the roles, posts and department
    # names of all its users in one query: never one per user.
    assert len(statements) == 2, statements
