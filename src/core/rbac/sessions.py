"""Sessions: a sign-in's token pair, its refresh with rotation and theft detection, its end.

A session is one sign-in (docs/sessions.md). Its record in the token store is the truth every
instance reads: the access tokens are good while it exists, and the refresh token is good
once: each refresh replaces the session's `refresh_jti`, so an earlier refresh token that
comes back has been copied, and the whole session ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.audit.model import LOGIN_LOGOUT, LOGIN_SUCCESS, LoginLog, SessionEnd
from core.rbac.model import Rotation, Session, TokenClaims, TokenPair, TokenType, User
from core.rbac.ports import RbacUnitOfWork, TokenCodec, TokenStore, UserAgentParser
from core.shared.clock import Clock
from core.shared.errors import Unauthorized

UowFactory = Callable[[], RbacUnitOfWork]


@dataclass(frozen=True, kw_only=True)
class SessionPolicy:
    access_ttl_seconds: int = 30 * 60
    refresh_ttl_seconds: int = 24 * 3600
    remember_ttl_seconds: int = 14 * 86400

    def refresh_lifetime(self, remember: bool) -> int:
        return self.remember_ttl_seconds if remember else self.refresh_ttl_seconds


def new_id() -> str:
    """A session id or a token id: 32 random hex characters."""
    return secrets.token_hex(16)


def login_log(
    now: datetime, username: str, ip: str, ua: str, status: str, message: str
) -> LoginLog:
    log = LoginLog(
        username=username[:64],
        ip=ip[:64],
        user_agent=ua[:255],
        status=status,
        message=str(message),  # a LoginFailure's or SessionEnd's plain code
    )
    log.stamp_created(None, now)
    return log


class SessionService:
    """Starts sessions (the end of every sign-in), refreshes their tokens, and ends them."""

    def __init__(
        self,
        uow: UowFactory,
        codec: TokenCodec,
        tokens: TokenStore,
        agents: UserAgentParser,
        clock: Clock,
        policy: SessionPolicy,
    ) -> None:
        self._uow = uow
        self._codec = codec
        self._tokens = tokens
        self._agents = agents
        self._clock = clock
        self._policy = policy

    async def start(
        self, user: User, ip: str, user_agent: str, remember: bool, note: str = ""
    ) -> TokenPair:
        """A sign-in that passed every check: a new session, its tokens, the success row."""
        assert user.id is not None
        now = self._clock.now()
        browser, system = self._agents.parse(user_agent)
        session = Session(
            sid=new_id(),
            user_id=user.id,
            username=user.username,
            ip=ip[:64],
            user_agent=user_agent[:255],
            browser=browser,
            os=system,
            login_time=now,
            last_seen=now,
            remember=remember,
            refresh_jti=new_id(),
        )
        lifetime = self._policy.refresh_lifetime(remember)
        await self._tokens.start(session, lifetime)
        async with self._uow() as uow:
            await uow.login_logs.add(
                login_log(now, user.username, ip, user_agent, LOGIN_SUCCESS, note)
            )
            await uow.commit()
        return self._pair(session, session.refresh_jti, lifetime, now)

    async def refresh(self, refresh_token: str, ip: str = "", user_agent: str = "") -> TokenPair:
        """A refresh token is good once: it buys a new pair, and coming back it ends the session.

        The check that it is the session's current one and its replacement are one atomic
        step in the store, so two instances given the same token cannot both rotate it.
        """
        claims = self._refresh_claims(refresh_token)
        session = await self._tokens.get(claims.user_id, claims.sid)
        if session is None:
            raise Unauthorized("the session has ended", "token_revoked")
        now = self._clock.now()
        new_jti = new_id()
        lifetime = self._policy.refresh_lifetime(session.remember)
        outcome = await self._tokens.rotate(
            claims.user_id, claims.sid, claims.jti, new_jti, lifetime
        )
        if outcome is Rotation.GONE:
            raise Unauthorized("the session has ended", "token_revoked")
        if outcome is Rotation.REUSED:
            await self._log(session.username, ip, user_agent, SessionEnd.REFRESH_REUSED)
            raise Unauthorized("the refresh token was used before", "refresh_reused")
        return self._pair(session, new_jti, lifetime, now)

    async def end(self, user_id: int, sid: str) -> bool:
        """Ends one session (its user's logout); whether it was live."""
        return await self._tokens.end(user_id, sid)

    async def end_forced(self, session: Session) -> bool:
        """An administrator ends someone's session: the user's login log tells them."""
        ended = await self._tokens.end(session.user_id, session.sid)
        if ended:
            await self._log(
                session.username, session.ip, session.user_agent, SessionEnd.FORCED_LOGOUT
            )
        return ended

    def _refresh_claims(self, token: str) -> TokenClaims:
        try:
            claims = self._codec.decode(token, TokenType.REFRESH)
        except Unauthorized as exc:
            if exc.code == "token_expired":
                raise
            raise Unauthorized("the refresh token is invalid", "refresh_invalid") from exc
        if claims.expires_at <= self._clock.now():
            raise Unauthorized("the token has expired", "token_expired")
        if not claims.sid:
            raise Unauthorized("the refresh token is invalid", "refresh_invalid")
        return claims

    def _pair(self, session: Session, refresh_jti: str, lifetime: int, now: datetime) -> TokenPair:
        access_ttl = self._policy.access_ttl_seconds
        access = TokenClaims(
            session.user_id,
            new_id(),
            now + timedelta(seconds=access_ttl),
            session.username,
            sid=session.sid,
        )
        refresh = TokenClaims(
            session.user_id, refresh_jti, now + timedelta(seconds=lifetime), sid=session.sid
        )
        return TokenPair(
            access_token=self._codec.encode(access, TokenType.ACCESS),
            expires_in=access_ttl,
            refresh_token=self._codec.encode(refresh, TokenType.REFRESH),
            refresh_expires_in=lifetime,
        )

    async def _log(self, username: str, ip: str, ua: str, why: SessionEnd) -> None:
        async with self._uow() as uow:
            await uow.login_logs.add(
                login_log(self._clock.now(), username, ip, ua, LOGIN_LOGOUT, why)
            )
            await uow.commit()
