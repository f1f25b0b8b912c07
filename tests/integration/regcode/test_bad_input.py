"""Bad input on the reg-code routes: the shared checks of test_bad_input, on this module's list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration import test_bad_input as shared
from tests.integration.conftest import App
from tests.integration.test_bad_input import TOO_BIG, V1, _validation_error

LIST = "/business/reg-code"
DATE_FILTERS = ["created_start", "created_end", "deadline_start", "deadline_end"]
NULLS: list[tuple[Callable[[], dict[str, Any]], str]] = [
    (lambda: {"reg_times": 30}, "reg_times"),
    (lambda: {"reg_times": 30}, "remark"),
]


def test_a_page_whose_offset_overflows_is_a_422(api: App, admin: dict[str, str]) -> None:
    shared.test_a_page_whose_offset_overflows_is_a_422_on_every_list(api, admin, LIST)


@pytest.mark.parametrize("name", DATE_FILTERS)
@pytest.mark.parametrize("value", ["1e20", "-1e20", "inf", "9999-12-31T23:00:00-05:00"])
def test_a_time_filter_out_of_range_is_a_422(
    api: App, admin: dict[str, str], name: str, value: str
) -> None:
    shared.test_a_time_filter_out_of_range_is_a_422(api, admin, LIST, name, value)


@pytest.mark.parametrize("name", DATE_FILTERS)
def test_time_filters_take_unix_milliseconds_and_seconds(
    api: App, admin: dict[str, str], name: str
) -> None:
    shared.test_time_filters_take_unix_milliseconds_and_seconds(api, admin, LIST, name)


@pytest.mark.parametrize(("body", "field"), NULLS, ids=[f for _, f in NULLS])
def test_null_on_a_non_nullable_update_field_is_a_422_and_changes_nothing(
    api: App, admin: dict[str, str], body: Callable[[], dict[str, Any]], field: str
) -> None:
    shared.test_null_on_a_non_nullable_update_field_is_a_422_and_changes_nothing(
        api, admin, LIST, body, field
    )


@pytest.mark.parametrize(
    "body",
    [{"count": TOO_BIG, "reg_times": 1}, {"reg_times": TOO_BIG}, {"reg_times": 0}],
)
def test_reg_code_numbers_are_bounded(api: App, admin: dict[str, str], body: Any) -> None:
    _validation_error(api.client.post(f"{V1}/business/reg-code", headers=admin, json=body))
