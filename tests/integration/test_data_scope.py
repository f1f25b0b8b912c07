"""Row-level data scope over HTTP on the real database and Redis: scopes x user routes.

A database of its own, with a tree put in by SQL: head -> R&D -> platform, head -> marketing.
One caller per scope sits in R&D; targets sit in each department (and one in none). Each
caller must see exactly the users its scope admits, through every route: list, get, update,
delete and export. A scoped business module's own matrix builds on this world (`build`).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from sqlalchemy import insert, select, update

from adapters.sqlalchemy.org import depts
from adapters.sqlalchemy.rbac import users
from tests.integration.conftest import App, execute

USERS = "/api/v1/permission/user"
ROLES = "/api/v1/permission/role"
PASS = "Long-enough-pass-1"
LABELS = ("perm:user:get", "perm:user:put", "perm:user:delete", "perm:user:export")
SCOPES = ("all", "custom", "dept", "dept_and_below", "self")
TARGETS = ("rnd", "platform", "marketing", "none")


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


@dataclass
class World:
    a: App
    b: App
    admin: dict[str, str]
    tag: str
    dept: dict[str, int] = field(default_factory=dict)
    path: dict[str, str] = field(default_factory=dict)
    role: dict[str, int] = field(default_factory=dict)
    uid: dict[str, int] = field(default_factory=dict)  # "c_<scope>" callers, "t_<dept>" targets
    home: dict[str, str | None] = field(default_factory=dict)  # user name -> its department
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    made: dict[str, int] = field(default_factory=dict)  # user name -> a scoped row it made

    def add_dept(self, name: str, parent: str | None) -> None:
        parent_id = self.dept[parent] if parent else 0
        execute(self.a, insert(depts).values(name=f"{self.tag}{name}", parent_id=parent_id))
        [(did,)] = execute(self.a, select(depts.c.id).where(depts.c.name == f"{self.tag}{name}"))
        self.dept[name] = did
        self.path[name] = f"{self.path[parent] if parent else '/'}{did}/"
        execute(self.a, update(depts).where(depts.c.id == did).values(path=self.path[name]))

    def move(self, name: str, path: str) -> None:
        """The tree changed by SQL; the department use case's commit also moves t_dept's
        generation (what a kept scoped list is told by)."""
        execute(self.a, update(depts).where(depts.c.id == self.dept[name]).values(path=path))
        self.a.run(self.a.container.table_generations().bump, ["t_dept"])

    def add_user(self, name: str, home: str | None, role_ids: list[int]) -> int:
        body = {"username": f"{self.tag}{name}", "password": PASS, "role_ids": role_ids}
        uid: int = ok(self.a.client.post(USERS, headers=self.admin, json=body))["id"]
        if home is not None:
            # Behind the product's back, before the user's first request (nothing cached yet).
            execute(self.a, update(users).where(users.c.id == uid).values(dept_id=self.dept[home]))
        self.uid[name], self.home[name] = uid, home
        return uid

    def login(self, name: str, app: App | None = None) -> dict[str, str]:
        return (app or self.a).login(f"{self.tag}{name}", PASS)

    def visible(self, scope: str, caller: str) -> set[str]:
        """The users (and so the rows they made) a caller in R&D of `scope` may see."""
        names = set(self.home)
        return {
            "all": names,
            "custom": {n for n in names if self.home[n] == "marketing"},
            "dept": {n for n in names if self.home[n] == "rnd"},
            "dept_and_below": {n for n in names if self.home[n] in ("rnd", "platform")},
            "self": {caller},  # `custom` names departments only: not the caller's own row
        }[scope]


def _labels(app: App, admin: dict[str, str], wanted: tuple[str, ...]) -> list[int]:
    params = {"size": 100}
    found = ok(app.client.get("/api/v1/permission/perm-label", headers=admin, params=params))
    by_label = {x["label"]: x["id"] for x in found["items"]}
    return [by_label[label] for label in wanted]


def _role(w: World, code: str, scope: str, dept_ids: list[int], labels: list[int]) -> int:
    rid: int = ok(
        w.a.client.post(ROLES, headers=w.admin, json={"code": f"{w.tag}{code}", "name": code})
    )["id"]
    ok(w.a.client.put(f"{ROLES}/{rid}/perm-labels", headers=w.admin, json={"label_ids": labels}))
    body = {"data_scope": scope, "dept_ids": dept_ids}
    ok(w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=w.admin, json=body))
    return rid


def build(
    make_app: Callable[..., App],
    make_seeded_database: Callable[[], str],
    redis_prefix: str,
    labels: tuple[str, ...] = (),
) -> World:
    """The tree, a role per scope (the user labels and `labels`), the callers and targets,
    signed in; two app instances on a database of their own and one Redis namespace."""
    url = make_seeded_database()
    prefix = f"{redis_prefix}scope{secrets.token_hex(2)}:"
    a = make_app(database_url=url, prefix=prefix)
    b = make_app(database_url=url, prefix=prefix)
    w = World(a, b, a.login("admin", "admin123"), tag=f"s{secrets.token_hex(2)}")
    w.add_dept("head", None)
    w.add_dept("rnd", "head")
    w.add_dept("platform", "rnd")
    w.add_dept("marketing", "head")
    granted = _labels(a, w.admin, LABELS + labels)
    for scope in SCOPES:
        custom = [w.dept["marketing"]] if scope == "custom" else []
        w.role[scope] = _role(w, scope.replace("_", ""), scope, custom, granted)
        w.add_user(f"c_{scope}", "rnd", [w.role[scope]])
    maker = _role(w, "maker", "self", [], granted)
    for target in TARGETS:
        w.add_user(f"t_{target}", None if target == "none" else target, [maker])
    for name in w.uid:
        w.headers[name] = w.login(name)
    return w


@pytest.fixture(scope="module")
def world(
    make_app: Callable[..., App], make_seeded_database: Callable[[], str], redis_prefix: str
) -> World:
    return build(make_app, make_seeded_database, redis_prefix)


def exported(w: World, report: str, headers: dict[str, str], params: dict[str, str]) -> set[int]:
    """The ids (the first column) of a report's export, as this caller gets it."""
    r = w.a.client.get(f"/api/v1/report/{report}/export", headers=headers, params=params)
    assert r.status_code == 200, r.text
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)[1:]
    return {int(row[0]) for row in rows}


