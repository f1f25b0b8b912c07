"""The kept reg-code list answers: a write through one instance shows at once on the other."""

from __future__ import annotations

from tests.integration.conftest import App, unique
from tests.integration.test_page_cache import _ok, pair  # noqa: F401

CODES = "/api/v1/business/reg-code"


def test_reg_code_writes_show_at_once_on_the_other(
    pair: tuple[App, App],  # noqa: F811 - the list cache tests' two instances
) -> None:
    a, b = pair
    ha, hb = a.login("admin", "admin123"), b.login("admin", "admin123")
    remark = unique("pc")
    batch = _ok(a.client.post(CODES, headers=ha, json={"count": 2, "reg_times": 5}))["items"]
    first = batch[0]["code"]
    by_code = {"code": first, "size": 10}
    assert [c["remark"] for c in _ok(b.client.get(CODES, headers=hb, params=by_code))["items"]] == [
        ""
    ]
    _ok(a.client.put(f"{CODES}/{batch[0]['id']}", headers=ha, json={"remark": remark}))
    assert [c["remark"] for c in _ok(b.client.get(CODES, headers=hb, params=by_code))["items"]] == [
        remark
    ]
    _ok(a.client.delete(f"{CODES}/{batch[0]['id']}", headers=ha))
    assert _ok(b.client.get(CODES, headers=hb, params=by_code))["items"] == []
