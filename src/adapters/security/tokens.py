"""JWT access tokens (PyJWT, HS256) with an explicit algorithm list."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

import jwt

from core.rbac.model import TokenClaims
from core.rbac.ports import TokenCodec
from core.shared.errors import Unauthorized

ALGORITHM = "HS256"


class JwtTokenCodec(TokenCodec):
    def __init__(self, secret: str, issuer: str = "fastapi-vue-admin") -> None:
        if not secret:
            raise ValueError("the JWT secret must not be empty")
        self._secret = secret
        self._issuer = issuer
        self._verified = lru_cache(maxsize=4096)(self._decode)

    def encode(self, claims: TokenClaims) -> str:
        payload = {
            "sub": str(claims.user_id),
            "jti": claims.jti,
            "exp": int(claims.expires_at.timestamp()),
            "iat": int(datetime.now(UTC).timestamp()),
            "iss": self._issuer,
            "name": claims.username,
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str) -> TokenClaims:
        # The same token comes back on every request of a session: verify its signature once.
        # Only tokens that verified are remembered (an exception is never cached), and the
        # caller still checks the expiry and the token store each time.
        return self._verified(token)

    def _decode(self, token: str) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "jti", "exp"]},
            )
            return TokenClaims(
                user_id=int(payload["sub"]),
                jti=str(payload["jti"]),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
                username=str(payload.get("name", "")),
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired", "token_expired") from exc
        except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError, OSError) as exc:
            # OverflowError/OSError: a signed `exp` beyond what a datetime holds (exp=1e20).
            raise Unauthorized("the token is invalid", "token_invalid") from exc
