"""The one composition root: the settings, the list of modules, and the container.

`MODULES` is the list of modules. Each name is one module in every layer, found by
convention: its spec `core.<name>.module.MODULE` (seed, services, job scripts, reports, list
tables, messages), its tables and repositories `adapters/sqlalchemy/<name>.py` when it has
any, its routers `entrypoints/http/routers/<name>.py` (the app mounts them; this file never
imports an entrypoint). Adding a module is adding its files and one line here.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import secrets
import socket
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dependency_injector import containers, providers
from loguru import logger
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.apscheduler.gauge import ApschedulerSchedulerGauge
from adapters.apscheduler.scheduler import ApschedulerJobScheduler
from adapters.excel.reader import OpenpyxlSpreadsheetReader, SheetLimits
from adapters.excel.writer import OpenpyxlSpreadsheetWriter
from adapters.files.local import LocalDiskFileStore
from adapters.html.sanitizer import Nh3HtmlSanitizer
from adapters.images.pillow import PillowImageNormaliser
from adapters.memory.jobs import InMemoryRunLock, LocalInstanceRegistry, LocalLeaderLease
from adapters.memory.mfa import InMemoryShortLivedValues
from adapters.memory.monitor import InMemoryCacheInspector, LocalServerReports
from adapters.memory.registration import InMemoryVerificationTokens
from adapters.memory.stores import (
    InMemoryCache,
    InMemoryProbe,
    InMemoryRateCounter,
    InMemoryTableGenerations,
    InMemoryTokenStore,
)
from adapters.outbox.mailer import OutboxMailer
from adapters.psutil.probe import PsutilHostProbe
from adapters.redis.generations import RedisTableGenerations
from adapters.redis.jobs import RedisInstanceRegistry, RedisLeaderLease, RedisRunLock
from adapters.redis.mfa import RedisShortLivedValues
from adapters.redis.monitor import RedisCacheInspector, RedisServerReports
from adapters.redis.pipelined import fast_client
from adapters.redis.registration import RedisVerificationTokens
from adapters.redis.stores import (
    RedisProbe,
    RedisRateCounter,
    RedisTokenStore,
    RedisTwoLevelCache,
    make_client,
)
from adapters.security.captcha import ImageCaptchaImages
from adapters.security.mfa_tokens import JwtMfaTokenCodec
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenCodec
from adapters.security.totp import FernetSecretBox, PyotpOneTimePasswords
from adapters.security.useragent import UserAgentsParser
from adapters.smtp.mailer import SmtpMailer
from adapters.sqlalchemy.backup import SqlAlchemyDatabaseSnapshot
from adapters.sqlalchemy.migrations import AlembicMigrations
from adapters.sqlalchemy.modules import load as load_sql_modules
from adapters.sqlalchemy.pools import SqlAlchemyPoolGauge
from adapters.sqlalchemy.uow import (
    SqlAlchemyProbe,
    SqlAlchemyUnitOfWork,
    make_async_engine,
    make_engine,
    make_session_factory,
)
from core.audit.service import AuditService
from core.backup.model import RestoreLimits
from core.backup.ports import CacheReset
from core.backup.service import BackupService
from core.config.model import DEFAULT_ROLE
from core.config.service import ConfigRegistrationPolicy, ConfigService, ConfigSignInPolicy
from core.dictionary.service import DictionaryService
from core.jobs.registry import ScriptRegistry
from core.jobs.runner import JobRunner, RunnerConfig
from core.jobs.scripts import HousekeepingScripts, demo
from core.jobs.service import JobService
from core.rbac.mfa import CaptchaService, MfaPolicy, SecondFactor
from core.rbac.seed import SeedService
from core.rbac.service import (
    AccessService,
    AuthPolicy,
    AuthService,
    LabelService,
    MenuService,
    ProfileService,
    RoleService,
    TwoFactorService,
    UserService,
)
from core.rbac.sessions import SessionPolicy, SessionService
from core.registration.service import (
    DefaultRoleRule,
    EmailChangeService,
    PasswordRecoveryService,
    RegistrationConfig,
    RegistrationService,
)
from core.reports.service import ReportService
from core.shared.clock import SystemClock
from core.shared.errors import ServiceUnavailable
from core.shared.generations import TableGenerations
from core.shared.health import HealthService
from core.shared.module import ModuleSpec, Provide

# The modules, in the order their routers are mounted and their seeds run (parents first).
MODULES: tuple[str, ...] = (
    "org",
    "rbac",
    "audit",
    "config",
    "dictionary",
    "regcode",
    "notice",
    "file",
    "registration",
    "jobs",
    "reports",
    "backup",
    "monitor",
)


def module_specs(names: Iterable[str] = MODULES) -> tuple[ModuleSpec, ...]:
    """The `MODULE` of `core.<name>.module` for each name, in order."""
    specs: list[ModuleSpec] = []
    for name in names:
        spec = importlib.import_module(f"core.{name}.module").MODULE
        if not isinstance(spec, ModuleSpec) or spec.name != name:
            raise ValueError(f"core.{name}.module must declare MODULE = ModuleSpec(name={name!r})")
        specs.append(spec)
    return tuple(specs)


# The development key earlier versions shipped as the default: published, so refused everywhere.
DEV_SECRET = "dev-secret-change-me-0123456789abcdef"  # noqa: S105 - a known value, refused
KEY_FILE_NAME = "secret_key"


class Settings(BaseSettings):
    """Every setting, from `APP_*` environment variables or `config/.env` (the environment wins)."""

    model_config = SettingsConfigDict(
        env_prefix="APP_",
        env_file="config/.env",
        env_file_encoding="utf-8",
        extra="ignore",
        # A setting with an old name beside its own (APP_TOKEN_TTL_MINUTES) is still set by
        # its field name in code.
        populate_by_name=True,
    )

    env: Literal["development", "test", "production"] = "development"
    host: str = "0.0.0.0"  # noqa: S104 - a server listens on all interfaces by default
    port: int = 8888
    workers: int = 1
    database_url: str = "sqlite:///var/app.db"
    # Per pool: MySQL/MariaDB and PostgreSQL have two (writes, and autocommit plain reads).
    db_pool_size: int = 10
    redis_url: str | None = None
    redis_prefix: str = ""
    # The token check of every request through a small pipelined client (decision 18); off:
    # redis-py for everything. Only plain redis:// URLs use it.
    redis_pipelined: bool = True
    # Unset: a random key generated on first start and kept in `secret_key_file` (not in
    # production, which refuses to start without one).
    secret_key: SecretStr = SecretStr("")
    # Where that generated key lives; empty: next to the SQLite database, or `var/` otherwise.
    secret_key_file: str = ""
    # Sessions (docs/sessions.md): the access token's lifetime, and the session's refresh
    # lifetime (sliding), longer with "remember me".
    access_token_minutes: int = Field(
        default=30,
        ge=1,
        validation_alias=AliasChoices("APP_ACCESS_TOKEN_MINUTES", "APP_TOKEN_TTL_MINUTES"),
    )
    refresh_token_hours: int = Field(default=24, ge=1)
    refresh_remember_days: int = Field(default=14, ge=1)
    frontend_url: str = "http://127.0.0.1:8888"
    frontend_dist: str = "frontend/dist"
    cors_origins: list[str] = ["http://127.0.0.1:5173", "http://localhost:5173"]
    trusted_proxies: list[str] = ["127.0.0.1"]
    cache_local_ttl_seconds: int = Field(default=60, ge=1)
    cache_redis_ttl_seconds: int = Field(default=900, ge=1)
    # List answers kept while the tables they read are unchanged (with Redis only); 0: off.
    list_cache_seconds: int = Field(default=60, ge=0)
    # Failed logins: per account and client IP; per account from anywhere; per client IP.
    max_failed_logins: int = Field(default=5, ge=1)
    account_failure_ceiling: int = Field(default=50, ge=1)
    ip_failure_ceiling: int = Field(default=100, ge=1)
    failed_login_window_minutes: int = Field(default=15, ge=1)
    # Failed logins in a row (client or account) after which a login needs a captcha anyway.
    captcha_after_failures: int = Field(default=3, ge=1)
    access_log: bool = False
    log_level: str = "INFO"
    sql_echo: bool = False
    argon2_memory_kib: int = Field(default=19456, ge=8192)
    argon2_time_cost: int = Field(default=2, ge=1)
    # The one language `fva seed` writes seeded display texts in (role, label, dictionary type,
    # parameter and job names and remarks, nicknames); fixed once a row exists.
    seed_language: Literal["zh-CN", "en"] = "zh-CN"
    # --- registration ---
    registration_open: bool = True
    registration_default_role: str = "user"
    mail_link_ttl_minutes: int = Field(default=30, ge=1)
    mail_requests_window_minutes: int = Field(default=60, ge=1)
    mail_requests_per_ip: int = Field(default=20, ge=1)
    mail_requests_per_email: int = Field(default=5, ge=1)
    availability_checks_per_ip: int = Field(default=120, ge=1)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_from: str = "FastAPI Vue Admin <noreply@localhost>"
    outbox_dir: str = "var/outbox"
    # --- jobs ---
    scheduler_enabled: bool = True
    scheduler_timezone: str = "UTC"
    scheduler_lease_seconds: float = Field(default=15.0, ge=1)
    scheduler_sync_seconds: float = Field(default=2.0, gt=0)
    scheduler_misfire_grace_seconds: float = Field(default=60.0, ge=1)
    # Purge scripts keep at least this many days of logs, whatever a job's arguments say.
    audit_retention_min_days: int = Field(default=30, ge=1)
    # Notices one job may mail per hour; the rest are noted in its run log, not sent.
    job_notices_per_hour: int = Field(default=10, ge=1)
    # --- reports and backup ---
    import_max_file_mib: int = Field(default=10, ge=1)
    import_max_rows: int = Field(default=10_000, ge=1)
    import_max_zip_entries: int = Field(default=200, ge=10)
    import_max_unzipped_mib: int = Field(default=50, ge=1)
    import_max_compression_ratio: int = Field(default=100, ge=10)
    restore_max_file_mib: int = Field(default=1024, ge=1)
    # The zip-bomb limits of a restore, as import_max_unzipped_mib and its ratio for Excel.
    restore_max_unzipped_mib: int = Field(default=10240, ge=1)
    restore_max_compression_ratio: int = Field(default=100, ge=10)
    backup_dir: str = "var/backups"
    # --- server monitor ---
    # Each instance reports itself this often; a report lives three beats, then it drops out.
    server_heartbeat_seconds: float = Field(default=10.0, ge=0.1)
    # --- files ---
    # Uploaded files and avatars; instances on one host share it (one directory).
    file_dir: str = "var/files"
    # The largest attachment `POST /system/file` takes (avatars: 2 MiB).
    file_max_mib: int = Field(default=10, ge=1, le=1024)

    @field_validator("registration_default_role")
    @classmethod
    def _never_admin_by_signup(cls, value: str) -> str:
        if value.strip() == "admin":
            raise ValueError("APP_REGISTRATION_DEFAULT_ROLE must not be admin")
        return value.strip()

    @field_validator("mail_from")
    @classmethod
    def _one_line_sender(cls, value: str) -> str:
        if "\r" in value or "\n" in value:
            raise ValueError("APP_MAIL_FROM must be one line")
        return value

    @field_validator("scheduler_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            _zone(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"APP_SCHEDULER_TIMEZONE {value!r} is not an IANA timezone") from exc
        return value

    @model_validator(mode="after")
    def _hand_over_within_grace(self) -> Settings:
        # The lease is extended every sync tick, and a fire delayed by a hand-over (at most
        # lease + tick) must still count as on time, or the hand-over would lose it.
        if self.scheduler_sync_seconds * 3 > self.scheduler_lease_seconds:
            raise ValueError("APP_SCHEDULER_SYNC_SECONDS must be at most a third of the lease")
        if self.scheduler_misfire_grace_seconds <= (
            self.scheduler_lease_seconds + self.scheduler_sync_seconds
        ):
            raise ValueError(
                "APP_SCHEDULER_MISFIRE_GRACE_SECONDS must exceed the lease plus one sync tick"
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if secret == DEV_SECRET:
            raise ValueError(
                "APP_SECRET_KEY is the published development key: remove it (a random key is "
                "then generated and kept under var/) or set a random value of your own"
            )
        if self.env == "production" and len(secret) < 32:
            raise ValueError(
                "APP_SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        return self

    @property
    def secret_key_path(self) -> Path:
        """Where the generated signing key is kept when APP_SECRET_KEY is unset."""
        if self.secret_key_file:
            return Path(self.secret_key_file)
        if self.embedded:
            path = self.database_url.split(":///", 1)[-1].split("?", 1)[0]
            if path and path != ":memory:" and "://" not in path:
                return Path(path).parent / KEY_FILE_NAME
        return Path("var") / KEY_FILE_NAME

    @property
    def embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def production(self) -> bool:
        return self.env == "production"


def signing_key(settings: Settings) -> str:
    """APP_SECRET_KEY, or the key generated on first start and kept in a file of mode 0600.

    Called when the app starts, never at import. Several workers starting at once agree on
    one key: the first to link its complete file into place wins, the others read that one.
    """
    configured = settings.secret_key.get_secret_value()
    if configured:
        return configured
    if settings.production:  # the settings refuse this already; never generate in production
        raise ValueError("APP_SECRET_KEY must be set in production")
    path = settings.secret_key_path
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)
            logger.info("generated the JWT signing key and kept it in {} (mode 0600)", path)
        except FileExistsError:
            pass  # another process was first; its key is the one
    finally:
        draft.unlink(missing_ok=True)
    return _read_key(path)


def _read_key(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        # Readable by others: make it ours alone again rather than trusting a leaked key less.
        logger.warning("{} was readable by other users; its mode is now 0600", path)
        path.chmod(0o600)
    key = path.read_text("ascii").strip()
    if len(key) < 32:
        raise ValueError(f"{path} does not hold a signing key of at least 32 characters")
    return key


def _zone(name: str) -> tzinfo:
    """UTC needs no timezone database (a slim image may lack one); other zones do."""
    return UTC if name.upper() in ("UTC", "Z") else ZoneInfo(name)


def _instance_name() -> str:
    """Names this process in job logs and holds the scheduler lease: host, pid, a random tag."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{secrets.token_hex(3)}"


