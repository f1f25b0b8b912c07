"""What the server and cache monitors show: instance reports, cache figures, key namespaces.

Plain data and the rules on it: which namespaces are the product's, which of them may be
cleared, and how a value of each is shown (a secret never is).
"""

from __future__ import annotations

import contextlib
import enum
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from core.shared.language import Text

# --- the server monitor ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HostFigures:
    """One sample of the host and of this process."""

    hostname: str
    pid: int
    python: str
    packages: Mapping[str, str]  # distribution -> version (the app's and its main libraries)
    started_at: datetime  # the process's start
    cpu_percent: float  # the host's, since the previous sample
    cpu_count: int
    memory_total: int  # bytes
    memory_used: int
    memory_percent: float
    disk_path: str
    disk_total: int
    disk_used: int
    disk_percent: float
    process_rss: int
    process_threads: int


@dataclass(frozen=True, kw_only=True)
class PoolFigures:
    """A database engine's connection pool now."""

    name: str  # "write" or "read"
    size: int  # connections the pool keeps
    checked_out: int  # in use
    overflow: int  # opened beyond `size` (negative: not yet all opened)


@dataclass(frozen=True, kw_only=True)
class SchedulerFigures:
    """The scheduler on this instance: whether it holds the schedule, and the next fires."""

    enabled: bool
    leader: bool
    next_fires: tuple[tuple[int, datetime], ...] = ()  # (job id, instant), soonest first


