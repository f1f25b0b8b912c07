"""Bad input on the org routes: the shared checks of test_bad_input, on the post list and the
department and post writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration import test_bad_input as shared
from tests.integration.conftest import App, unique
from tests.integration.test_bad_input import TOO_BIG, V1, _validation_error

POSTS = "/system/post"
DEPTS = "/system/dept"
DATE_FILTERS = ["created_start", "created_end"]
POST_NULLS: list[tuple[Callable[[], dict[str, Any]], str]] = [
    (lambda: {"code": unique("p"), "name": "p"}, field)
    for field in ("code", "name", "sort", "status")
]


def test_a_page_whose_offset_overflows_is_a_422(api: App, admin: dict[str, str]) -> None:
    shared.test_a_page_whose_offset_overflows_is_a_422_on_every_list(api, admin, POSTS)


@pytest.mark.parametrize("name", DATE_FILTERS)
@pytest.mark.parametrize("value", ["1e20", "-1e20", "inf", "9999-12-31T23:00:00-05:00"])
def test_a_time_filter_out_of_range_is_a_422(
    api: App, admin: dict[str, str], name: str, value: str
) -> None:
    shared.test_a_time_filter_out_of_range_is_a_422(api, admin, POSTS, name, value)


@pytest.mark.parametrize("name", DATE_FILTERS)
def test_time_filters_take_unix_milliseconds_and_seconds(
    api: App, admin: dict[str, str], name: str
) -> None:
    shared.test_time_filters_take_unix_milliseconds_and_seconds(api, admin, POSTS, name)


@pytest.mark.parametrize(("body", "field"), POST_NULLS, ids=[f for _, f in POST_NULLS])
def test_null_on_a_non_nullable_post_field_is_a_422_and_changes_nothing(
    api: App, admin: dict[str, str], body: Callable[[], dict[str, Any]], field: str
) -> None:
    shared.test_null_on_a_non_nullable_update_field_is_a_422_and_changes_nothing(
        api, admin, POSTS, body, field
    )


@pytest.mark.parametrize(
    "field", ["parent_id", "name", "sort", "leader", "phone", "email", "status"]
)
def test_null_on_a_department_field_is_a_422_and_changes_nothing(
    api: App, admin: dict[str, str], field: str
) -> None:
    r = api.client.post(f"{V1}{DEPTS}", headers=admin, json={"name": unique("d")})
    assert r.status_code == 201, r.text
    url = f"{V1}{DEPTS}/{r.json()['id']}"
    before = api.client.get(url, headers=admin).json()
    r = api.client.put(url, headers=admin, json={"leader": "x", field: None})
    assert _validation_error(r)["errors"][0]["loc"] == ["body", field]
    assert api.client.get(url, headers=admin).json() == before
    assert api.client.delete(url, headers=admin).status_code == 204


@pytest.mark.parametrize(
    ("path", "body"),
    [(POSTS, lambda: {"code": unique("p"), "name": "p"}), (DEPTS, lambda: {"name": unique("d")})],
    ids=["post", "dept"],
)
@pytest.mark.parametrize("sort", [TOO_BIG, -TOO_BIG - 1, 2**63])
def test_a_sort_beyond_its_column_is_a_422_on_create_and_update(
    api: App, admin: dict[str, str], path: str, body: Callable[[], dict[str, Any]], sort: int
) -> None:
    r = api.client.post(V1 + path, headers=admin, json={**body(), "sort": sort})
    assert _validation_error(r)["errors"][0]["loc"] == ["body", "sort"]
    r = api.client.post(V1 + path, headers=admin, json=body())
    assert r.status_code == 201, r.text
    url = f"{V1}{path}/{r.json()['id']}"
    assert _validation_error(api.client.put(url, headers=admin, json={"sort": sort}))
    assert api.client.get(url, headers=admin).json()["sort"] == 0
    assert api.client.delete(url, headers=admin).status_code == 204


def test_a_parent_beyond_bigint_is_a_422(api: App, admin: dict[str, str]) -> None:
    r = api.client.post(f"{V1}{DEPTS}", headers=admin, json={"name": "x", "parent_id": 2**63})
    assert _validation_error(r)["errors"][0]["loc"] == ["body", "parent_id"]


def test_the_kept_post_list_follows_a_write(api: App, admin: dict[str, str]) -> None:
    code = unique("kept")
    r = api.client.post(f"{V1}{POSTS}", headers=admin, json={"code": code, "name": "before"})
    post = r.json()["id"]

    def names() -> list[str]:
        page = api.client.get(f"{V1}{POSTS}", headers=admin, params={"code": code}).json()
        return [p["name"] for p in page["items"]]

    assert names() == names() == ["before"]  # the second answer is the kept one
    assert (
        api.client.put(f"{V1}{POSTS}/{post}", headers=admin, json={"name": "after"}).status_code
        == 204
    )
    assert names() == ["after"]
    assert api.client.delete(f"{V1}{POSTS}/{post}", headers=admin).status_code == 204
    assert names() == []