def listed_users(w: World, headers: dict[str, str], app: App | None = None) -> set[int]:
    params = {"username": w.tag, "size": 100}
    page = ok((app or w.a).client.get(USERS, headers=headers, params=params))
    assert page["total"] == len(page["items"])
    return {u["id"] for u in page["items"]}


@pytest.mark.parametrize("scope", SCOPES)
def test_the_list_and_the_export_hold_exactly_the_users_of_the_scope(
    world: World, scope: str
) -> None:
    w, caller = world, f"c_{scope}"
    h = w.headers[caller]
    seen = w.visible(scope, caller)
    seen_users = {w.uid[n] for n in seen}
    assert listed_users(w, h) == seen_users
    assert exported(w, "users", h, {"username": w.tag}) == seen_users
    # The matrix is not trivial: each scope sees a different number of users.
    assert len(seen) == {"all": 9, "custom": 1, "dept": 6, "dept_and_below": 7, "self": 1}[scope]


@pytest.mark.parametrize("scope", SCOPES)
def test_single_users_outside_the_scope_are_not_found(world: World, scope: str) -> None:
    w, caller = world, f"c_{scope}"
    h = w.headers[caller]
    seen = w.visible(scope, caller)
    writes = {
        "active": {"status": 1},
        "password": {"new_password": PASS},
        "roles": {"role_ids": []},
    }
    for name in w.uid:
        uid = w.uid[name]
        got = w.a.client.get(f"{USERS}/{uid}", headers=h)
        put = w.a.client.put(f"{USERS}/{uid}", headers=h, json={"nickname": scope})
        if name in seen:
            assert got.status_code == 200 and got.json()["id"] == uid
            assert put.status_code == 204, name
            continue
        answers = [got, put]
        answers += [
            w.a.client.put(f"{USERS}/{uid}/{p}", headers=h, json=b) for p, b in writes.items()
        ]
        for r in answers:
            assert r.status_code == 404 and r.json()["code"] == "user_not_found", name
            assert w.tag not in r.text  # never its data
    # Nothing outside was written.
    nick = {
        u["id"]: u["nickname"]
        for u in ok(
            w.a.client.get(USERS, headers=w.admin, params={"username": w.tag, "size": 100})
        )["items"]
    }
    assert all(nick[w.uid[n]] != scope for n in set(w.uid) - seen)


@pytest.mark.parametrize("scope", SCOPES)
def test_deletes_reach_only_users_in_the_scope(world: World, scope: str) -> None:
    w, caller = world, f"c_{scope}"
    h = w.headers[caller]
    seen = w.visible(scope, caller)
    for name in set(w.uid) - seen - {caller}:  # (deleting oneself is a 409 of its own)
        r = w.a.client.delete(f"{USERS}/{w.uid[name]}", headers=h)
        assert r.status_code == 404 and r.json()["code"] == "user_not_found"
        assert ok(w.a.client.get(f"{USERS}/{w.uid[name]}", headers=w.admin))["id"] == w.uid[name]
    # Inside: a new user of a department in the scope can be deleted.
    inside = next((n for n in sorted(seen) if n.startswith("t_")), None)
    if inside is None:
        return
    victim = w.add_user(f"v_{scope}", w.home[inside], [])
    assert w.a.client.delete(f"{USERS}/{victim}", headers=h).status_code == 204
    assert w.a.client.get(f"{USERS}/{victim}", headers=w.admin).status_code == 404
    del w.uid[f"v_{scope}"], w.home[f"v_{scope}"]


