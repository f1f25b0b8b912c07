"""Row-level data scope over HTTP on the real database and Redis: scopes x routes.

A database of its own, with a tree put in by SQL: head -> R&D -> platform, head -> marketing.
One caller per scope sits in R&D; targets sit in each department (and one in none); every
user made one reg code (owned by its department and by itself). Each caller must see exactly
the rows its scope admits, through every route: list, get, update, delete and export.
"""

from __future__ import annotations

import io
import secrets
import time
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
CODES = "/api/v1/business/reg-code"
PASS = "Long-enough-pass-1"
LABELS = (
    "perm:user:get",
    "perm:user:put",
    "perm:user:delete",
    "perm:user:export",
    "perm:regcode:get",
    "perm:regcode:put",
    "perm:regcode:delete",
    "perm:regcode:export",
    "perm:regcode:post",
)
SCOPES = ("all", "custom", "dept", "dept_and_below", "self")
TARGETS = ("rnd", "platform", "marketing", "none")


def _ok(response: Any) -> Any:
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
    code: dict[str, int] = field(default_factory=dict)  # user name -> the reg code it made

    def add_dept(self, name: str, parent: str | None) -> None:
        parent_id = self.dept[parent] if parent else 0
        execute(self.a, insert(depts).values(name=f"{self.tag}{name}", parent_id=parent_id))
        [(did,)] = execute(self.a, select(depts.c.id).where(depts.c.name == f"{self.tag}{name}"))
        self.dept[name] = did
        self.path[name] = f"{self.path[parent] if parent else '/'}{did}/"
        execute(self.a, update(depts).where(depts.c.id == did).values(path=self.path[name]))

    def add_user(self, name: str, home: str | None, role_ids: list[int]) -> int:
        body = {"username": f"{self.tag}{name}", "password": PASS, "role_ids": role_ids}
        uid: int = _ok(self.a.client.post(USERS, headers=self.admin, json=body))["id"]
        if home is not None:
            # Behind the product's back, before the user's first request (nothing cached yet).
            execute(self.a, update(users).where(users.c.id == uid).values(dept_id=self.dept[home]))
        self.uid[name], self.home[name] = uid, home
        return uid

    def login(self, name: str, app: App | None = None) -> dict[str, str]:
        return (app or self.a).login(f"{self.tag}{name}", PASS)

    def visible(self, scope: str, caller: str) -> set[str]:
        """The users (and so the codes they made) a caller in R&D of `scope` may see."""
        names = set(self.home)
        seen = {
            "all": names,
            "custom": {n for n in names if self.home[n] == "marketing"},
            "dept": {n for n in names if self.home[n] == "rnd"},
            "dept_and_below": {n for n in names if self.home[n] in ("rnd", "platform")},
            "self": {caller},  # `custom` names departments only: not the caller's own row
        }[scope]
        return seen


def _labels(app: App, admin: dict[str, str]) -> list[int]:
    found = _ok(
        app.client.get("/api/v1/permission/perm-label", headers=admin, params={"size": 100})
    )
    by_label = {x["label"]: x["id"] for x in found["items"]}
    return [by_label[label] for label in LABELS]


def _role(w: World, code: str, scope: str, dept_ids: list[int], labels: list[int]) -> int:
    rid: int = _ok(
        w.a.client.post(ROLES, headers=w.admin, json={"code": f"{w.tag}{code}", "name": code})
    )["id"]
    _ok(w.a.client.put(f"{ROLES}/{rid}/perm-labels", headers=w.admin, json={"label_ids": labels}))
    body = {"data_scope": scope, "dept_ids": dept_ids}
    _ok(w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=w.admin, json=body))
    return rid


