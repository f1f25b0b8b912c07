"""Records of who did what: login attempts and writes through the API."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.shared.model import Entity

LOGIN_SUCCESS = "success"
LOGIN_FAILED = "failed"
LOGIN_LOGOUT = "logout"  # a session ended by someone else, or by a detected theft


class LoginFailure(enum.StrEnum):
    """Why a sign-in failed: a stable code in `t_login_log.message`; the dashboard words it.

    Rows written before these codes hold the same words with spaces ("wrong password").
    """

    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - a reason, not a password
    UNKNOWN_USER = "unknown_user"
    THROTTLED = "throttled"
    DISABLED = "disabled"
    CAPTCHA_INVALID = "captcha_invalid"  # the login captcha was missing or wrong
    MFA_INVALID = "mfa_invalid"  # a wrong or replayed second-factor code


class SessionEnd(enum.StrEnum):
    """Why a session was ended for its user (`t_login_log.message`, status `logout`)."""

    FORCED_LOGOUT = "forced_logout"  # an administrator ended it (online users)
    REFRESH_REUSED = "refresh_reused"  # a used refresh token came back: theft, the family ends


@dataclass(kw_only=True, eq=False)
class LoginLog(Entity):
    username: str
    ip: str = ""
    user_agent: str = ""
    status: str = LOGIN_SUCCESS
    message: str = ""


@dataclass(kw_only=True, eq=False)
class OperationLog(Entity):
    user_id: int | None = None
    username: str = ""
    method: str
    path: str
    summary: str = ""
    status_code: int
    ip: str = ""
    duration_ms: int = 0
