"""Request and response shapes of the monitor module."""

from __future__ import annotations

from datetime import datetime

from entrypoints.http.schemas.common import Output


class OnlineSessionOut(Output):
    """A live session; never a token (the session id is opaque)."""

    session_id: str
    user_id: int
    username: str
    ip: str
    browser: str
    os: str
    login_time: datetime
    last_seen: datetime
    current: bool