@dataclass(frozen=True, kw_only=True)
class ServerReport:
    """What one instance reports of itself at each heartbeat."""

    instance: str
    reported_at: datetime
    host: HostFigures
    pools: tuple[PoolFigures, ...]
    scheduler: SchedulerFigures

    def uptime_seconds(self) -> int:
        return max(0, int((self.reported_at - self.host.started_at).total_seconds()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_instant)

    @classmethod
    def from_json(cls, raw: str) -> ServerReport | None:
        """The report of a stored text; None for anything else (an older or foreign shape)."""
        try:
            data = json.loads(raw)
            host = dict(data["host"])
            host["started_at"] = datetime.fromisoformat(host["started_at"])
            sched = dict(data["scheduler"])
            return cls(
                instance=str(data["instance"]),
                reported_at=datetime.fromisoformat(data["reported_at"]),
                host=HostFigures(**host),
                pools=tuple(PoolFigures(**p) for p in data["pools"]),
                scheduler=SchedulerFigures(
                    enabled=bool(sched["enabled"]),
                    leader=bool(sched["leader"]),
                    next_fires=tuple(
                        (int(j), datetime.fromisoformat(t)) for j, t in sched["next_fires"]
                    ),
                ),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _instant(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@dataclass(frozen=True)
class ServerEntry:
    """An instance in the server list; `current`: the one that answers."""

    report: ServerReport
    current: bool


# --- the cache monitor -------------------------------------------------------------------


class ValueKind(enum.StrEnum):
    """How the values of a namespace are shown."""

    SESSION = "session"  # only the user and the expiry
    SECRET = "secret"  # noqa: S105 - a kind of value, not one; never: type and expiry only
    DATA = "data"  # shown, with secret-named fields masked
    COUNTER = "counter"  # a number


@dataclass(frozen=True, kw_only=True)
class Namespace:
    """A family of keys the product writes to its cache store (a key prefix)."""

    name: str
    label: Text
    kind: ValueKind
    clearable: bool
    # Keys that carry a secret themselves (a token's digest): the last part is never shown.
    secret_keys: bool = False

    def shown_key(self, key: str) -> str:
        if not self.secret_keys:
            return key
        head, sep, _ = key.rpartition(":")
        return f"{head}{sep}{MASK}" if sep else MASK


MASK = "******"

# The product's namespaces. Each store adapter maps them to its own keys; a name not here
# is not the product's (404), whatever else lives in the same Redis.
NAMESPACES: tuple[Namespace, ...] = (
    Namespace(
        name="sessions",
        label=Text("登录会话", "Sign-in sessions"),
        kind=ValueKind.SESSION,
        # Ending sessions is the online-users page's: one by one, with a login-log row each.
        clearable=False,
    ),
    Namespace(
        name="cache", label=Text("数据缓存", "Data cache"), kind=ValueKind.DATA, clearable=True
    ),
    Namespace(
        name="counters",
        label=Text("计数器（登录失败、限流）", "Counters (failed logins, rate limits)"),
        kind=ValueKind.COUNTER,
        clearable=True,
    ),
    Namespace(
        name="generations",
        label=Text("列表代次", "List generations"),
        kind=ValueKind.DATA,
        clearable=True,
    ),
    Namespace(
        name="verification",
        label=Text("验证链接", "Verification links"),
        kind=ValueKind.SECRET,
        clearable=True,
        secret_keys=True,
    ),
    Namespace(
        name="short-lived",
        label=Text("短期值（验证码、待启用的两步验证）", "Short-lived values (captcha, 2FA setup)"),
        kind=ValueKind.SECRET,
        clearable=True,
    ),
    Namespace(
        name="jobs",
        label=Text("任务锁", "Job locks"),
        kind=ValueKind.SECRET,
        # The leader lease and the run locks are what makes each fire run once.
        clearable=False,
    ),
    Namespace(
        name="servers",
        label=Text("服务实例心跳", "Server heartbeats"),
        kind=ValueKind.DATA,
        # Rewritten by every instance within one heartbeat anyway.
        clearable=False,
    ),
)

# Field names whose values are never shown, wherever they appear in a cached value.
_SECRET_WORDS = ("password", "secret", "token", "hash", "jti", "otp", "captcha", "recovery")


def masked(value: Any) -> Any:
    """`value` with every field named like a secret replaced by the mask, at any depth."""
    if isinstance(value, Mapping):
        return {
            k: MASK if any(w in str(k).lower() for w in _SECRET_WORDS) else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [masked(v) for v in value]
    return value


@dataclass(frozen=True, kw_only=True)
class CacheServerInfo:
    """The cache store's essentials (Redis INFO, or the memory cache's own figures)."""

    backend: str  # "redis" or "memory"
    version: str | None = None
    uptime_seconds: int | None = None
    used_memory: int | None = None  # bytes
    used_memory_peak: int | None = None
    max_memory: int | None = None  # 0: no limit
    clients: int | None = None
    hits: int | None = None
    misses: int | None = None
    ops_per_second: int | None = None
    keys: int | None = None  # in this database
    entries: int | None = None  # the memory cache's
    max_entries: int | None = None
    ttl_seconds: int | None = None
    commands: tuple[tuple[str, int], ...] = ()  # the most called commands, (name, calls)

    def hit_rate(self) -> float | None:
        """Hits over lookups, 0 to 1; None before any lookup or without counts."""
        if self.hits is None or self.misses is None or self.hits + self.misses == 0:
            return None
        return round(self.hits / (self.hits + self.misses), 4)


@dataclass(frozen=True, kw_only=True)
class KeyCount:
    """A namespace with its keys counted (bounded: `capped` when there are more)."""

    namespace: Namespace
    keys: int
    capped: bool


@dataclass(frozen=True, kw_only=True)
class StoredKey:
    """A key as the store holds it: its type and seconds to live (None: no expiry)."""

    key: str
    type: str
    ttl_seconds: int | None
    viewable: bool = True  # False where the key itself is masked


@dataclass(frozen=True, kw_only=True)
class StoredValue(StoredKey):
    """A key and its raw value (text, a hash's fields, a list's items, a set's members)."""

    value: Any


@dataclass(frozen=True, kw_only=True)
class KeyPage:
    items: list[StoredKey]
    total: int
    capped: bool


@dataclass(frozen=True, kw_only=True)
class ShownValue:
    """A value as the monitor shows it: masked by its namespace's kind."""

    namespace: str
    key: str
    type: str
    ttl_seconds: int | None
    masked: bool
    value: Any = None


def shown(namespace: Namespace, stored: StoredValue, now: datetime) -> ShownValue:
    """The rule of what a value may show: a session its user and expiry, a secret nothing."""
    value, hidden = _shown_value(namespace.kind, stored, now)
    return ShownValue(
        namespace=namespace.name,
        key=namespace.shown_key(stored.key),
        type=stored.type,
        ttl_seconds=stored.ttl_seconds,
        masked=hidden,
        value=value,
    )


def _shown_value(kind: ValueKind, stored: StoredValue, now: datetime) -> tuple[Any, bool]:
    raw = stored.value
    if kind is ValueKind.SESSION:
        fields = raw if isinstance(raw, Mapping) else {}
        user_id = str(fields.get("user_id", ""))
        expires = (
            None if stored.ttl_seconds is None else now + timedelta(seconds=stored.ttl_seconds)
        )
        return {
            "user_id": int(user_id) if user_id.isdigit() else None,
            "username": fields.get("username"),
            "expires_at": expires.isoformat() if expires else None,
        }, True
    if kind is ValueKind.SECRET:
        return None, True
    if kind is ValueKind.COUNTER:
        return (int(raw) if str(raw).lstrip("-").isdigit() else raw), False
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            raw = json.loads(raw)
    return masked(raw), False
