"""Self-registration and password recovery over HTTP, on MariaDB + Redis, with a real SMTP server."""

from __future__ import annotations

import hashlib
import re
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import redis
from aiosmtpd.controller import Controller
from loguru import logger

from core.rbac.model import User
from tests.integration.conftest import App, unique

API = "/api/v1"
FRONT = "https://admin.example.test"
PASSWORD = "a fine passphrase"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every message it is offered; `reject` makes it answer 451."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.reject = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "451 4.3.0 try again later" if self.reject else "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Iterator[Inbox]:
    yield smtp[0]
    smtp[0].reject = False


def _mail_settings(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "frontend_url": FRONT,
        # Every TestClient request comes from "testclient": the flow tests must not trip the
        # per-IP limit, which has a test of its own.
        "mail_requests_per_ip": 10_000,
        "availability_checks_per_ip": 10_000,
        **extra,
    }


@pytest.fixture(scope="module")
def web(make_app: Callable[..., App], smtp: tuple[Inbox, int]) -> App:
    """An app delivering through the test's SMTP server."""
    return make_app(**_mail_settings(smtp[1]))


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None, f"no text/{kind} part"
    return str(part.get_content())


def _link(message: EmailMessage, page: str) -> str:
    text = _body(message, "plain")
    tokens = re.findall(rf"{re.escape(FRONT)}/{page}/([A-Za-z0-9_-]+)", text)
    assert tokens, text
    assert f"{FRONT}/{page}/{tokens[0]}" in _body(message, "html")
    return str(tokens[0])


def _signup(name: str | None = None, **kw: str) -> dict[str, str]:
    name = name or unique("reg")
    return {"username": name, "email": f"{name}@example.com", "password": PASSWORD, **kw}


def _register(api: App, inbox: Inbox, body: dict[str, str], lang: str = "en") -> str:
    r = api.client.post(f"{API}/user/register", json=body, headers={"Accept-Language": lang})
    assert r.status_code == 202, r.text
    return _link(inbox.to(body["email"])[-1], "register")


async def _user_named(api: App, username: str) -> User | None:
    async with api.container.uow() as uow:
        user: User | None = await uow.users.get_by_username(username)
    return user


def _available(api: App, field: str, value: str) -> bool:
    r = api.client.post(f"{API}/user/check/{field}/availability", json={"value": value})
    assert r.status_code == 200, r.text
    return bool(r.json()["available"])


# --- sign-up ---------------------------------------------------------------------------


def test_register_confirm_and_sign_in_with_the_default_role(
    web: App, inbox: Inbox, redis_url: str, redis_prefix: str
) -> None:
    body = _signup(nickname="Newbie")
    assert _available(web, "username", body["username"])
    r = web.client.post(f"{API}/user/register", json=body, headers={"Accept-Language": "en-US"})
    assert r.status_code == 202, r.text
    assert r.json()["expires_in"] == 30 * 60

    (message,) = inbox.to(body["email"])
    assert message["Subject"] == "Confirm your registration"
    assert message.get_content_type() == "multipart/alternative"
    token = _link(message, "register")
    assert "Newbie" in _body(message, "plain")

    # The store keys the link by its digest; neither the token nor the password is in Redis.
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = list(client.scan_iter(match=f"{redis_prefix}verify:*", count=1000))
    assert f"{redis_prefix}verify:register:{hashlib.sha256(token.encode()).hexdigest()}" in keys
    assert not any(token in k or token in (client.get(k) or "") for k in keys)
    assert not any(PASSWORD in (client.get(k) or "") for k in keys)
    client.close()

    pending = web.client.get(f"{API}/user/register/{token}")
    assert pending.status_code == 200
    assert pending.json()["username"] == body["username"] and pending.json()["valid"] is True
    assert _available(web, "username", body["username"])  # a pending sign-up is no account

    created = web.client.put(f"{API}/user/register/{token}")
    assert created.status_code == 201, created.text
    assert created.json()["username"] == body["username"]
    again = web.client.put(f"{API}/user/register/{token}")
    assert again.status_code == 400 and again.json()["code"] == "token_used"

    headers = web.login(body["username"], PASSWORD)
    info = web.client.get(f"{API}/user/info", headers=headers).json()
    assert info["roles"] == ["user"] and info["email"] == body["email"]
    assert info["nickname"] == "Newbie"
    routers = web.client.get(f"{API}/user/routers", headers=headers)
    assert routers.status_code == 200 and routers.json()["roles"] == ["user"]
    assert not _available(web, "username", body["username"])
    assert not _available(web, "email", body["email"])

    user = web.run(_user_named, web, body["username"])
    assert user is not None and user.password_hash.startswith("$argon2id$")


