"""Request and response shapes of the monitor module."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from entrypoints.http.schemas.common import Output


class OnlineSessionOut(Output):
    """A live session; never a token (the session id is opaque)."""

    session_id: str
    user_id: int
    username: str
    ip: str
    browser: str
    os: str
    login_time: datetime
    last_seen: datetime
    current: bool


# --- server monitor ---------------------------------------------------------------------


class PoolOut(Output):
    """A database engine's connection pool (`write`, and `read` for plain reads)."""

    name: str
    size: int
    checked_out: int
    overflow: int


class NextFireOut(Output):
    job_id: int
    fire_time: datetime


class SchedulerOut(Output):
    enabled: bool
    leader: bool
    next_fires: list[NextFireOut]


class HostOut(Output):
    hostname: str
    pid: int
    python: str
    packages: dict[str, str]
    started_at: datetime
    uptime_seconds: int
    cpu_percent: float
    cpu_count: int
    memory_total: int
    memory_used: int
    memory_percent: float
    disk_path: str
    disk_total: int
    disk_used: int
    disk_percent: float
    process_rss: int
    process_threads: int


class ServerOut(Output):
    """One running instance, as its last heartbeat reported it (`current`: the one answering)."""

    instance: str
    current: bool
    reported_at: datetime
    host: HostOut
    pools: list[PoolOut]
    scheduler: SchedulerOut


class ServersOut(Output):
    items: list[ServerOut]
    heartbeat_seconds: float


# --- cache monitor ----------------------------------------------------------------------


class CommandOut(Output):
    name: str
    calls: int


class CacheInfoOut(Output):
    """Redis INFO essentials, or the memory cache's own figures (`backend`: memory)."""

    backend: str
    version: str | None = None
    uptime_seconds: int | None = None
    used_memory: int | None = None
    used_memory_peak: int | None = None
    max_memory: int | None = None
    clients: int | None = None
    hits: int | None = None
    misses: int | None = None
    hit_rate: float | None = None
    ops_per_second: int | None = None
    keys: int | None = None
    entries: int | None = None
    max_entries: int | None = None
    ttl_seconds: int | None = None
    commands: list[CommandOut]


class NamespaceOut(Output):
    """A product namespace with its key count (`capped`: there are more than counted)."""

    name: str
    label_zh: str
    label_en: str
    kind: str
    clearable: bool
    keys: int
    capped: bool


class CacheOut(Output):
    info: CacheInfoOut
    namespaces: list[NamespaceOut]


class CacheKeyOut(Output):
    """A key (`viewable` false where the key itself is masked); `ttl_seconds` null: no expiry."""

    key: str
    type: str
    ttl_seconds: int | None
    viewable: bool


class CacheValueOut(Output):
    """A value as its namespace allows: a session shows its user and expiry, a secret nothing."""

    namespace: str
    key: str
    type: str
    ttl_seconds: int | None
    masked: bool
    value: Any = None


class ClearedOut(Output):
    deleted: int
