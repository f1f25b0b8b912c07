"""Short-lived mfa tokens (PyJWT, HS256, `typ: "mfa"`): the step between password and code."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt

from core.rbac.model import MFA_ENROL, MFA_LOGIN, MfaClaims
from core.rbac.ports import MfaTokenCodec
from core.shared.errors import Unauthorized

ALGORITHM = "HS256"
TYP = "mfa"


class JwtMfaTokenCodec(MfaTokenCodec):
    """Signed with the access tokens' key; told apart from them by `typ`, so neither kind
    passes for the other."""

    def __init__(self, secret: str, issuer: str = "fastapi-vue-admin") -> None:
        if not secret:
            raise ValueError("the JWT secret must not be empty")
        self._secret = secret
        self._issuer = issuer

    def encode(self, claims: MfaClaims) -> str:
        payload = {
            "sub": str(claims.user_id),
            "jti": claims.jti,
            "exp": int(claims.expires_at.timestamp()),
            "iat": int(datetime.now(UTC).timestamp()),
            "iss": self._issuer,
            "typ": TYP,
            "purpose": claims.purpose,
            "remember": claims.remember,
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str) -> MfaClaims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                # The expiry is the use case's to judge, on its clock (SecondFactor.open_token).
                options={"require": ["sub", "jti", "exp", "typ", "purpose"], "verify_exp": False},
            )
            if payload["typ"] != TYP or payload["purpose"] not in (MFA_LOGIN, MFA_ENROL):
                raise ValueError("not an mfa token")
            return MfaClaims(
                user_id=int(payload["sub"]),
                jti=str(payload["jti"]),
                purpose=str(payload["purpose"]),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
                remember=payload.get("remember") is True,
            )
        except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError, OSError) as exc:
            # Malformed, foreign or of another kind: one answer, sign in again.
            raise Unauthorized(
                "the sign-in step is not valid; sign in again", "mfa_token_invalid"
            ) from exc