async def _job_scheduler(
    settings: Settings, scheduler: ApschedulerJobScheduler, service: JobService, runner: JobRunner
) -> AsyncIterator[ApschedulerJobScheduler]:
    """Competes for the schedule for the app's lifetime, on its loop; hands it over at shutdown."""
    if settings.scheduler_enabled:
        await scheduler.start(service, runner)
    try:
        yield scheduler
    finally:
        await scheduler.stop()


async def _cache_listener(cache: Any) -> AsyncIterator[Any]:
    """Runs the cross-instance invalidation listener of a two-level cache for the app's lifetime
    (a task of the app's loop; it is subscribed when this returns)."""
    start = getattr(cache, "start", None)
    if start is not None:
        await start()
    try:
        yield cache
    finally:
        stop = getattr(cache, "stop", None)
        if stop is not None:
            await stop()


async def _redis_clients(stores: Any) -> AsyncIterator[None]:
    """Closes this app's Redis connections at shutdown (none in the embedded profile)."""
    yield
    for name in ("redis", "fast_redis"):
        provider = getattr(stores, name, None)
        client = provider() if provider is not None else None
        if client is not None:
            await client.aclose()


class AccessPermissionCheck:
    """The jobs module's question "does this user hold this label?", answered by rbac's table."""

    def __init__(self, access: AccessService) -> None:
        self._access = access

    async def holds(self, user_id: int, label: str) -> bool:
        table = await self._access.table()
        return table.allows(await self._access.role_ids(user_id), (label,))


