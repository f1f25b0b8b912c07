"""The API speaks the request's language (issue 20), over HTTP on MariaDB + Redis."""

from __future__ import annotations

import pytest

from entrypoints.http.messages import MESSAGES, ROUTE_SUMMARIES_ZH
from tests.integration.conftest import App, unique

API = "/api/v1"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def _bad_login(api: App, headers: dict[str, str], name: str) -> dict[str, object]:
    r = api.client.post(
        f"{API}/user/login", data={"username": name, "password": "not-it-1"}, headers=headers
    )
    assert r.status_code == 401, r.text
    body: dict[str, object] = r.json()
    return body


def test_a_bad_login_is_answered_from_the_catalogue_in_each_language(api: App) -> None:
    name = unique("ghost")
    zh, en = _bad_login(api, ZH, name), _bad_login(api, EN, name)
    assert zh == {"detail": MESSAGES["bad_credentials"]["zh-CN"], "code": "bad_credentials"}
    assert en == {"detail": MESSAGES["bad_credentials"]["en"], "code": "bad_credentials"}
    assert zh["detail"] == "用户名或密码错误" and en["detail"] == "incorrect username or password"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en;q=0.4, zh-CN;q=0.9", "zh-CN"),
        ("zh;q=0.1, en", "en"),
        ("fr-FR, de;q=0.8", "zh-CN"),  # none supported: the product's default, as the mails
        ("", "zh-CN"),
    ],
)
def test_q_values_choose_the_language(api: App, header: str, lang: str) -> None:
    body = _bad_login(api, {"Accept-Language": header}, unique("ghost"))
    assert body["detail"] == MESSAGES["bad_credentials"][lang]


def test_a_schema_error_names_the_field_in_the_requests_language(
    api: App, admin: dict[str, str]
) -> None:
    url = f"{API}/permission/user"
    zh = api.client.post(url, json={"password": "a fine passphrase"}, headers={**admin, **ZH})
    en = api.client.post(url, json={"password": "a fine passphrase"}, headers={**admin, **EN})
    assert zh.status_code == en.status_code == 422
    assert zh.json()["code"] == "validation_error"
    assert [e["msg"] for e in zh.json()["errors"]] == ["username 为必填项"]
    assert [e["msg"] for e in en.json()["errors"]] == ["username is required"]
    # The contract's shape: `detail` is one sentence, in the request's language.
    assert zh.json()["detail"] == "username 为必填项"
    assert en.json()["detail"] == "username is required"
    assert zh.json()["errors"][0]["loc"] == ["body", "username"]


def test_a_business_rule_and_an_unknown_route_are_localized_too(
    api: App, admin: dict[str, str]
) -> None:
    r = api.client.get(f"{API}/permission/user/987654321", headers={**admin, **ZH})
    assert r.status_code == 404 and r.json() == {"detail": "用户不存在", "code": "user_not_found"}
    r = api.client.get(f"{API}/no/such/route", headers={**admin, **EN})
    assert r.status_code == 404 and r.json() == {"detail": "not found", "code": "not_found"}
    r = api.client.get(f"{API}/no/such/route", headers={**admin, **ZH})
    assert r.json() == {"detail": "资源不存在", "code": "not_found"}


def test_the_login_log_holds_reason_codes(api: App, admin: dict[str, str]) -> None:
    name = unique("ghost")
    _bad_login(api, EN, name)
    r = api.client.get(f"{API}/system/log/login", params={"username": name}, headers=admin)
    assert [(x["status"], x["message"]) for x in r.json()["items"]] == [("failed", "unknown_user")]


def test_the_operation_log_summary_follows_the_requests_language(
    api: App, admin: dict[str, str]
) -> None:
    api.client.post(f"{API}/permission/user", json={}, headers=admin)  # logged, even refused
    params = {"username": "admin", "method": "POST", "sort": "id", "order": "desc", "size": 100}
    url = f"{API}/system/log/operation"
    zh = api.client.get(url, params=params, headers={**admin, **ZH}).json()["items"]
    en = api.client.get(url, params=params, headers={**admin, **EN}).json()["items"]
    assert [x["id"] for x in zh] == [x["id"] for x in en]
    pairs = {(e["summary"], z["summary"]) for e, z in zip(en, zh, strict=True)}
    assert ("create a user", ROUTE_SUMMARIES_ZH["create a user"]) in pairs
    assert all(e == z or ROUTE_SUMMARIES_ZH.get(e) == z for e, z in pairs)
