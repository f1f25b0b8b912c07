"""Mail as a port: what registration, password recovery and job notifications send through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class MailMessage:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None


class Mailer(Protocol):
    """Delivers one message; raises ServiceUnavailable("...", "mail_unavailable") when it cannot."""

    async def send(self, message: MailMessage) -> None: ...