@pytest.fixture(scope="module")
def world(
    make_app: Callable[..., App], make_seeded_database: Callable[[], str], redis_prefix: str
) -> World:
    url = make_seeded_database()
    prefix = f"{redis_prefix}scope{secrets.token_hex(2)}:"
    a = make_app(database_url=url, prefix=prefix)
    b = make_app(database_url=url, prefix=prefix)
    w = World(a, b, a.login("admin", "admin123"), tag=f"s{secrets.token_hex(2)}")
    w.add_dept("head", None)
    w.add_dept("rnd", "head")
    w.add_dept("platform", "rnd")
    w.add_dept("marketing", "head")
    labels = _labels(a, w.admin)
    for scope in SCOPES:
        custom = [w.dept["marketing"]] if scope == "custom" else []
        w.role[scope] = _role(w, scope.replace("_", ""), scope, custom, labels)
        w.add_user(f"c_{scope}", "rnd", [w.role[scope]])
    maker = _role(w, "maker", "self", [], labels)
    for target in TARGETS:
        w.add_user(f"t_{target}", None if target == "none" else target, [maker])
    for name in w.uid:
        w.headers[name] = w.login(name)
        made = _ok(a.client.post(CODES, headers=w.headers[name], json={"count": 1, "reg_times": 5}))
        w.code[name] = made["items"][0]["id"]
    return w


def _listed_users(w: World, headers: dict[str, str], app: App | None = None) -> set[int]:
    page = _ok(
        (app or w.a).client.get(USERS, headers=headers, params={"username": w.tag, "size": 100})
    )
    assert page["total"] == len(page["items"])
    return {u["id"] for u in page["items"]}


def _listed_codes(w: World, headers: dict[str, str]) -> set[int]:
    page = _ok(w.a.client.get(CODES, headers=headers, params={"size": 100}))
    assert page["total"] == len(page["items"])
    return {c["id"] for c in page["items"]}


def _exported(w: World, report: str, headers: dict[str, str], params: dict[str, str]) -> set[int]:
    r = w.a.client.get(f"/api/v1/report/{report}/export", headers=headers, params=params)
    assert r.status_code == 200, r.text
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].values)[1:]
    return {int(row[0]) for row in rows}


@pytest.mark.parametrize("scope", SCOPES)
def test_lists_and_exports_hold_exactly_the_rows_of_the_scope(world: World, scope: str) -> None:
    w, caller = world, f"c_{scope}"
    h = w.headers[caller]
    seen = w.visible(scope, caller)
    seen_users = {w.uid[n] for n in seen}
    seen_codes = {w.code[n] for n in seen}
    assert _listed_users(w, h) == seen_users
    assert _exported(w, "users", h, {"username": w.tag}) == seen_users
    if scope == "all":
        assert _listed_codes(w, h) >= seen_codes  # and the seed's codes, if any
    else:
        assert _listed_codes(w, h) == seen_codes
        assert _exported(w, "reg_codes", h, {}) == seen_codes
    # Sanity: the matrix is not trivial.
    assert len(seen) == {"all": 9, "custom": 1, "dept": 6, "dept_and_below": 7, "self": 1}[scope]


@pytest.mark.parametrize("scope", SCOPES)
def test_single_rows_outside_the_scope_are_not_found(world: World, scope: str) -> None:
    w, caller = world, f"c_{scope}"
    h = w.headers[caller]
    seen = w.visible(scope, caller)
    for name in w.uid:
        uid, code = w.uid[name], w.code[name]
        got_user = w.a.client.get(f"{USERS}/{uid}", headers=h)
        got_code = w.a.client.get(f"{CODES}/{code}", headers=h)
        put_user = w.a.client.put(f"{USERS}/{uid}", headers=h, json={"nickname": scope})
        put_code = w.a.client.put(f"{CODES}/{code}", headers=h, json={"remark": scope})
        if name in seen:
            assert got_user.status_code == 200 and got_user.json()["id"] == uid
            assert got_code.status_code == 200 and got_code.json()["id"] == code
            assert put_user.status_code == 204 and put_code.status_code == 204, name
        else:
            for r in (got_user, put_user):
                assert r.status_code == 404 and r.json()["code"] == "user_not_found", name
                assert str(uid) not in r.text and w.tag not in r.text
            for r in (got_code, put_code):
                assert r.status_code == 404 and r.json()["code"] == "reg_code_not_found", name
        for path in ("active", "password", "roles"):
            body = {"active": {"status": 1}, "password": {"new_password": PASS}}.get(
                path, {"role_ids": []}
            )
            if name not in seen:
                r = w.a.client.put(f"{USERS}/{uid}/{path}", headers=h, json=body)
                assert r.status_code == 404 and r.json()["code"] == "user_not_found"


