"""Changing one's own e-mail over HTTP, with a real SMTP server and the Redis token store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from httpx import Response

from tests.integration import test_registration as registration
from tests.integration.conftest import App, unique
from tests.integration.test_registration import (
    API,
    PASSWORD,
    Inbox,
    _account,
    _body,
    _link,
    _mail_settings,
)

# The registration tests' SMTP server (aiosmtpd) and its inbox.
smtp = registration.smtp
inbox = registration.inbox


@pytest.fixture(scope="module")
def web(make_app: Callable[..., App], smtp: tuple[Inbox, int]) -> App:
    return make_app(**_mail_settings(smtp[1]))


def _ask(
    web: App, headers: dict[str, str], email: str, password: str = PASSWORD, lang: str = "en"
) -> Response:
    answer: Response = web.client.post(
        f"{API}/user/email",
        headers={**headers, "Accept-Language": lang},
        json={"email": email, "current_password": password},
    )
    return answer


def _email_of(web: App, headers: dict[str, str]) -> str:
    return str(web.client.get(f"{API}/user/info", headers=headers).json()["email"])


def test_a_stolen_session_cannot_set_the_email_through_the_profile(
    web: App, admin: dict[str, str]
) -> None:
    member = _account(web, admin)
    headers = web.login(member["username"], PASSWORD)
    r = web.client.put(f"{API}/user/info", headers=headers, json={"email": "thief@example.org"})
    assert r.status_code == 422 and r.json()["code"] == "email_change_needs_confirmation"
    assert _email_of(web, headers) == member["email"]
    # Other profile fields still apply at once, and the unchanged address rides along.
    r = web.client.put(
        f"{API}/user/info",
        headers=headers,
        json={"nickname": "Neo", "phone": "12345", "email": member["email"]},
    )
    assert r.status_code == 200 and (r.json()["nickname"], r.json()["phone"]) == ("Neo", "12345")


def test_email_change_end_to_end(web: App, inbox: Inbox, admin: dict[str, str]) -> None:
    member = _account(web, admin)
    headers = web.login(member["username"], PASSWORD)
    new = f"{unique('moved')}@example.com"
    wrong = _ask(web, headers, new, "not my password")
    assert wrong.status_code == 422 and wrong.json()["code"] == "current_password_wrong"
    assert inbox.to(new) == []
    r = _ask(web, headers, new)
    assert r.status_code == 202 and r.json()["expires_in"] == 30 * 60
    [notice] = inbox.to(member["email"])
    assert notice["Subject"] == "Your e-mail address is about to change"
    assert new in _body(notice, "plain") and "confirm-email" not in _body(notice, "html")
    [mail] = inbox.to(new)
    token = _link(mail, "confirm-email")
    assert _email_of(web, headers) == member["email"]
    # The link is opened in the new inbox, maybe on another device: no session needed.
    r = web.client.get(f"{API}/user/email/{token}")
    assert r.status_code == 200 and r.json()["email"] == new
    assert r.json()["username"] == member["username"]
    assert web.client.put(f"{API}/user/email/{token}").status_code == 204
    assert _email_of(web, headers) == new
    again = web.client.put(f"{API}/user/email/{token}")
    assert again.status_code == 400 and again.json()["code"] == "token_used"
    bad = web.client.put(f"{API}/user/email/{'x' * 43}")
    assert bad.status_code == 400 and bad.json()["code"] == "token_invalid"


def test_a_taken_address_is_409_at_request_and_at_confirm(
    web: App, inbox: Inbox, admin: dict[str, str]
) -> None:
    member, other = _account(web, admin), _account(web, admin)
    headers = web.login(member["username"], PASSWORD)
    r = _ask(web, headers, other["email"])
    assert r.status_code == 409 and r.json()["code"] == "email_exists"
    wanted = f"{unique('wanted')}@example.com"
    assert _ask(web, headers, wanted).status_code == 202
    token = _link(inbox.to(wanted)[-1], "confirm-email")
    squatter = web.client.post(
        f"{API}/permission/user",
        headers=admin,
        json={"username": unique("sq"), "password": PASSWORD, "email": wanted},
    )
    assert squatter.status_code == 201
    r = web.client.put(f"{API}/user/email/{token}")
    assert r.status_code == 409 and r.json()["code"] == "email_exists"
    assert _email_of(web, headers) == member["email"]


def test_the_owner_cancels_by_changing_the_password(
    web: App, inbox: Inbox, admin: dict[str, str]
) -> None:
    member = _account(web, admin)
    thief = web.login(member["username"], PASSWORD)
    target = f"{unique('thief')}@example.org"
    assert _ask(web, thief, target, lang="zh-CN").status_code == 202
    [notice] = inbox.to(member["email"])
    assert notice["Subject"] == "您的邮箱地址即将变更"
    token = _link(inbox.to(target)[-1], "confirm-email")
    owner = web.login(member["username"], PASSWORD)
    r = web.client.put(
        f"{API}/user/password",
        headers=owner,
        json={"old_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert r.status_code == 204
    r = web.client.put(f"{API}/user/email/{token}")
    assert r.status_code == 400 and r.json()["code"] == "token_invalid"


def test_guessing_the_password_ends_the_session(web: App, admin: dict[str, str]) -> None:
    member = _account(web, admin)
    headers = web.login(member["username"], PASSWORD)
    target = f"{unique('guess')}@example.org"
    codes = [_ask(web, headers, target, f"guess {n}").json()["code"] for n in range(5)]
    assert codes == ["current_password_wrong"] * 5
    r = _ask(web, headers, target)
    assert r.status_code == 401  # the session that guessed was signed out
    fresh = web.login(member["username"], PASSWORD)
    r = _ask(web, fresh, target)
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) > 0


def test_links_never_reach_the_operation_log(web: App, inbox: Inbox, admin: dict[str, str]) -> None:
    member = _account(web, admin)
    headers = web.login(member["username"], PASSWORD)
    new = f"{unique('logged')}@example.com"
    assert _ask(web, headers, new).status_code == 202
    token = _link(inbox.to(new)[-1], "confirm-email")
    assert web.client.put(f"{API}/user/email/{token}").status_code == 204
    paths = [
        x["path"]
        for x in web.client.get(
            f"{API}/system/log/operation", headers=admin, params={"size": 100, "order": "desc"}
        ).json()["items"]
    ]
    assert f"{API}/user/email/{{token}}" in paths
    assert not [p for p in paths if token in p]