def test_a_moved_subtree_is_obeyed_on_the_next_request(world: World) -> None:
    w = world
    h = w.headers["c_dept_and_below"]
    far = w.uid["t_marketing"]
    assert w.a.client.get(f"{USERS}/{far}", headers=h).status_code == 404
    assert far not in listed_users(w, h)  # kept now
    try:
        w.move("marketing", w.path["rnd"] + f"{w.dept['marketing']}/")
        assert w.a.client.get(f"{USERS}/{far}", headers=h).status_code == 200
        assert far in listed_users(w, h)
    finally:
        w.move("marketing", w.path["marketing"])
    assert far not in listed_users(w, h)


def test_a_scope_change_on_one_instance_is_obeyed_on_the_other(world: World) -> None:
    w = world
    hb = w.login("c_custom", w.b)
    marketing_only = {w.uid["t_marketing"]}
    assert listed_users(w, hb, w.b) == marketing_only  # B's caches and kept list warm now
    far = w.uid["t_platform"]
    assert w.b.client.get(f"{USERS}/{far}", headers=hb).status_code == 404
    rid = w.role["custom"]
    body = {"data_scope": "custom", "dept_ids": [w.dept["platform"]]}
    try:
        ok(w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=w.admin, json=body))
        # B's very next request obeys it (its token check read the cache's epoch).
        assert w.b.client.get(f"{USERS}/{far}", headers=hb).status_code == 200
        assert listed_users(w, hb, w.b) == {far}
        detail = ok(w.a.client.get(f"{ROLES}/{rid}", headers=w.admin))
        assert detail["data_scope"] == "custom" and detail["dept_ids"] == [w.dept["platform"]]
    finally:
        body = {"data_scope": "custom", "dept_ids": [w.dept["marketing"]]}
        ok(w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=w.admin, json=body))
    assert listed_users(w, hb, w.b) == marketing_only


def test_a_department_change_of_the_caller_is_obeyed_once_its_cache_is_dropped(
    world: World,
) -> None:
    w = world
    name = "c_dept"
    h, hb = w.headers[name], w.login(name, w.b)
    far = w.uid["t_marketing"]
    assert w.b.client.get(f"{USERS}/{far}", headers=hb).status_code == 404
    execute(w.a, update(users).where(users.c.id == w.uid[name]).values(dept_id=w.dept["marketing"]))
    try:
        # What the user use case does after changing a department (forget_users), on A only.
        w.a.run(w.a.container.access().forget_users, w.uid[name])
        assert w.a.client.get(f"{USERS}/{far}", headers=h).status_code == 200
        assert w.b.client.get(f"{USERS}/{far}", headers=hb).status_code == 200
    finally:
        execute(w.a, update(users).where(users.c.id == w.uid[name]).values(dept_id=w.dept["rnd"]))
        w.a.run(w.a.container.access().forget_users, w.uid[name])


def test_kept_list_answers_are_never_shared_across_scopes(world: World) -> None:
    w = world
    params = {"username": w.tag, "size": 100}
    answers = {}
    for scope in SCOPES:
        h = w.headers[f"c_{scope}"]
        # Twice each, same path and query: the second is the kept answer, still the caller's.
        first = ok(w.a.client.get(USERS, headers=h, params=params))
        again = ok(w.a.client.get(USERS, headers=h, params=params))
        assert first == again
        answers[scope] = {u["id"] for u in again["items"]}
        assert answers[scope] == {w.uid[n] for n in w.visible(scope, f"c_{scope}")}
    assert len({frozenset(v) for v in answers.values()}) == len(SCOPES)


