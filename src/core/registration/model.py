"""Self-registration and password recovery: one-time links, pending sign-ups, and their rules."""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.rbac.model import check_password_policy, check_username
from core.shared.errors import BadRequest, InvalidInput

# token_urlsafe(32): 32 random bytes, 43 URL-safe characters; anything else is forged.
TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
EMAIL_MAX = 254
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NICKNAME_MAX = 64


class LinkKind(enum.StrEnum):
    """What a one-time link is for; the kind is part of its key, so a link never serves another."""

    REGISTER = "register"
    RESET = "reset"
    EMAIL = "email"  # a change of a signed-in user's e-mail address, mailed to the new one


# The mail that tells the old address that a change to a new one was asked for.
EMAIL_NOTICE = "email_notice"


class AvailabilityField(enum.StrEnum):
    USERNAME = "username"
    EMAIL = "email"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The store keys a link by this digest, so a dump of the store holds no usable link."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    return bool(TOKEN_RE.fullmatch(token))


def fingerprint(password_hash: str) -> str:
    """A short digest of the current password hash: a reset link dies once the password changes."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:32]


def email_key(email: str) -> str:
    """An e-mail address as a rate-limit key: case-folded and hashed, so keys hold no address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]


def check_header_safe(value: str, field: str) -> None:
    """Nothing that may reach a mail header carries a line break (header injection)."""
    if "\r" in value or "\n" in value:
        raise InvalidInput("line breaks are not allowed here", "header_injection", field)


def check_email(email: str) -> None:
    check_header_safe(email, "email")
    if len(email) > EMAIL_MAX or not EMAIL_RE.fullmatch(email):
        raise InvalidInput("this is not an e-mail address", "email_invalid", "email")


@dataclass(frozen=True, kw_only=True)
class Ticket:
    """What the token store holds for one link: its payload, or only the fact that it was used."""

    payload: Mapping[str, str]
    used: bool = False


def open_ticket(ticket: Ticket | None, now: datetime) -> Mapping[str, str]:
    """A link is good once, until its deadline; each way of being bad has its own code."""
    if ticket is None:
        raise BadRequest("this link is not valid", "token_invalid")
    if ticket.used:
        raise BadRequest("this link has already been used", "token_used")
    try:
        deadline = datetime.fromisoformat(ticket.payload["expires_at"])
    except (KeyError, ValueError) as exc:
        raise BadRequest("this link is not valid", "token_invalid") from exc
    if deadline <= now:
        raise BadRequest("this link has expired", "token_expired")
    return ticket.payload


@dataclass(frozen=True, kw_only=True)
class Signup:
    """What a visitor asks to register with, before anything is stored."""

    username: str
    email: str
    password: str
    nickname: str = ""

    def check(self) -> Signup:
        """Same rules as an account made by an administrator, plus nothing mail-unsafe.

        Gives the sign-up with its username in canonical form, as it will be stored.
        """
        username = check_username(self.username)
        check_email(self.email)
        check_header_safe(self.nickname, "nickname")
        if len(self.nickname) > NICKNAME_MAX:
            raise InvalidInput(
                f"a nickname is at most {NICKNAME_MAX} characters", "nickname_invalid", "nickname"
            )
        check_password_policy(self.password, username=username)
        return replace(self, username=username)


@dataclass(frozen=True, kw_only=True)
class PendingRegistration:
    """A sign-up waiting for its e-mail to be confirmed; the password is already hashed."""

    username: str
    email: str
    nickname: str
    password_hash: str
    expires_at: datetime

    def to_payload(self) -> dict[str, str]:
        return {
            "username": self.username,
            "email": self.email,
            "nickname": self.nickname,
            "password_hash": self.password_hash,
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, str]) -> PendingRegistration:
        return cls(
            username=payload["username"],
            email=payload["email"],
            nickname=payload.get("nickname", ""),
            password_hash=payload["password_hash"],
            expires_at=datetime.fromisoformat(payload["expires_at"]),
        )

    def seconds_left(self, now: datetime) -> int:
        return max(0, int((self.expires_at - now).total_seconds()))


@dataclass(frozen=True, kw_only=True)
class PasswordReset:
    """A reset link names the user and the password it may replace."""

    user_id: int
    fingerprint: str
    expires_at: datetime

    def to_payload(self) -> dict[str, str]:
        return {
            "user_id": str(self.user_id),
            "fingerprint": self.fingerprint,
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, str]) -> PasswordReset:
        return cls(
            user_id=int(payload["user_id"]),
            fingerprint=payload["fingerprint"],
            expires_at=datetime.fromisoformat(payload["expires_at"]),
        )


@dataclass(frozen=True, kw_only=True)
class EmailChange:
    """A link to the new address: it names the user, both addresses and the password.

    It dies when the account's e-mail or password changes by any other way meanwhile, so
    the owner who changes the password after the notice to the old address cancels it.
    """

    user_id: int
    username: str
    old_email: str
    new_email: str
    fingerprint: str
    expires_at: datetime

    def to_payload(self) -> dict[str, str]:
        return {
            "user_id": str(self.user_id),
            "username": self.username,
            "old_email": self.old_email,
            "new_email": self.new_email,
            "fingerprint": self.fingerprint,
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, str]) -> EmailChange:
        return cls(
            user_id=int(payload["user_id"]),
            username=payload["username"],
            old_email=payload["old_email"],
            new_email=payload["new_email"],
            fingerprint=payload["fingerprint"],
            expires_at=datetime.fromisoformat(payload["expires_at"]),
        )

    def still_fits(self, email: str | None, password_hash: str) -> bool:
        """Whether the account is as it was when the link was mailed."""
        return (email or "") == self.old_email and fingerprint(password_hash) == self.fingerprint


def same_address(a: str | None, b: str | None) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


@dataclass(frozen=True)
class NewAccount:
    """The account a confirmed registration created."""

    user_id: int
    username: str


def deadline(now: datetime, ttl_seconds: int) -> datetime:
    return now + timedelta(seconds=ttl_seconds)
