"""Use cases of the monitor module: online users, the server monitor and the cache monitor."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from core.monitor.model import (
    NAMESPACES,
    CacheServerInfo,
    KeyCount,
    Namespace,
    ServerEntry,
    ServerReport,
    ShownValue,
    StoredKey,
    shown,
)
from core.monitor.ports import (
    CacheInspector,
    HostProbe,
    PoolGauge,
    SchedulerGauge,
    ServerReports,
)
from core.rbac.model import ADMIN_ROLE, Principal, Session
from core.rbac.ports import RbacUnitOfWork, TokenStore
from core.rbac.service import AccessService
from core.rbac.sessions import SessionService
from core.shared.clock import Clock
from core.shared.errors import Conflict, DomainError, Forbidden, NotFound
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


log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class HeartbeatConfig:
    instance: str  # this instance's name (the one the scheduler's lease uses)
    every_seconds: float  # a report lives three beats, so one missed beat drops nothing

    @property
    def ttl_seconds(self) -> float:
        return self.every_seconds * 3


class ServerMonitorService:
    """Every running instance with its figures: each reports itself through a heartbeat.

    An instance that stops beating drops out of the list when its last report lapses
    (three beats); the answering instance always shows a fresh sample of itself.
    """

    def __init__(
        self,
        reports: ServerReports,
        host: HostProbe,
        pools: PoolGauge,
        scheduler: SchedulerGauge,
        clock: Clock,
        instance: str,
        every_seconds: float,
    ) -> None:
        self._reports = reports
        self._host = host
        self._pools = pools
        self._scheduler = scheduler
        self._clock = clock
        self._config = HeartbeatConfig(instance=instance, every_seconds=every_seconds)
        self._task: asyncio.Task[None] | None = None

    async def report(self) -> ServerReport:
        """A fresh report of this instance."""
        return ServerReport(
            instance=self._config.instance,
            reported_at=self._clock.now(),
            host=await self._host.sample(),
            pools=self._pools.pools(),
            scheduler=self._scheduler.state(),
        )

    async def beat(self) -> ServerReport:
        """Publishes this instance's report for the others to read."""
        report = await self.report()
        await self._reports.publish(report, self._config.ttl_seconds)
        return report

    async def servers(self) -> list[ServerEntry]:
        """The live instances, this one first (fresh), then the others by name."""
        mine = await self.report()
        others = [r for r in await self._reports.reports() if r.instance != mine.instance]
        return [
            ServerEntry(mine, True),
            *(ServerEntry(r, False) for r in sorted(others, key=lambda r: r.instance)),
        ]

    # the heartbeat, a task of the app's loop for its lifetime --------------------------
    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._beat_forever(), name="server-heartbeat")

    async def stop(self, withdraw: bool = True) -> None:
        """Stops beating; `withdraw` drops the report at once (a clean stop), else it lapses."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if withdraw:
            with contextlib.suppress(DomainError):
                await self._reports.withdraw(self._config.instance)

    async def _beat_forever(self) -> None:
        while True:
            try:
                await self.beat()
            except DomainError as exc:  # the store is down: the next beat tries again
                log.warning("server heartbeat skipped: %s", exc.code)
            await asyncio.sleep(self._config.every_seconds)


# Keys counted or listed per namespace at most (SCAN is bounded; a page says when it is capped).
KEY_LIMIT = 10_000


@dataclass(frozen=True)
class CacheOverview:
    info: CacheServerInfo
    namespaces: list[KeyCount]


class CacheMonitorService:
    """The cache store's figures and the product's namespaces: count, list, show, clear.

    Only the product's namespaces are reachable (404 otherwise); a value is shown as its
    namespace allows (a session: its user and expiry; a secret: nothing); clearing a
    namespace also drops every instance's in-process level.
    """

    def __init__(self, inspector: CacheInspector, clock: Clock) -> None:
        self._inspector = inspector
        self._clock = clock

    def _namespace(self, name: str) -> Namespace:
        held = self._inspector.namespaces()
        for ns in NAMESPACES:
            if ns.name == name and name in held:
                return ns
        raise NotFound("no such cache namespace", "cache_namespace_not_found")

    async def overview(self) -> CacheOverview:
        """The store's essentials and each namespace's key count."""
        info = await self._inspector.info()
        counted = await self._inspector.counts(KEY_LIMIT)
        return CacheOverview(
            info,
            [
                KeyCount(namespace=ns, keys=counted[ns.name][0], capped=counted[ns.name][1])
                for ns in NAMESPACES
                if ns.name in counted
            ],
        )

    async def keys(self, name: str, page: PageRequest) -> Page[StoredKey]:
        """A page of the namespace's keys, by name; keys that carry a secret masked."""
        ns = self._namespace(name)
        found = await self._inspector.keys(name, (page.page - 1) * page.size, page.size, KEY_LIMIT)
        items = [
            k if not ns.secret_keys else replace(k, key=ns.shown_key(k.key), viewable=False)
            for k in found.items
        ]
        return Page(items=items, total=found.total, page=page.page, size=page.size)

    async def value(self, name: str, key: str) -> ShownValue:
        """One key's value, masked as its namespace requires (404 outside the namespace)."""
        ns = self._namespace(name)
        stored = await self._inspector.value(name, key)
        if stored is None:
            raise NotFound("no such key in this namespace", "cache_key_not_found")
        return shown(ns, stored, self._clock.now())

    async def clear(self, name: str) -> int:
        """Deletes the namespace's keys on the store; every instance drops its local level."""
        ns = self._namespace(name)
        if not ns.clearable:
            raise Conflict("this namespace cannot be cleared here", "cache_namespace_protected")
        return await self._inspector.clear(name)
