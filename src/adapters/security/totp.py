"""TOTP (pyotp, RFC 6238), its QR code (segno, SVG) and the sealing of secrets (Fernet)."""

from __future__ import annotations

import base64
import hmac
import io
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.rbac.model import TotpSetup
from core.rbac.ports import OneTimePasswords, SecretBox

ISSUER = "FastAPI Vue Admin"
DRIFT_STEPS = 1  # one 30-second step either way (pyotp's valid_window=1)


class PyotpOneTimePasswords(OneTimePasswords):
    def __init__(self, issuer: str = ISSUER) -> None:
        self._issuer = issuer

    def new_secret(self) -> str:
        return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        # pyotp's verify(valid_window=1) says only yes or no; the replay rule needs the step.
        totp = pyotp.TOTP(secret)
        now = totp.timecode(at)
        for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step
        return None

    def provisioning(self, secret: str, account: str) -> TotpSetup:
        uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=self._issuer)
        out = io.BytesIO()
        segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False)
        return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg=out.getvalue().decode("utf-8"))


class FernetSecretBox(SecretBox):
    """Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from the signing key by HKDF,
    so the database alone does not give the TOTP secrets away."""

    def __init__(self, signing_key: str) -> None:
        if not signing_key:
            raise ValueError("the signing key must not be empty")
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"fva totp secret v1"
        ).derive(signing_key.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise ValueError("the secret was not sealed with this key") from exc