class ResetAll:
    """What a restore resets: the caches, and the generations of every table."""

    def __init__(self, cache: CacheReset, generations: TableGenerations) -> None:
        self._cache = cache
        self._generations = generations

    async def clear(self) -> None:
        await self._cache.clear()
        await self._generations.reset()


class RedisStores(containers.DeclarativeContainer):
    """What lives in Redis when `APP_REDIS_URL` is set: shared by every instance."""

    settings = providers.Dependency(instance_of=Settings)
    job_instance = providers.Dependency(instance_of=str)

    redis = providers.Singleton(make_client, settings.provided.redis_url)
    # The per-request token check through the small pipelined client (decision 18), when on.
    fast_redis = providers.Singleton(
        lambda s: fast_client(s.redis_url) if s.redis_pipelined else None, settings
    )
    table_generations = providers.Singleton(
        RedisTableGenerations, redis, settings.provided.redis_prefix, fast_redis
    )
    cache = providers.Singleton(
        RedisTwoLevelCache,
        redis,
        settings.provided.redis_prefix,
        settings.provided.cache_local_ttl_seconds,
        settings.provided.cache_redis_ttl_seconds,
    )
    # The token check reads the cache's epoch in the same round trip (decision 44).
    token_store = providers.Singleton(
        RedisTokenStore, redis, settings.provided.redis_prefix, fast_redis, cache
    )
    rate_counter = providers.Singleton(RedisRateCounter, redis, settings.provided.redis_prefix)
    cache_probe = providers.Singleton(RedisProbe, redis)
    verification_tokens = providers.Singleton(
        RedisVerificationTokens, redis, settings.provided.redis_prefix
    )
    short_lived = providers.Singleton(RedisShortLivedValues, redis, settings.provided.redis_prefix)
    job_lease = providers.Singleton(
        RedisLeaderLease,
        redis,
        settings.provided.redis_prefix,
        job_instance,
        settings.provided.scheduler_lease_seconds,
    )
    job_run_lock = providers.Singleton(
        RedisRunLock,
        redis,
        settings.provided.redis_prefix,
        settings.provided.scheduler_lease_seconds,
    )
    job_instances = providers.Singleton(
        RedisInstanceRegistry,
        redis,
        settings.provided.redis_prefix,
        job_instance,
        settings.provided.scheduler_lease_seconds,
    )
    server_reports = providers.Singleton(RedisServerReports, redis, settings.provided.redis_prefix)
    cache_inspector = providers.Singleton(
        RedisCacheInspector, redis, settings.provided.redis_prefix, cache
    )


