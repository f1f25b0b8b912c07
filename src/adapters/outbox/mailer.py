"""The embedded profile's mailer: each message becomes an .eml file in the outbox directory."""

from __future__ import annotations

import asyncio
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from loguru import logger

from adapters.smtp.mailer import build_mime
from core.shared.errors import ServiceUnavailable
from core.shared.mail import Mailer, MailMessage


class OutboxMailer(Mailer):
    """Files are readable by the owner only: they hold live links. The log names the file only."""

    def __init__(self, directory: str | Path, sender: str) -> None:
        self._dir = Path(directory)
        self._sender = sender

    async def send(self, message: MailMessage) -> None:
        data = build_mime(message, self._sender).as_bytes()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self._dir / f"{stamp}-{secrets.token_hex(4)}.eml"
        try:
            await asyncio.to_thread(self._write, path, data)
        except OSError as exc:
            logger.warning("mail not written to the outbox: {}", type(exc).__name__)
            raise ServiceUnavailable("the mail service is unavailable", "mail_unavailable") from exc
        logger.info("mail written to the outbox: {}", path)

    def _write(self, path: Path, data: bytes) -> None:
        """File work, in a worker thread: a slow disk never holds the event loop."""
        partial = path.with_suffix(".part")
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        # A reader of the outbox never sees half a message.
        partial.replace(path)
