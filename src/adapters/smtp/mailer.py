"""SMTP delivery (stdlib smtplib): multipart plain text + HTML, STARTTLS, implicit TLS or none."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal

from loguru import logger

from core.shared.errors import InvalidInput, ServiceUnavailable
from core.shared.mail import Mailer, MailMessage

TlsMode = Literal["starttls", "ssl", "none"]


def build_mime(message: MailMessage, sender: str) -> EmailMessage:
    """The MIME form of a message; a line break in any header value is refused (injection)."""
    mime = EmailMessage()
    try:
        mime["From"] = sender
        mime["To"] = ", ".join(message.to)
        mime["Subject"] = message.subject
    except ValueError as exc:  # the email package refuses CR/LF in header values
        raise InvalidInput(
            "line breaks are not allowed in mail headers", "header_injection"
        ) from exc
    mime["Date"] = formatdate(localtime=False, usegmt=True)
    address = parseaddr(sender)[1]
    mime["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] if "@" in address else None)
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    return mime


def _unavailable(exc: BaseException) -> ServiceUnavailable:
    # The exception's class and SMTP code only: its text may echo addresses or content.
    code = getattr(exc, "smtp_code", "")
    logger.warning("mail not sent: {}{}", type(exc).__name__, f" ({code})" if code else "")
    return ServiceUnavailable("the mail service is unavailable", "mail_unavailable")


class SmtpMailer(Mailer):
    """One connection per message: mails are rare, and a fresh connection never goes stale."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        tls: TlsMode = "starttls",
        user: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._tls = tls
        self._user = user
        self._password = password
        self._timeout = timeout
        if user and tls == "none":
            logger.warning("SMTP login without TLS: the password crosses the network in clear")

    async def send(self, message: MailMessage) -> None:
        mime = build_mime(message, self._sender)
        try:
            await asyncio.to_thread(self._deliver, mime)
        except (smtplib.SMTPException, OSError) as exc:
            raise _unavailable(exc) from exc

    def _deliver(self, mime: EmailMessage) -> None:
        """smtplib blocks for the whole conversation: it runs in a worker thread."""
        with self._connect() as smtp:
            if self._tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if self._user:
                smtp.login(self._user, self._password or "")
            smtp.send_message(mime)

    def _connect(self) -> smtplib.SMTP:
        if self._tls == "ssl":
            return smtplib.SMTP_SSL(
                self._host,
                self._port,
                timeout=self._timeout,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(self._host, self._port, timeout=self._timeout)