def test_a_taken_username_or_email_is_409(web: App, inbox: Inbox) -> None:
    body = _signup()
    web.client.put(f"{API}/user/register/{_register(web, inbox, body)}")
    taken_name = web.client.post(
        f"{API}/user/register", json={**body, "email": f"{unique('x')}@example.com"}
    )
    assert taken_name.status_code == 409 and taken_name.json()["code"] == "user_exists"
    taken_email = web.client.post(f"{API}/user/register", json={**body, "username": unique("y")})
    assert taken_email.status_code == 409 and taken_email.json()["code"] == "email_exists"


def test_taken_meanwhile_is_409_at_confirm(web: App, inbox: Inbox) -> None:
    name = unique("twin")
    first = _register(web, inbox, _signup(name))
    second = _register(web, inbox, {**_signup(name), "email": f"{unique('b')}@example.com"})
    assert web.client.put(f"{API}/user/register/{first}").status_code == 201
    late = web.client.put(f"{API}/user/register/{second}")
    assert late.status_code == 409 and late.json()["code"] == "user_exists"


@pytest.mark.parametrize(
    "token", ["A" * 43, "forged", secrets.token_urlsafe(32), "%3Cscript%3E", "x" * 300]
)
def test_forged_links_are_400_token_invalid(web: App, token: str) -> None:
    for method in ("GET", "PUT"):
        r = web.client.request(method, f"{API}/user/register/{token}")
        assert r.status_code == 400 and r.json()["code"] == "token_invalid", r.text
    r = web.client.put(
        f"{API}/user/forget-password/{token}", json={"new_password": "another fine one"}
    )
    assert r.status_code == 400 and r.json()["code"] == "token_invalid"


def test_tokens_never_reach_the_operation_log(
    web: App, inbox: Inbox, admin: dict[str, str]
) -> None:
    token = _register(web, inbox, _signup())
    assert web.client.put(f"{API}/user/register/{token}").status_code == 201
    logs = web.client.get(
        f"{API}/system/log/operation", params={"method": "PUT", "size": 100}, headers=admin
    ).json()["items"]
    paths = [x["path"] for x in logs]
    assert f"{API}/user/register/{{token}}" in paths
    assert not any(token in p for p in paths)


def test_line_breaks_in_mail_fields_are_422(web: App, inbox: Inbox) -> None:
    before = len(inbox.messages)
    body = _signup()
    for bad in (
        {**body, "nickname": "Neo\r\nBcc: victim@example.com"},
        {**body, "email": "a@example.com\r\nBcc: victim@example.com"},
        {**body, "username": "neo\nx"},
    ):
        r = web.client.post(f"{API}/user/register", json=bad)
        assert r.status_code == 422, r.text
    r = web.client.post(
        f"{API}/user/forget-password", json={"email": "a@example.com\nBcc: b@example.com"}
    )
    assert r.status_code == 422
    assert len(inbox.messages) == before


def test_weak_passwords_and_bad_usernames_are_422(web: App) -> None:
    for bad, code in (
        ({"password": "12345678"}, "password_too_common"),
        ({"password": "short"}, "password_length"),
        ({"username": "x"}, "username_invalid"),
    ):
        r = web.client.post(f"{API}/user/register", json={**_signup(), **bad})
        assert r.status_code == 422 and r.json()["errors"][0]["type"] == code, r.text
    extra = web.client.post(f"{API}/user/register", json={**_signup(), "roles": ["admin"]})
    assert extra.status_code == 422 and extra.json()["code"] == "validation_error"


def test_availability_of_other_fields_is_404(web: App) -> None:
    r = web.client.post(f"{API}/user/check/phone/availability", json={"value": "123"})
    assert r.status_code == 404 and r.json()["code"] == "field_not_checkable"


def test_zh_cn_is_the_default_language(web: App, inbox: Inbox) -> None:
    body = _signup()
    assert web.client.post(f"{API}/user/register", json=body).status_code == 202
    (message,) = inbox.to(body["email"])
    assert message["Subject"] == "确认注册"
    assert "分钟" in _body(message, "plain")


# --- mail failures ---------------------------------------------------------------------


def test_smtp_down_is_503_and_asking_again_works(
    make_app: Callable[..., App], web: App, inbox: Inbox
) -> None:
    down = make_app(**_mail_settings(_free_port(), smtp_timeout_seconds=2))
    body = _signup()
    r = down.client.post(f"{API}/user/register", json=body)
    assert r.status_code == 503 and r.json()["code"] == "mail_unavailable"
    # The answer to a reset request never depends on the mail (nor on the address).
    reset = down.client.post(f"{API}/user/forget-password", json={"email": body["email"]})
    assert reset.status_code == 202
    # Asking again with the same data, once mail is back, mails a link that confirms.
    token = _register(web, inbox, body)
    assert web.client.put(f"{API}/user/register/{token}").status_code == 201
    web.login(body["username"], PASSWORD)