class MemoryStores(containers.DeclarativeContainer):
    """The same ports in this process only: the embedded profile (one instance, no Redis)."""

    settings = providers.Dependency(instance_of=Settings)
    job_instance = providers.Dependency(instance_of=str)

    redis: providers.Object[None] = providers.Object(None)
    table_generations = providers.Singleton(InMemoryTableGenerations)
    token_store = providers.Singleton(InMemoryTokenStore)
    rate_counter = providers.Singleton(InMemoryRateCounter)
    cache = providers.Singleton(InMemoryCache, settings.provided.cache_local_ttl_seconds)
    cache_probe = providers.Singleton(InMemoryProbe)
    verification_tokens = providers.Singleton(InMemoryVerificationTokens)
    short_lived = providers.Singleton(InMemoryShortLivedValues)
    job_lease = providers.Singleton(LocalLeaderLease)
    job_run_lock = providers.Singleton(InMemoryRunLock)
    job_instances = providers.Singleton(LocalInstanceRegistry, job_instance)
    server_reports = providers.Singleton(LocalServerReports)
    cache_inspector = providers.Singleton(InMemoryCacheInspector, cache)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    # The specs of the modules in the list (build_container passes them).
    modules = providers.Dependency(instance_of=tuple)

    clock = providers.Singleton(SystemClock)
    # Rich text a module keeps (an editor's HTML) is sanitised by it before it is stored.
    html_sanitizer = providers.Singleton(Nh3HtmlSanitizer)
    # Uploaded bytes, by key, under APP_FILE_DIR; pictures users upload are encoded again.
    file_store = providers.Singleton(LocalDiskFileStore, settings.provided.file_dir)
    file_max_bytes = providers.Callable(lambda s: s.file_max_mib << 20, settings)
    image_normaliser = providers.Singleton(PillowImageNormaliser)
    job_instance = providers.Singleton(_instance_name)

    # Redis or memory, chosen once: each shared store below is that choice's.
    stores = providers.Selector(
        providers.Callable(lambda s: "redis" if s.redis_url else "memory", settings),
        redis=providers.Container(RedisStores, settings=settings, job_instance=job_instance),
        memory=providers.Container(MemoryStores, settings=settings, job_instance=job_instance),
    )
    redis = stores.provided.redis.call()
    # Every commit moves on the generations of the tables it wrote (see core/shared/generations).
    table_generations = stores.provided.table_generations.call()
    token_store = stores.provided.token_store.call()
    rate_counter = stores.provided.rate_counter.call()
    cache = stores.provided.cache.call()
    cache_probe = stores.provided.cache_probe.call()
    verification_tokens = stores.provided.verification_tokens.call()
    # Captcha codes and pending TOTP secrets (two-factor sign-in).
    short_lived = stores.provided.short_lived.call()
    job_lease = stores.provided.job_lease.call()
    job_run_lock = stores.provided.job_run_lock.call()
    job_instances = stores.provided.job_instances.call()
    cache_listener = providers.Resource(_cache_listener, cache)
    redis_clients = providers.Resource(_redis_clients, stores)

    # The app's engine (asyncio); its connections belong to the loop that opened them.
    engine = providers.Singleton(
        make_async_engine,
        settings.provided.database_url,
        echo=settings.provided.sql_echo,
        pool_size=settings.provided.db_pool_size,
    )
    # The engine of plain reads: autocommit connections on the same database (SQLite: the same
    # engine). A session reads there until it writes (make_session_factory).
    read_engine = providers.Singleton(
        lambda engine, s: (
            engine
            if engine.dialect.name == "sqlite"
            else make_async_engine(
                s.database_url, echo=s.sql_echo, pool_size=s.db_pool_size, autocommit=True
            )
        ),
        engine,
        settings,
    )
    # Closes both engines' pools (the same one twice on SQLite: harmless), on the loop that made them.
    dispose_engines = providers.Callable(
        lambda *engines: asyncio.gather(*(e.dispose() for e in engines)), engine, read_engine
    )
    # A synchronous engine, made on first use only: the bulk work of backup and restore runs
    # on it in a worker thread, off the loop (and tests reach the tables through it).
    sync_engine = providers.Singleton(
        make_engine, settings.provided.database_url, echo=settings.provided.sql_echo, pool_size=2
    )
    # The tables, mappings and repositories of the modules in the list.
    sql_modules = providers.Singleton(
        lambda specs: load_sql_modules(spec.name for spec in specs), modules
    )
    session_factory = providers.Singleton(make_session_factory, engine, sql_modules, read_engine)
    uow = providers.Factory(
        SqlAlchemyUnitOfWork,
        session_factory,
        sql_modules.provided.repositories,
        table_generations.provided.bump,
    )

    hasher = providers.Singleton(
        Argon2PasswordHasher,
        settings.provided.argon2_memory_kib,
        settings.provided.argon2_time_cost,
    )
    token_codec = providers.Singleton(lambda s: JwtTokenCodec(signing_key(s)), settings)
    auth_policy = providers.Singleton(
        lambda s: AuthPolicy(
            max_failed_logins=s.max_failed_logins,
            account_failure_ceiling=s.account_failure_ceiling,
            ip_failure_ceiling=s.ip_failure_ceiling,
            failed_login_window_seconds=s.failed_login_window_minutes * 60,
            captcha_after_failures=s.captcha_after_failures,
        ),
        settings,
    )

    session_policy = providers.Singleton(
        lambda s: SessionPolicy(
            access_ttl_seconds=s.access_token_minutes * 60,
            refresh_ttl_seconds=s.refresh_token_hours * 3600,
            remember_ttl_seconds=s.refresh_remember_days * 86400,
        ),
        settings,
    )
    user_agents = providers.Singleton(UserAgentsParser)

    # Services hold no per-request state, so one instance each serves every request.
    access = providers.Singleton(AccessService, uow.provider, cache)
    # Every sign-in ends in `sessions.start` (password, second factor); refresh and logout too.
    sessions = providers.Singleton(
        SessionService, uow.provider, token_codec, token_store, user_agents, clock, session_policy
    )
    profiles = providers.Singleton(ProfileService, uow.provider, access, clock)
    users = providers.Singleton(UserService, uow.provider, hasher, token_store, access, clock)
    roles = providers.Singleton(RoleService, uow.provider, access, clock)
    menus = providers.Singleton(MenuService, uow.provider, clock)
    labels = providers.Singleton(LabelService, uow.provider, access, clock)
    audit = providers.Singleton(AuditService, uow.provider, clock)
    # --- config parameters, dictionaries ---
    # Parameters that grant something are checked when written, by the module that reads them.
    config_rules = providers.Dict(
        {DEFAULT_ROLE: providers.Singleton(DefaultRoleRule, uow.provider)}
    )
    configs = providers.Singleton(ConfigService, uow.provider, cache, clock, config_rules)
    dictionaries = providers.Singleton(DictionaryService, uow.provider, cache, clock)

    # --- two-factor sign-in and the login captcha ---
    sign_in_policy = providers.Singleton(ConfigSignInPolicy, configs)
    one_time_passwords = providers.Singleton(PyotpOneTimePasswords)
    # TOTP secrets are sealed, and mfa tokens signed, with keys of the signing key.
    secret_box = providers.Singleton(lambda s: FernetSecretBox(signing_key(s)), settings)
    mfa_token_codec = providers.Singleton(lambda s: JwtMfaTokenCodec(signing_key(s)), settings)
    captcha_images = providers.Singleton(ImageCaptchaImages)
    second_factor = providers.Singleton(
        SecondFactor,
        uow.provider,
        one_time_passwords,
        secret_box,
        mfa_token_codec,
        short_lived,
        rate_counter,
        clock,
        providers.Object(MfaPolicy()),
    )
    captcha = providers.Singleton(
        CaptchaService,
        captcha_images,
        short_lived,
        sign_in_policy,
        rate_counter,
    )
    auth = providers.Singleton(
        AuthService,
        uow.provider,
        hasher,
        token_codec,
        token_store,
        rate_counter,
        access,
        clock,
        auth_policy,
        sessions,
        second_factor,
        captcha,
        sign_in_policy,
    )
    two_factor = providers.Singleton(
        TwoFactorService, second_factor, hasher, token_store, rate_counter, auth_policy
    )

    # Each module's roles, labels, menus and data, in the list's order (parents first).
    seed_bundles = providers.Callable(
        lambda specs: [spec.seed for spec in specs if spec.seed is not None], modules
    )
    seed = providers.Factory(
        SeedService, uow.provider, hasher, clock, seed_bundles, settings.provided.seed_language
    )

    health = providers.Singleton(
        HealthService, providers.Singleton(SqlAlchemyProbe, engine), cache_probe
    )
    migrations = providers.Singleton(AlembicMigrations, settings.provided.database_url)

    # --- registration ---
    # SMTP when a host is configured; otherwise each mail becomes a file in the outbox.
    mail_backend = providers.Callable(lambda s: "smtp" if s.smtp_host else "outbox", settings)
    mailer = providers.Selector(
        mail_backend,
        smtp=providers.Singleton(
            lambda s: SmtpMailer(
                s.smtp_host,
                s.smtp_port,
                s.mail_from,
                tls=s.smtp_tls,
                user=s.smtp_user,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                timeout=s.smtp_timeout_seconds,
            ),
            settings,
        ),
        outbox=providers.Singleton(
            OutboxMailer, settings.provided.outbox_dir, settings.provided.mail_from
        ),
    )
    # Operators switch these in the config parameters; the settings are the fallback when a
    # parameter is missing.
    registration_policy = providers.Singleton(
        ConfigRegistrationPolicy,
        configs,
        settings.provided.registration_open,
        settings.provided.registration_default_role,
    )
    registration_config = providers.Singleton(
        lambda s: RegistrationConfig(
            frontend_url=s.frontend_url,
            link_ttl_seconds=s.mail_link_ttl_minutes * 60,
            window_seconds=s.mail_requests_window_minutes * 60,
            requests_per_ip=s.mail_requests_per_ip,
            requests_per_email=s.mail_requests_per_email,
            checks_per_ip=s.availability_checks_per_ip,
            password_attempts=s.max_failed_logins,
            password_window_seconds=s.failed_login_window_minutes * 60,
        ),
        settings,
    )
    registration = providers.Singleton(
        RegistrationService,
        uow.provider,
        hasher,
        verification_tokens,
        rate_counter,
        mailer,
        registration_policy,
        access,
        clock,
        registration_config,
    )
    recovery = providers.Singleton(
        PasswordRecoveryService,
        uow.provider,
        hasher,
        verification_tokens,
        rate_counter,
        mailer,
        token_store,
        clock,
        registration_config,
    )

    email_changes = providers.Singleton(
        EmailChangeService,
        uow.provider,
        hasher,
        verification_tokens,
        rate_counter,
        mailer,
        token_store,
        access,
        clock,
        registration_config,
    )

    # --- jobs ---
    job_timezone = providers.Singleton(_zone, settings.provided.scheduler_timezone)
    # The scripts a job may run: the jobs module's own, then those the modules' specs declare
    # (build_container adds them to `module_scripts`).
    module_scripts = providers.List()
    job_scripts = providers.Singleton(
        lambda own, declared: ScriptRegistry([*own, *declared]),
        providers.List(
            providers.Singleton(
                HousekeepingScripts,
                uow.provider,
                clock,
                settings.provided.audit_retention_min_days,
            ),
            providers.Object(demo),
        ),
        module_scripts,
    )
    job_scheduler = providers.Singleton(
        ApschedulerJobScheduler,
        job_lease,
        timezone=job_timezone,
        tick_seconds=settings.provided.scheduler_sync_seconds,
        recovery_seconds=settings.provided.scheduler_lease_seconds,
    )
    job_runner = providers.Singleton(
        JobRunner,
        uow.provider,
        job_scripts,
        job_run_lock,
        mailer,
        clock,
        providers.Singleton(
            lambda s, tz, instance: RunnerConfig(
                timezone=tz,
                misfire_grace=timedelta(seconds=s.scheduler_misfire_grace_seconds),
                instance=instance,
                notices_per_hour=s.job_notices_per_hour,
            ),
            settings,
            job_timezone,
            job_instance,
        ),
        rate_counter,
    )
    jobs = providers.Singleton(
        JobService,
        uow.provider,
        job_scheduler,
        job_runner,
        job_scripts,
        clock,
        job_timezone,
        job_instances,
        providers.Singleton(AccessPermissionCheck, access),
    )
    job_scheduler_runtime = providers.Resource(
        _job_scheduler, settings, job_scheduler, jobs, job_runner
    )

    # --- the server and cache monitors' sources (each instance reports itself) ---
    server_reports = stores.provided.server_reports.call()
    cache_inspector = stores.provided.cache_inspector.call()
    host_probe = providers.Singleton(PsutilHostProbe)
    pool_gauge = providers.Singleton(SqlAlchemyPoolGauge, engine, read_engine)
    scheduler_gauge = providers.Singleton(
        ApschedulerSchedulerGauge, job_scheduler, settings.provided.scheduler_enabled
    )
    heartbeat_seconds = settings.provided.server_heartbeat_seconds

    # --- reports and backup ---
    spreadsheet_limits = providers.Singleton(
        lambda s: SheetLimits(
            max_entries=s.import_max_zip_entries,
            max_uncompressed=s.import_max_unzipped_mib << 20,
            max_ratio=s.import_max_compression_ratio,
            max_rows=s.import_max_rows,
        ),
        settings,
    )
    reports = providers.Singleton(
        ReportService,
        providers.Singleton(OpenpyxlSpreadsheetWriter),
        providers.Singleton(OpenpyxlSpreadsheetReader, spreadsheet_limits),
        dictionaries,
    )
    # It reads the one metadata, which holds the tables once the modules' files are loaded.
    database_snapshot = providers.Singleton(
        lambda engine, _loaded: SqlAlchemyDatabaseSnapshot(engine), sync_engine, sql_modules
    )
    # A restore drops every cache and revokes every token: the rows behind them are replaced.
    backup = providers.Singleton(
        BackupService,
        database_snapshot,
        providers.Singleton(ResetAll, cache, table_generations),
        token_store,
        clock,
        providers.Singleton(
            lambda s: RestoreLimits(
                max_uncompressed=s.restore_max_unzipped_mib << 20,
                max_ratio=s.restore_max_compression_ratio,
            ),
            settings,
        ),
    )