@pytest.mark.parametrize("scope", SCOPES)
def test_deletes_reach_only_rows_in_the_scope(world: World, scope: str) -> None:
    w, caller = world, f"c_{scope}"
    h = w.headers[caller]
    seen = w.visible(scope, caller)
    for name in set(w.uid) - seen - {caller}:  # (deleting oneself is a 409 of its own)
        r = w.a.client.delete(f"{USERS}/{w.uid[name]}", headers=h)
        assert r.status_code == 404 and r.json()["code"] == "user_not_found"
        r = w.a.client.delete(f"{CODES}/{w.code[name]}", headers=h)
        assert r.status_code == 404 and r.json()["code"] == "reg_code_not_found"
        assert _ok(w.a.client.get(f"{USERS}/{w.uid[name]}", headers=w.admin))["id"] == w.uid[name]
    # Inside: a new user of a department in the scope (and a code it made) can be deleted.
    inside = next((n for n in sorted(seen) if n.startswith("t_")), None)
    if inside is None:
        return
    victim = w.add_user(f"v_{scope}", w.home[inside], [])
    code = _ok(w.a.client.post(CODES, headers=w.headers[inside], json={"count": 1, "reg_times": 1}))
    assert w.a.client.delete(f"{USERS}/{victim}", headers=h).status_code == 204
    assert w.a.client.delete(f"{CODES}/{code['items'][0]['id']}", headers=h).status_code == 204
    assert w.a.client.get(f"{USERS}/{victim}", headers=w.admin).status_code == 404
    del w.uid[f"v_{scope}"], w.home[f"v_{scope}"]


def test_a_moved_subtree_is_obeyed_on_the_next_request(world: World) -> None:
    w = world
    h = w.headers["c_dept_and_below"]
    marketing = w.dept["marketing"]
    far = w.uid["t_marketing"]
    assert w.a.client.get(f"{USERS}/{far}", headers=h).status_code == 404
    assert far not in _listed_users(w, h)
    moved = w.path["rnd"] + f"{marketing}/"
    try:
        # The tree moved by SQL; the department use case's commit also moves t_dept's generation.
        execute(w.a, update(depts).where(depts.c.id == marketing).values(path=moved))
        w.a.run(w.a.container.table_generations().bump, ["t_dept"])
        assert w.a.client.get(f"{USERS}/{far}", headers=h).status_code == 200
        assert far in _listed_users(w, h)
        assert w.code["t_marketing"] in _listed_codes(w, h)
    finally:
        execute(w.a, update(depts).where(depts.c.id == marketing).values(path=w.path["marketing"]))
        w.a.run(w.a.container.table_generations().bump, ["t_dept"])
    assert far not in _listed_users(w, h)