def test_a_refused_mail_is_503_and_its_pending_registration_still_confirms(
    web: App, inbox: Inbox
) -> None:
    inbox.reject = True
    body = _signup()
    r = web.client.post(f"{API}/user/register", json=body)
    assert r.status_code == 503 and r.json()["code"] == "mail_unavailable"
    inbox.reject = False
    # The server saw the message before refusing it: the link it carried is still good.
    token = _link(inbox.to(body["email"])[-1], "register")
    assert web.client.put(f"{API}/user/register/{token}").status_code == 201


def test_the_outbox_mailer_writes_eml_files_and_logs_no_link(
    make_app: Callable[..., App], tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    app = make_app(
        outbox_dir=str(outbox), frontend_url=FRONT, mail_requests_per_ip=10_000, smtp_host=None
    )
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="DEBUG", format="{message}")
    try:
        body = _signup()
        r = app.client.post(f"{API}/user/register", json=body, headers={"Accept-Language": "en"})
        assert r.status_code == 202, r.text
    finally:
        logger.remove(sink)
    (eml,) = outbox.glob("*.eml")
    assert eml.stat().st_mode & 0o077 == 0  # it holds a live link: owner only
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == body["email"] and message["Subject"] == "Confirm your registration"
    token = _link(message, "register")
    assert any(eml.name in line for line in lines)
    assert not any(token in line or FRONT in line for line in lines)
    assert app.client.put(f"{API}/user/register/{token}").status_code == 201


# --- password recovery -----------------------------------------------------------------


def _account(api: App, admin: dict[str, str]) -> dict[str, str]:
    name = unique("member")
    email = f"{name}@example.com"
    r = api.client.post(
        f"{API}/permission/user",
        headers=admin,
        json={"username": name, "password": PASSWORD, "email": email, "role_ids": []},
    )
    assert r.status_code == 201, r.text
    return {"username": name, "email": email}


def test_password_recovery_end_to_end(web: App, inbox: Inbox, admin: dict[str, str]) -> None:
    member = _account(web, admin)
    one, two = web.login(member["username"], PASSWORD), web.login(member["username"], PASSWORD)

    known = web.client.post(f"{API}/user/forget-password", json={"email": member["email"]})
    unknown = web.client.post(
        f"{API}/user/forget-password", json={"email": f"{unique('ghost')}@example.com"}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    (message,) = inbox.to(member["email"])
    token = _link(message, "reset-password")

    weak = web.client.put(f"{API}/user/forget-password/{token}", json={"new_password": "12345678"})
    assert weak.status_code == 422 and weak.json()["errors"][0]["type"] == "password_too_common"
    ok = web.client.put(
        f"{API}/user/forget-password/{token}", json={"new_password": "another fine one"}
    )
    assert ok.status_code == 204, ok.text
    again = web.client.put(
        f"{API}/user/forget-password/{token}", json={"new_password": "a third fine one"}
    )
    assert again.status_code == 400 and again.json()["code"] == "token_used"

    for headers in (one, two):
        r = web.client.get(f"{API}/user/info", headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    old = web.client.post(
        f"{API}/user/login", data={"username": member["username"], "password": PASSWORD}
    )
    assert old.status_code == 401
    web.login(member["username"], "another fine one")


def test_a_registration_link_is_no_reset_link(web: App, inbox: Inbox) -> None:
    token = _register(web, inbox, _signup())
    r = web.client.put(
        f"{API}/user/forget-password/{token}", json={"new_password": "another fine one"}
    )
    assert r.status_code == 400 and r.json()["code"] == "token_invalid"


# --- rates -----------------------------------------------------------------------------


def test_rates_are_limited_per_email_and_ip_across_instances(
    make_app: Callable[..., App], smtp: tuple[Inbox, int], redis_prefix: str
) -> None:
    # A prefix of its own: every TestClient request comes from the same "testclient" address.
    limits = {
        "prefix": f"{redis_prefix}rates{secrets.token_hex(3)}:",
        "mail_requests_per_email": 2,
        "mail_requests_per_ip": 4,
    }
    a = make_app(**_mail_settings(smtp[1], **limits))
    b = make_app(**_mail_settings(smtp[1], **limits))
    body = _signup()
    assert a.client.post(f"{API}/user/register", json=body).status_code == 202
    assert b.client.post(f"{API}/user/register", json=body).status_code == 202
    limited = a.client.post(f"{API}/user/register", json=body)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert b.client.post(f"{API}/user/register", json=_signup()).status_code == 202
    per_ip = b.client.post(f"{API}/user/register", json=_signup())
    assert per_ip.status_code == 429 and "Retry-After" in per_ip.headers

    for n in range(4):
        email = {"email": f"{unique(str(n))}@example.com"}
        assert a.client.post(f"{API}/user/forget-password", json=email).status_code == 202
    r = b.client.post(f"{API}/user/forget-password", json={"email": "z@example.com"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
