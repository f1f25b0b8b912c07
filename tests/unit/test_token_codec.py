"""The JWT codec: each token is accepted only as its own `typ`, and old tokens without one not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from adapters.security.tokens import JwtTokenCodec
from core.rbac.model import TokenClaims, TokenType
from core.shared.errors import Unauthorized

SECRET = "a-test-secret-of-enough-length-0123456789"


def _claims(**kw: object) -> TokenClaims:
    base: dict[str, object] = {
        "user_id": 7,
        "jti": "j" * 32,
        "expires_at": datetime.now(UTC) + timedelta(minutes=5),
        "sid": "s" * 32,
    }
    return TokenClaims(**{**base, **kw})  # type: ignore[arg-type]


def _refused(codec: JwtTokenCodec, token: str, typ: TokenType) -> str:
    with pytest.raises(Unauthorized) as exc:
        codec.decode(token, typ)
    return exc.value.code


def test_each_type_round_trips_with_its_claims() -> None:
    codec = JwtTokenCodec(SECRET)
    access = codec.decode(codec.encode(_claims(username="admin")), TokenType.ACCESS)
    assert (access.user_id, access.sid, access.username) == (7, "s" * 32, "admin")
    mfa = codec.encode(_claims(sid="", purpose="enrol"), TokenType.MFA)
    assert codec.decode(mfa, TokenType.MFA).purpose == "enrol"
    payload = jwt.decode(mfa, SECRET, algorithms=["HS256"], options={"verify_iss": False})
    assert payload["typ"] == "mfa" and "sid" not in payload


def test_a_token_of_another_type_is_invalid() -> None:
    codec = JwtTokenCodec(SECRET)
    refresh = codec.encode(_claims(), TokenType.REFRESH)
    assert codec.decode(refresh, TokenType.REFRESH).jti == "j" * 32
    assert _refused(codec, refresh, TokenType.ACCESS) == "token_invalid"
    access = codec.encode(_claims(), TokenType.ACCESS)
    assert _refused(codec, access, TokenType.REFRESH) == "token_invalid"
    assert _refused(codec, access, TokenType.MFA) == "token_invalid"


def test_a_token_from_before_sessions_has_no_typ_and_is_refused() -> None:
    codec = JwtTokenCodec(SECRET)
    exp = int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())
    old = jwt.encode(
        {"sub": "1", "jti": "x", "exp": exp, "iss": "fastapi-vue-admin", "name": "admin"},
        SECRET,
        algorithm="HS256",
    )
    assert _refused(codec, old, TokenType.ACCESS) == "token_invalid"


def test_foreign_signatures_and_expired_tokens_keep_their_codes() -> None:
    codec = JwtTokenCodec(SECRET)
    foreign = JwtTokenCodec("another-secret-of-enough-length-987654321").encode(_claims())
    assert _refused(codec, foreign, TokenType.ACCESS) == "token_invalid"
    expired = codec.encode(_claims(expires_at=datetime.now(UTC) - timedelta(seconds=5)))
    assert _refused(codec, expired, TokenType.ACCESS) == "token_expired"