def test_the_role_answers_show_the_scope_and_bad_input_writes_nothing(world: World) -> None:
    w = world
    rid = w.role["dept"]
    listed = ok(w.a.client.get(ROLES, headers=w.admin, params={"code": w.tag, "size": 100}))
    assert {r["data_scope"] for r in listed["items"]} == set(SCOPES)

    def put(role_id: int, body: dict[str, Any], headers: dict[str, str] = w.admin) -> Any:
        return w.a.client.put(f"{ROLES}/{role_id}/data-scope", headers=headers, json=body)

    bad = put(rid, {"data_scope": "dept", "dept_ids": [w.dept["rnd"]]})
    assert bad.status_code == 422 and bad.json()["code"] == "dept_ids_not_allowed"
    bad = put(rid, {"data_scope": "custom", "dept_ids": [w.dept["rnd"], 987654321]})
    assert bad.status_code == 422 and bad.json()["code"] == "dept_not_found"
    bad = put(rid, {"data_scope": "everything"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    missing = put(987654321, {"data_scope": "all"})
    assert missing.status_code == 404 and missing.json()["code"] == "role_not_found"
    detail = ok(w.a.client.get(f"{ROLES}/{rid}", headers=w.admin))
    assert detail["data_scope"] == "dept" and detail["dept_ids"] == []


def test_a_manager_gives_no_view_beyond_their_own(world: World) -> None:
    w = world
    granted = _labels(w.a, w.admin, ("perm:role:get", "perm:role:put"))
    manager = _role(w, "manager", "dept_and_below", [], granted)
    uid = w.add_user("m_rnd", "rnd", [manager])
    del w.uid["m_rnd"], w.home["m_rnd"]  # not one of the matrix's users
    h = w.login("m_rnd")
    target = _role(w, "managed", "self", [], [])

    def put(body: dict[str, Any]) -> Any:
        return w.a.client.put(f"{ROLES}/{target}/data-scope", headers=h, json=body)

    for beyond in (
        {"data_scope": "all"},
        {"data_scope": "custom", "dept_ids": [w.dept["platform"], w.dept["marketing"]]},
    ):
        r = put(beyond)
        assert r.status_code == 403 and r.json()["code"] == "data_scope_exceeded"
    assert ok(w.a.client.get(f"{ROLES}/{target}", headers=w.admin))["data_scope"] == "self"
    assert put({"data_scope": "custom", "dept_ids": [w.dept["platform"]]}).status_code == 204
    detail = ok(w.a.client.get(f"{ROLES}/{target}", headers=w.admin))
    assert detail["data_scope"] == "custom" and detail["dept_ids"] == [w.dept["platform"]]
    ok(w.a.client.delete(f"{USERS}/{uid}", headers=w.admin))


def test_the_department_routes_and_a_users_department_obey_the_scope(world: World) -> None:
    """A caller scoped to R&D and below sees that subtree in the tree (and the head office
    it hangs from), finds no other department, and cannot move a user out of their view."""
    w = world
    labels = _labels(w.a, w.admin, (*LABELS, "perm:dept:get", "perm:dept:put"))
    rid = _role(w, "deptbelow", "dept_and_below", [], labels)
    w.add_user("c_depts", "rnd", [rid])
    h = w.login("c_depts")

    def names(nodes: list[dict[str, Any]]) -> list[Any]:
        return [[n["name"].removeprefix(w.tag), names(n["children"])] for n in nodes]

    tree = ok(w.a.client.get("/api/v1/system/dept", headers=h))
    assert names(tree) == [["head", [["rnd", [["platform", []]]]]]]
    for name, status in (("platform", 200), ("marketing", 404), ("head", 404)):
        got = w.a.client.get(f"/api/v1/system/dept/{w.dept[name]}", headers=h)
        assert got.status_code == status, (name, got.text)
    moved = w.a.client.put(
        f"/api/v1/system/dept/{w.dept['platform']}",
        headers=h,
        json={"parent_id": w.dept["marketing"]},
    )
    assert (moved.status_code, moved.json()["code"]) == (422, "dept_not_found")
    away = w.a.client.put(
        f"{USERS}/{w.uid['t_platform']}", headers=h, json={"dept_id": w.dept["marketing"]}
    )
    assert (away.status_code, away.json()["code"]) == (422, "dept_not_found")
    [(home,)] = execute(w.a, select(users.c.dept_id).where(users.c.id == w.uid["t_platform"]))
    assert home == w.dept["platform"]  # nothing written


def test_a_department_given_with_a_role_is_judged_with_the_roles_scope(world: World) -> None:
    """A caller who sees exactly the head office and R&D may not make, or move, a holder of
    `dept_and_below` into a department whose subtree reaches beyond that."""
    w = world
    labels = _labels(w.a, w.admin, (*LABELS, "perm:user:post"))
    rid = _role(w, "exact", "custom", [w.dept["head"], w.dept["rnd"]], labels)
    w.add_user("c_exact", "rnd", [rid])
    h = w.login("c_exact")
    made = w.a.client.post(
        USERS,
        headers=h,
        json={
            "username": f"{w.tag}made",
            "password": PASS,
            "role_ids": [w.role["dept_and_below"]],
            "dept_id": w.dept["rnd"],
        },
    )
    assert (made.status_code, made.json()["code"]) == (403, "data_scope_exceeded")
    moved = w.a.client.put(
        f"{USERS}/{w.uid['c_dept_and_below']}", headers=h, json={"dept_id": w.dept["head"]}
    )
    assert (moved.status_code, moved.json()["code"]) == (403, "data_scope_exceeded")
    [(home,)] = execute(w.a, select(users.c.dept_id).where(users.c.id == w.uid["c_dept_and_below"]))
    assert home == w.dept["rnd"]  # nothing written
