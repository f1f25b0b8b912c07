"""JWT tokens (PyJWT, HS256) with an explicit algorithm list, told apart by their `typ` claim."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import jwt

from core.rbac.model import TokenClaims, TokenType
from core.rbac.ports import TokenCodec
from core.shared.errors import Unauthorized

ALGORITHM = "HS256"


class JwtTokenCodec(TokenCodec):
    """One key signs every type; `decode(token, typ)` accepts only a token of that `typ`.

    The claims of each type (docs/sessions.md): `sub`, `jti`, `exp`, `iat`, `iss`, `typ`, and
    `sid` (access, refresh), `name` (access), `purpose` (mfa): each written when not empty.
    """

    def __init__(self, secret: str, issuer: str = "fastapi-vue-admin") -> None:
        if not secret:
            raise ValueError("the JWT secret must not be empty")
        self._secret = secret
        self._issuer = issuer
        self._verified = lru_cache(maxsize=4096)(self._decode)

    def encode(self, claims: TokenClaims, typ: TokenType = TokenType.ACCESS) -> str:
        payload: dict[str, Any] = {
            "sub": str(claims.user_id),
            "jti": claims.jti,
            "exp": int(claims.expires_at.timestamp()),
            "iat": int(datetime.now(UTC).timestamp()),
            "iss": self._issuer,
            "typ": str(typ),
        }
        optional = {"sid": claims.sid, "name": claims.username, "purpose": claims.purpose}
        payload.update({k: v for k, v in optional.items() if v})
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str, typ: TokenType = TokenType.ACCESS) -> TokenClaims:
        # The same token comes back on every request of a session: verify its signature once.
        # Only tokens that verified are remembered (an exception is never cached), and the
        # caller still checks the expiry and the token store each time.
        found, claims = self._verified(token)
        if found != typ:
            # A token from before sessions (no `typ`), or a refresh token shown as an access
            # token (or the reverse): the same answer as a forged one.
            raise Unauthorized("the token is invalid", "token_invalid")
        return claims

    def _decode(self, token: str) -> tuple[str, TokenClaims]:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "jti", "exp", "typ"]},
            )
            claims = TokenClaims(
                user_id=int(payload["sub"]),
                jti=str(payload["jti"]),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
                username=str(payload.get("name", "")),
                sid=str(payload.get("sid", "")),
                purpose=str(payload.get("purpose", "")),
            )
            return str(payload["typ"]), claims
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired", "token_expired") from exc
        except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError, OSError) as exc:
            # OverflowError/OSError: a signed `exp` beyond what a datetime holds (exp=1e20).
            raise Unauthorized("the token is invalid", "token_invalid") from exc