def build_container(
    settings: Settings | None = None, modules: Iterable[str] = MODULES
) -> Container:
    """Wire adapters to ports for these settings and modules; nothing connects until first use."""
    specs = module_specs(modules)
    container = Container(settings=settings or Settings(), modules=specs)
    for spec in specs:
        for service in spec.services:
            if service.name in container.providers:
                raise ValueError(f"module {spec.name}: the container already has {service.name!r}")
            container.set_provider(service.name, _provider(container, service))
    container.module_scripts.add_args(
        *(_provider(container, script) for spec in specs for script in spec.scripts)
    )
    for spec in specs:
        for name in spec.background:
            if name not in {service.name for service in spec.services}:
                raise ValueError(f"module {spec.name}: background {name!r} is not its service")
            container.set_provider(
                f"{name}_runtime", providers.Resource(_background, container.providers[name])
            )
    return container


async def _background(service: Any) -> AsyncIterator[Any]:
    """Runs a module's background service for the app's lifetime, on the app's loop."""
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


def _provider(container: Container, declared: Provide) -> providers.Provider[object]:
    """`declared.factory(*needs)` as a singleton; `uow` is the callable that opens a unit of work."""
    known = container.providers
    missing = [need for need in declared.needs if need != "uow" and need not in known]
    if missing:
        raise ValueError(f"{declared.name} needs {missing}, which the container does not provide")
    needs = [container.uow.provider if need == "uow" else known[need] for need in declared.needs]
    return providers.Singleton(declared.factory, *needs)


__all__ = ["Container", "ServiceUnavailable", "Settings", "build_container", "signing_key"]
