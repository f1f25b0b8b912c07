"""Use cases of the monitor module: the live sessions of every instance, and ending them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.rbac.model import ADMIN_ROLE, Principal, Session
from core.rbac.ports import RbacUnitOfWork, TokenStore
from core.rbac.service import AccessService
from core.rbac.sessions import SessionService
from core.shared.errors import Forbidden, NotFound
from core.shared.pagination import Page, PageRequest
from core.shared.scope import EVERY_ROW, RowScope

UowFactory = Callable[[], RbacUnitOfWork]


@dataclass(frozen=True, kw_only=True)
class OnlineFilter:
    username: str | None = None  # contained in the username, ignoring case
    ip: str | None = None  # the client address starts with it

    def admits(self, session: Session) -> bool:
        if self.username and self.username.casefold() not in session.username.casefold():
            return False
        return not self.ip or session.ip.startswith(self.ip)


@dataclass(frozen=True)
class OnlineSession:
    session: Session
    current: bool  # the caller's own


class OnlineService:
    """Lists the live sessions the caller's data scope admits, and ends them (forced logout).

    A session is its user's: a caller sees and ends those of the users the user routes let
    them see (the data scope), and only an admin ends an admin's.
    """

    def __init__(
        self, uow: UowFactory, tokens: TokenStore, sessions: SessionService, access: AccessService
    ) -> None:
        self._uow = uow
        self._tokens = tokens
        self._sessions = sessions
        self._access = access

    async def online(
        self,
        caller: Principal,
        flt: OnlineFilter,
        page: PageRequest,
        scope: RowScope = EVERY_ROW,
    ) -> Page[OnlineSession]:
        """Every live session across all instances, newest sign-in first."""
        found = [s for s in await self._tokens.sessions() if flt.admits(s)]
        visible = await self._visible({s.user_id for s in found}, scope)
        rows = sorted(
            (s for s in found if s.user_id in visible),
            key=lambda s: (s.login_time, s.sid),
            reverse=True,
        )
        start = (page.page - 1) * page.size
        items = [
            OnlineSession(s, s.user_id == caller.user_id and s.sid == caller.sid)
            for s in rows[start : start + page.size]
        ]
        return Page(items=items, total=len(rows), page=page.page, size=page.size)

    async def end(self, caller: Principal, sid: str, scope: RowScope = EVERY_ROW) -> None:
        """Ends one session (404 outside the caller's scope, 403 an admin's for a non-admin)."""
        session = next((s for s in await self._tokens.sessions() if s.sid == sid), None)
        if session is None or not await self._visible({session.user_id}, scope):
            raise NotFound("no such session", "session_not_found")
        await self._guard(caller, session.user_id)
        if not await self._sessions.end_forced(session):
            raise NotFound("no such session", "session_not_found")

    async def end_user(self, caller: Principal, user_id: int, scope: RowScope = EVERY_ROW) -> None:
        """Ends every session of a user (404 when none is live or the user is outside scope)."""
        mine = [s for s in await self._tokens.sessions() if s.user_id == user_id]
        if not mine or not await self._visible({user_id}, scope):
            raise NotFound("no such session", "session_not_found")
        await self._guard(caller, user_id)
        ended = [s for s in mine if await self._sessions.end_forced(s)]
        if not ended:
            raise NotFound("no such session", "session_not_found")

    async def _guard(self, caller: Principal, user_id: int) -> None:
        table = await self._access.table()
        if ADMIN_ROLE in table.role_codes(caller.role_ids):
            return
        if ADMIN_ROLE in table.role_codes(await self._access.role_ids(user_id)):
            raise Forbidden(
                "only an administrator may end an administrator's session", "permission_denied"
            )

    async def _visible(self, user_ids: set[int], scope: RowScope) -> set[int]:
        """The users of these the scope admits (all of them for a caller who sees every row)."""
        if scope.everything or not user_ids:
            return set(user_ids)
        async with self._uow() as uow:
            return {u for u in user_ids if await uow.users.get(u, scope=scope) is not None}
