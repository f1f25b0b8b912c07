"""Routes of the monitor module: online users, the server monitor and the cache monitor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from core.monitor.model import ServerEntry
from core.monitor.service import (
    CacheMonitorService,
    OnlineFilter,
    OnlineService,
    OnlineSession,
    ServerMonitorService,
)
from core.rbac.model import Principal
from core.shared.pagination import PageRequest
from core.shared.scope import RowScope
from entrypoints.http.deps import provided, require, scoped
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Id, PageNo, PageOut, PageSize
from entrypoints.http.schemas.monitor import (
    CacheInfoOut,
    CacheKeyOut,
    CacheOut,
    CacheValueOut,
    ClearedOut,
    CommandOut,
    HostOut,
    NamespaceOut,
    NextFireOut,
    OnlineSessionOut,
    PoolOut,
    SchedulerOut,
    ServerOut,
    ServersOut,
)

online_router = ApiRouter(prefix="/monitor/online", tags=["monitor"])

online_service = provided(lambda c: c.online())
Online = Annotated[OnlineService, Depends(online_service)]
SessionId = Annotated[str, Path(min_length=1, max_length=64)]


class OnlineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: PageNo = 1
    size: PageSize = 10
    username: Annotated[str | None, Field(max_length=64)] = None
    ip: Annotated[str | None, Field(max_length=64)] = None

    def filter(self) -> OnlineFilter:
        return OnlineFilter(username=self.username or None, ip=self.ip or None)


def _out(row: OnlineSession) -> OnlineSessionOut:
    s = row.session
    return OnlineSessionOut(
        session_id=s.sid,
        user_id=s.user_id,
        username=s.username,
        ip=s.ip,
        browser=s.browser,
        os=s.os,
        login_time=s.login_time,
        last_seen=s.last_seen,
        current=row.current,
    )


@online_router.get("", response_model=PageOut[OnlineSessionOut], summary="online users")
async def online_users(
    q: Annotated[OnlineQuery, Query()],
    caller: Annotated[Principal, require("perm:online:get")],
    scope: Annotated[RowScope, scoped("perm:online:get")],
    online: Online,
) -> PageOut[OnlineSessionOut]:
    page = await online.online(caller, q.filter(), PageRequest(page=q.page, size=q.size), scope)
    return PageOut(items=[_out(r) for r in page.items], total=page.total, page=q.page, size=q.size)


@online_router.delete("/{session_id}", status_code=204, summary="end a session")
async def end_session(
    session_id: SessionId,
    caller: Annotated[Principal, require("perm:online:delete")],
    scope: Annotated[RowScope, scoped("perm:online:delete")],
    online: Online,
) -> None:
    await online.end(caller, session_id, scope)


@online_router.delete("/user/{user_id}", status_code=204, summary="end every session of a user")
async def end_user_sessions(
    user_id: Id,
    caller: Annotated[Principal, require("perm:online:delete")],
    scope: Annotated[RowScope, scoped("perm:online:delete")],
    online: Online,
) -> None:
    await online.end_user(caller, user_id, scope)


# --- server monitor ---------------------------------------------------------------------

server_router = ApiRouter(prefix="/monitor/server", tags=["monitor"])
Servers = Annotated[ServerMonitorService, Depends(provided(lambda c: c.server_monitor()))]
HEARTBEAT = provided(lambda c: c.settings().server_heartbeat_seconds)


def _server(entry: ServerEntry) -> ServerOut:
    r = entry.report
    h = r.host
    return ServerOut(
        instance=r.instance,
        current=entry.current,
        reported_at=r.reported_at,
        host=HostOut(
            hostname=h.hostname,
            pid=h.pid,
            python=h.python,
            packages=dict(h.packages),
            started_at=h.started_at,
            uptime_seconds=r.uptime_seconds(),
            cpu_percent=h.cpu_percent,
            cpu_count=h.cpu_count,
            memory_total=h.memory_total,
            memory_used=h.memory_used,
            memory_percent=h.memory_percent,
            disk_path=h.disk_path,
            disk_total=h.disk_total,
            disk_used=h.disk_used,
            disk_percent=h.disk_percent,
            process_rss=h.process_rss,
            process_threads=h.process_threads,
        ),
        pools=[PoolOut.model_validate(p) for p in r.pools],
        scheduler=SchedulerOut(
            enabled=r.scheduler.enabled,
            leader=r.scheduler.leader,
            next_fires=[NextFireOut(job_id=j, fire_time=t) for j, t in r.scheduler.next_fires],
        ),
    )


@server_router.get("", response_model=ServersOut, summary="running instances and their figures")
async def servers(
    _: Annotated[Principal, require("perm:monitor:get")],
    monitor: Servers,
    heartbeat: Annotated[float, Depends(HEARTBEAT)],
) -> ServersOut:
    entries = await monitor.servers()
    return ServersOut(items=[_server(e) for e in entries], heartbeat_seconds=heartbeat)


# --- cache monitor ----------------------------------------------------------------------

cache_router = ApiRouter(prefix="/monitor/cache", tags=["monitor"])
Caches = Annotated[CacheMonitorService, Depends(provided(lambda c: c.cache_monitor()))]
# Any name is looked up: one that is not the product's is 404, whatever its spelling.
NamespaceName = Annotated[str, Path(min_length=1, max_length=64)]
CacheKey = Annotated[str, Path(min_length=1, max_length=512)]


class KeysQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: PageNo = 1
    size: PageSize = 10


@cache_router.get("", response_model=CacheOut, summary="cache store figures and namespaces")
async def cache_overview(
    _: Annotated[Principal, require("perm:monitor:get")], caches: Caches
) -> CacheOut:
    found = await caches.overview()
    info = found.info
    return CacheOut(
        info=CacheInfoOut(
            backend=info.backend,
            version=info.version,
            uptime_seconds=info.uptime_seconds,
            used_memory=info.used_memory,
            used_memory_peak=info.used_memory_peak,
            max_memory=info.max_memory,
            clients=info.clients,
            hits=info.hits,
            misses=info.misses,
            hit_rate=info.hit_rate(),
            ops_per_second=info.ops_per_second,
            keys=info.keys,
            entries=info.entries,
            max_entries=info.max_entries,
            ttl_seconds=info.ttl_seconds,
            commands=[CommandOut(name=n, calls=c) for n, c in info.commands],
        ),
        namespaces=[
            NamespaceOut(
                name=k.namespace.name,
                label_zh=k.namespace.label.zh,
                label_en=k.namespace.label.en,
                kind=k.namespace.kind.value,
                clearable=k.namespace.clearable,
                keys=k.keys,
                capped=k.capped,
            )
            for k in found.namespaces
        ],
    )


@cache_router.get(
    "/{namespace}/keys", response_model=PageOut[CacheKeyOut], summary="keys of a namespace"
)
async def cache_keys(
    namespace: NamespaceName,
    q: Annotated[KeysQuery, Query()],
    _: Annotated[Principal, require("perm:monitor:get")],
    caches: Caches,
) -> PageOut[CacheKeyOut]:
    page = await caches.keys(namespace, PageRequest(page=q.page, size=q.size))
    return PageOut(
        items=[CacheKeyOut.model_validate(k) for k in page.items],
        total=page.total,
        page=q.page,
        size=q.size,
    )


@cache_router.get(
    "/{namespace}/keys/{key:path}", response_model=CacheValueOut, summary="a key's value, masked"
)
async def cache_value(
    namespace: NamespaceName,
    key: CacheKey,
    _: Annotated[Principal, require("perm:monitor:get")],
    caches: Caches,
) -> CacheValueOut:
    return CacheValueOut.model_validate(await caches.value(namespace, key))


@cache_router.delete("/{namespace}", response_model=ClearedOut, summary="clear a cache namespace")
async def clear_cache_namespace(
    namespace: NamespaceName,
    _: Annotated[Principal, require("perm:monitor:delete")],
    caches: Caches,
) -> ClearedOut:
    return ClearedOut(deleted=await caches.clear(namespace))


from entrypoints.http.routers.monitor_overview import overview_router  # noqa: E402, F401