def _until(check: Callable[[], bool], seconds: float = 1.0) -> None:
    """Polls `check` (the other instance hears of a cache delete by pub/sub, within a second)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "not seen on the other instance in time"
        time.sleep(0.02)


def test_a_scope_change_on_one_instance_is_obeyed_on_the_other(world: World) -> None:
    w = world
    hb = w.login("c_custom", w.b)
    marketing_only = {w.uid["t_marketing"]}
    assert _listed_users(w, hb, w.b) == marketing_only  # B's caches and kept list warm now
    far = w.uid["t_platform"]
    assert w.b.client.get(f"{USERS}/{far}", headers=hb).status_code == 404
    rid = w.role["custom"]
    body = {"data_scope": "custom", "dept_ids": [w.dept["platform"]]}
    try:
        _ok(w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=w.admin, json=body))
        _until(lambda: w.b.client.get(f"{USERS}/{far}", headers=hb).status_code == 200)
        assert _listed_users(w, hb, w.b) == {far}
        detail = _ok(w.a.client.get(f"{ROLES}/{rid}", headers=w.admin))
        assert detail["data_scope"] == "custom" and detail["dept_ids"] == [w.dept["platform"]]
    finally:
        body = {"data_scope": "custom", "dept_ids": [w.dept["marketing"]]}
        _ok(w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=w.admin, json=body))
    _until(lambda: _listed_users(w, hb, w.b) == marketing_only)


def test_a_department_change_of_the_caller_is_obeyed_once_its_cache_is_dropped(
    world: World,
) -> None:
    w = world
    name = "c_dept"
    h = w.headers[name]
    far = w.uid["t_marketing"]
    assert w.b.client.get(f"{USERS}/{far}", headers=w.login(name, w.b)).status_code == 404
    execute(w.a, update(users).where(users.c.id == w.uid[name]).values(dept_id=w.dept["marketing"]))
    try:
        # What the user use case does after changing a department (forget_users), on A only.
        w.a.run(w.a.container.access().forget_users, w.uid[name])
        assert w.a.client.get(f"{USERS}/{far}", headers=h).status_code == 200
        hb = w.login(name, w.b)
        _until(lambda: w.b.client.get(f"{USERS}/{far}", headers=hb).status_code == 200)
    finally:
        execute(w.a, update(users).where(users.c.id == w.uid[name]).values(dept_id=w.dept["rnd"]))
        w.a.run(w.a.container.access().forget_users, w.uid[name])


def test_kept_list_answers_are_never_shared_across_scopes(world: World) -> None:
    w = world
    params = {"username": w.tag, "size": 100}
    answers = {}
    for scope in SCOPES:
        h = w.headers[f"c_{scope}"]
        # Twice each: the second is the kept answer, and it is still the caller's own.
        first = _ok(w.a.client.get(USERS, headers=h, params=params))
        again = _ok(w.a.client.get(USERS, headers=h, params=params))
        assert first == again
        answers[scope] = {u["id"] for u in again["items"]}
        assert answers[scope] == {w.uid[n] for n in w.visible(scope, f"c_{scope}")}
        codes = _ok(w.a.client.get(CODES, headers=h, params={"size": 100}))
        if scope != "all":
            assert {c["id"] for c in codes["items"]} == {
                w.code[n] for n in w.visible(scope, f"c_{scope}")
            }
    assert len({frozenset(v) for v in answers.values()}) == len(SCOPES)


def test_the_role_answers_show_the_scope_and_bad_input_writes_nothing(world: World) -> None:
    w = world
    rid = w.role["dept"]
    listed = _ok(w.a.client.get(ROLES, headers=w.admin, params={"code": w.tag, "size": 100}))
    assert {r["data_scope"] for r in listed["items"]} == set(SCOPES)

    def put(body: dict[str, Any]) -> Any:
        return w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=w.admin, json=body)

    bad = put({"data_scope": "dept", "dept_ids": [w.dept["rnd"]]})
    assert bad.status_code == 422 and bad.json()["code"] == "dept_ids_not_allowed"
    bad = put({"data_scope": "custom", "dept_ids": [w.dept["rnd"], 987654321]})
    assert bad.status_code == 422 and bad.json()["code"] == "dept_not_found"
    bad = put({"data_scope": "everything"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    assert (
        w.a.client.put(
            f"{ROLES}/987654321/data-scope", headers=w.admin, json={"data_scope": "all"}
        ).status_code
        == 404
    )
    detail = _ok(w.a.client.get(f"{ROLES}/{rid}", headers=w.admin))
    assert detail["data_scope"] == "dept" and detail["dept_ids"] == []
    # A non-admin who sees only R&D and below cannot hand out `all`.
    h = w.headers["c_dept_and_below"]
    denied = w.a.client.put(f"{ROLES}/{rid}/data-scope", headers=h, json={"data_scope": "all"})
    assert denied.status_code == 403
