"""The one composition root: settings, and the container that wires adapters to core's ports."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from dependency_injector import containers, providers
from loguru import logger
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.memory.stores import (
    InMemoryCache,
    InMemoryProbe,
    InMemoryRateCounter,
    InMemoryTokenStore,
)
from adapters.redis.stores import (
    RedisProbe,
    RedisRateCounter,
    RedisTokenStore,
    RedisTwoLevelCache,
    make_client,
)
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenCodec
from adapters.sqlalchemy.uow import (
    SqlAlchemyProbe,
    SqlAlchemyUnitOfWork,
    make_engine,
    make_session_factory,
)
from core.audit.service import AuditService
from core.rbac.seed import RBAC_SEED, SeedService
from core.rbac.service import (
    AccessService,
    AuthPolicy,
    AuthService,
    LabelService,
    MenuService,
    ProfileService,
    RoleService,
    UserService,
)
from core.shared.clock import SystemClock
from core.shared.errors import ServiceUnavailable
from core.shared.health import HealthService

DEV_SECRET = "dev-secret-change-me-0123456789abcdef"  # noqa: S105 - refused outside development


class Settings(BaseSettings):
    """Every setting, from `APP_*` environment variables or `config/.env` (the environment wins)."""

    model_config = SettingsConfigDict(
        env_prefix="APP_", env_file="config/.env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    host: str = "0.0.0.0"  # noqa: S104 - a server listens on all interfaces by default
    port: int = 8888
    workers: int = 1
    database_url: str = "sqlite:///var/app.db"
    db_pool_size: int = 10
    redis_url: str | None = None
    redis_prefix: str = ""
    secret_key: str = DEV_SECRET
    token_ttl_minutes: int = Field(default=480, ge=1)
    frontend_url: str = "http://127.0.0.1:8888"
    frontend_dist: str = "frontend/dist"
    cors_origins: list[str] = ["http://127.0.0.1:5173", "http://localhost:5173"]
    trusted_proxies: list[str] = ["127.0.0.1"]
    cache_local_ttl_seconds: int = Field(default=60, ge=1)
    cache_redis_ttl_seconds: int = Field(default=900, ge=1)
    max_failed_logins: int = Field(default=5, ge=1)
    failed_login_window_minutes: int = Field(default=15, ge=1)
    access_log: bool = False
    log_level: str = "INFO"
    sql_echo: bool = False
    argon2_memory_kib: int = Field(default=19456, ge=8192)
    argon2_time_cost: int = Field(default=2, ge=1)

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        if self.env == "production" and (
            not self.secret_key or self.secret_key == DEV_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "APP_SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        return self

    @property
    def embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def production(self) -> bool:
        return self.env == "production"


def _cache_listener(cache: Any) -> Iterator[Any]:
    """Runs the cross-instance invalidation listener of a two-level cache for the app's lifetime."""
    start = getattr(cache, "start", None)
    if start is not None:
        start()
        cache.wait_ready(5)
    yield cache
    stop = getattr(cache, "stop", None)
    if stop is not None:
        stop()


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    backend = providers.Callable(lambda s: "redis" if s.redis_url else "memory", settings)
    clock = providers.Singleton(SystemClock)

    engine = providers.Singleton(
        make_engine,
        settings.provided.database_url,
        echo=settings.provided.sql_echo,
        pool_size=settings.provided.db_pool_size,
    )
    session_factory = providers.Singleton(make_session_factory, engine)
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory)

    redis = providers.Singleton(make_client, settings.provided.redis_url)
    token_store = providers.Selector(
        backend,
        redis=providers.Singleton(RedisTokenStore, redis, settings.provided.redis_prefix),
        memory=providers.Singleton(InMemoryTokenStore),
    )
    rate_counter = providers.Selector(
        backend,
        redis=providers.Singleton(RedisRateCounter, redis, settings.provided.redis_prefix),
        memory=providers.Singleton(InMemoryRateCounter),
    )
    cache = providers.Selector(
        backend,
        redis=providers.Singleton(
            RedisTwoLevelCache,
            redis,
            settings.provided.redis_prefix,
            settings.provided.cache_local_ttl_seconds,
            settings.provided.cache_redis_ttl_seconds,
        ),
        memory=providers.Singleton(InMemoryCache, settings.provided.cache_local_ttl_seconds),
    )
    cache_listener = providers.Resource(_cache_listener, cache)

    hasher = providers.Singleton(
        Argon2PasswordHasher,
        settings.provided.argon2_memory_kib,
        settings.provided.argon2_time_cost,
    )
    token_codec = providers.Singleton(JwtTokenCodec, settings.provided.secret_key)
    auth_policy = providers.Singleton(
        lambda s: AuthPolicy(
            token_ttl_seconds=s.token_ttl_minutes * 60,
            max_failed_logins=s.max_failed_logins,
            failed_login_window_seconds=s.failed_login_window_minutes * 60,
        ),
        settings,
    )

    # Services hold no per-request state, so one instance each serves every request.
    access = providers.Singleton(AccessService, uow.provider, cache)
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
    )
    profiles = providers.Singleton(ProfileService, uow.provider, access, clock)
    users = providers.Singleton(UserService, uow.provider, hasher, token_store, access, clock)
    roles = providers.Singleton(RoleService, uow.provider, access, clock)
    menus = providers.Singleton(MenuService, uow.provider, clock)
    labels = providers.Singleton(LabelService, uow.provider, access, clock)
    audit = providers.Singleton(AuditService, uow.provider, clock)
    seed = providers.Factory(
        SeedService, uow.provider, hasher, clock, providers.List(providers.Object(RBAC_SEED))
    )

    cache_probe = providers.Selector(
        backend,
        redis=providers.Singleton(RedisProbe, redis),
        memory=providers.Singleton(InMemoryProbe),
    )
    health = providers.Singleton(
        HealthService, providers.Singleton(SqlAlchemyProbe, engine), cache_probe
    )


def build_container(settings: Settings | None = None) -> Container:
    """Wire adapters to ports for these settings; nothing connects until first use."""
    container = Container(settings=settings or Settings())
    return container


__all__ = ["Container", "ServiceUnavailable", "Settings", "build_container"]


ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


def migrate(settings: Settings, revision: str = "head") -> None:
    """Bring the schema to `revision` (Alembic upgrade)."""
    alembic_command.upgrade(alembic_config(settings.database_url), revision)


def downgrade(settings: Settings, revision: str) -> None:
    alembic_command.downgrade(alembic_config(settings.database_url), revision)


def configure_logging(settings: Settings) -> None:
    """Loguru to stderr; the standard library's loggers (uvicorn, alembic) routed through it."""
    logger.remove()
    logger.add(sys.stderr, level=settings.log_level.upper(), backtrace=False, diagnose=False)
