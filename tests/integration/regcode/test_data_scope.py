"""Reg codes obey the data scope over HTTP: a code is owned by its creator and the creator's
department, recorded on the row when it is generated. The world of the user matrix, where
every caller and target generated one code."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.conftest import App
from tests.integration.test_data_scope import SCOPES, World, build, exported, ok

CODES = "/api/v1/business/reg-code"
LABELS = (
    "perm:regcode:get",
    "perm:regcode:put",
    "perm:regcode:delete",
    "perm:regcode:export",
    "perm:regcode:post",
)


@pytest.fixture(scope="module")
def coded(
    make_app: Callable[..., App], make_seeded_database: Callable[[], str], redis_prefix: str
) -> World:
    w = build(make_app, make_seeded_database, redis_prefix, LABELS)
    for name in w.uid:
        made = ok(
            w.a.client.post(CODES, headers=w.headers[name], json={"count": 1, "reg_times": 5})
        )
        w.made[name] = made["items"][0]["id"]
    return w


def _code(w: World, name: str) -> int:
    return w.made[name]


def _listed(w: World, headers: dict[str, str]) -> set[int]:
    page = ok(w.a.client.get(CODES, headers=headers, params={"size": 100}))
    assert page["total"] == len(page["items"])
    return {c["id"] for c in page["items"]}


@pytest.mark.parametrize("scope", SCOPES)
def test_the_list_and_the_export_hold_exactly_the_codes_of_the_scope(
    coded: World, scope: str
) -> None:
    w, caller = coded, f"c_{scope}"
    h = w.headers[caller]
    seen = {_code(w, n) for n in w.visible(scope, caller)}
    assert _listed(w, h) == seen  # its own database: every code is the world's
    assert exported(w, "reg_codes", h, {}) == seen


@pytest.mark.parametrize("scope", SCOPES)
def test_single_codes_outside_the_scope_are_not_found(coded: World, scope: str) -> None:
    w, caller = coded, f"c_{scope}"
    h = w.headers[caller]
    seen = w.visible(scope, caller)
    for name in w.uid:
        code = _code(w, name)
        got = w.a.client.get(f"{CODES}/{code}", headers=h)
        put = w.a.client.put(f"{CODES}/{code}", headers=h, json={"remark": scope})
        if name in seen:
            assert got.status_code == 200 and got.json()["id"] == code
            assert put.status_code == 204
            continue
        deleted = w.a.client.delete(f"{CODES}/{code}", headers=h)
        activated = w.a.client.put(f"{CODES}/{code}/activate", headers=h)
        for r in (got, put, deleted, activated):
            assert r.status_code == 404 and r.json()["code"] == "reg_code_not_found", name
        after = ok(w.a.client.get(f"{CODES}/{code}", headers=w.admin))
        assert after["remark"] != scope and after["state"] == 0


@pytest.mark.parametrize("scope", SCOPES)
def test_a_code_in_the_scope_can_be_deleted(coded: World, scope: str) -> None:
    w, caller = coded, f"c_{scope}"
    maker = sorted(w.visible(scope, caller))[0]
    made = ok(w.a.client.post(CODES, headers=w.headers[maker], json={"count": 1, "reg_times": 1}))
    code = made["items"][0]["id"]
    assert w.a.client.delete(f"{CODES}/{code}", headers=w.headers[caller]).status_code == 204
    assert w.a.client.get(f"{CODES}/{code}", headers=w.admin).status_code == 404


def test_a_moved_subtree_moves_its_codes_on_the_next_request(coded: World) -> None:
    w = coded
    h = w.headers["c_dept_and_below"]
    far = _code(w, "t_marketing")
    assert far not in _listed(w, h)  # kept now
    try:
        w.move("marketing", w.path["rnd"] + f"{w.dept['marketing']}/")
        assert far in _listed(w, h)
        assert w.a.client.get(f"{CODES}/{far}", headers=h).status_code == 200
    finally:
        w.move("marketing", w.path["marketing"])
    assert far not in _listed(w, h)


def test_kept_code_lists_are_never_shared_across_scopes(coded: World) -> None:
    w = coded
    answers = set()
    for scope in SCOPES:
        h = w.headers[f"c_{scope}"]
        first, again = _listed(w, h), _listed(w, h)
        assert first == again == {_code(w, n) for n in w.visible(scope, f"c_{scope}")}
        answers.add(frozenset(again))
    assert len(answers) == len(SCOPES)
