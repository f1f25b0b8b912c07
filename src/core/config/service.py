"""Use cases of the config-parameter module; reads go through the shared cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from core.config.commands import CreateConfig, UpdateConfig
from core.config.model import (
    CAPTCHA_ENABLED,
    DEFAULT_ROLE,
    MFA_REQUIRED_ROLES,
    REGISTRATION_OPEN,
    ConfigSetting,
    as_flag,
    check_key,
)
from core.config.ports import ConfigFilter, ConfigUnitOfWork, ValueRule
from core.rbac.ports import SignInPolicy
from core.registration.ports import RegistrationPolicy
from core.reports.model import ImportRow, RowError, RowErrors
from core.shared.cache import Cache
from core.shared.clock import Clock
from core.shared.commands import given
from core.shared.entity import require
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest
from core.shared.turns import in_turns

KEY = "config:{}"
_MISSING = {"missing": True}


class ConfigService:
    def __init__(
        self,
        uow: Callable[[], ConfigUnitOfWork],
        cache: Cache,
        clock: Clock,
        rules: Mapping[str, ValueRule] | None = None,
    ) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock
        # Keyed case-blind: a look-alike key is refused the same value as the real one.
        self._rules = {k.casefold(): r for k, r in (rules or {}).items()}

    async def _check_value(self, actor: int | None, key: str, value: object) -> None:
        rule = self._rules.get(key.casefold())
        if rule is not None:
            await rule.check(actor, str(value))

    async def search(self, flt: ConfigFilter, page: PageRequest) -> Page[ConfigSetting]:
        async with self._uow() as uow:
            return await uow.configs.search(flt, page)

    async def get(self, setting_id: int) -> ConfigSetting:
        async with self._uow() as uow:
            return require(await uow.configs.get(setting_id), "config setting")

    async def value(self, key: str) -> str | None:
        """The current value of a key, from the cache; None when no live parameter has it."""
        cached = await self._cache.get_or_load(KEY.format(key), lambda: self._load(key))
        return None if cached == _MISSING else str(cached["value"])

    async def by_key(self, key: str) -> dict[str, Any]:
        """What readers of `GET /key/{key}` get: the key, its value and its name."""
        cached = await self._cache.get_or_load(KEY.format(key), lambda: self._load(key))
        if cached == _MISSING:
            require(None, "config setting")
        return dict(cached)

    async def flag(self, key: str, default: bool) -> bool:
        value = await self.value(key)
        return default if value is None else as_flag(value)

    async def text(self, key: str, default: str) -> str:
        value = await self.value(key)
        return default if value is None or not value.strip() else value.strip()

    async def create(self, actor: int, cmd: CreateConfig) -> int:
        """Keys are unique among live parameters."""
        check_key(cmd.key)
        await self._check_value(actor, cmd.key, cmd.value)
        async with self._uow() as uow:
            if await uow.configs.get_by_key(cmd.key) is not None:
                raise Conflict("this key exists", "config_key_exists")
            setting = ConfigSetting(
                name=cmd.name, key=cmd.key, value=cmd.value, remark=cmd.remark, sort=cmd.sort
            )
            setting.stamp_created(actor, self._clock.now())
            await uow.configs.add(setting)
            await uow.commit()
            assert setting.id is not None
        await self._cache.delete(KEY.format(cmd.key))
        return setting.id

    async def update(self, actor: int, setting_id: int, cmd: UpdateConfig) -> None:
        """A new key is well-formed and free; the value obeys the rule of the key it ends under."""
        async with self._uow() as uow:
            setting = require(await uow.configs.get(setting_id, lock=True), "config setting")
            old_key = setting.key
            new_key = given(cmd.key, old_key)
            if new_key != old_key:
                # Asked before the entity changes: a query may flush it and find itself.
                check_key(new_key)
                if await uow.configs.get_by_key(new_key) is not None:
                    raise Conflict("this key exists", "config_key_exists")
                setting.rekey(new_key)
            await self._check_value(actor, new_key, given(cmd.value, setting.value))
            setting.change(name=cmd.name, value=cmd.value, remark=cmd.remark, sort=cmd.sort)
            setting.stamp_modified(actor, self._clock.now())
            await uow.commit()
        await self._cache.delete(KEY.format(old_key), KEY.format(new_key))

    async def delete(self, actor: int, setting_id: int) -> None:
        async with self._uow() as uow:
            setting = require(await uow.configs.get(setting_id, lock=True), "config setting")
            setting.soft_delete(actor, self._clock.now())
            await uow.commit()
        await self._cache.delete(KEY.format(setting.key))

    async def _load(self, key: str) -> dict[str, Any]:
        async with self._uow() as uow:
            setting = await uow.configs.get_by_key(key)
        if setting is None:
            return _MISSING
        return {"key": setting.key, "value": setting.value, "name": setting.name}

    # --- reports: import all or nothing ------------------------------------------------
    async def create_many(
        self, actor: int | None, rows: Sequence[ImportRow], earlier: Iterable[RowError] = ()
    ) -> int:
        """Parameters from a file: keys well-formed and new, in the file and among live ones; all or none.

        `earlier` are errors the caller found in other rows of the same file: they
        fail the batch too and are reported with these.
        """
        errors = RowErrors()
        errors.extend(earlier)
        first: dict[str, int] = {}
        async for row in in_turns(rows):
            key = str(row.values.get("key", ""))
            with errors.at(row.number, "key"):
                check_key(key)
            if key in first:
                errors.add(row.number, "key", f"the same key is on row {first[key]}")
            else:
                first[key] = row.number
            with errors.at(row.number, "value"):
                await self._check_value(actor, key, row.values.get("value", ""))
        now = self._clock.now()
        async with self._uow() as uow:
            for key in await uow.configs.existing_keys(first):
                errors.add(first[key], "key", "this key exists")
            errors.raise_if_any()
            for row in rows:
                setting = ConfigSetting(**row.values)
                setting.stamp_created(actor, now)
                await uow.configs.add(setting)
            await uow.commit()
        # A key read before it existed is cached as missing: drop it with the rest.
        await self._cache.delete(*(KEY.format(key) for key in first))
        return len(rows)


class ConfigRegistrationPolicy(RegistrationPolicy):
    """Registration reads whether it is open and the new user's role from config parameters."""

    def __init__(
        self, configs: ConfigService, open_by_default: bool = True, default_role: str = "user"
    ) -> None:
        self._configs = configs
        self._open = open_by_default
        self._role = default_role

    async def is_open(self) -> bool:
        return await self._configs.flag(REGISTRATION_OPEN, self._open)

    async def default_role(self) -> str:
        return await self._configs.text(DEFAULT_ROLE, self._role)


class ConfigSignInPolicy(SignInPolicy):
    """Sign-in reads the captcha switch and the roles that need 2FA from config parameters."""

    def __init__(self, configs: ConfigService) -> None:
        self._configs = configs

    async def captcha_enabled(self) -> bool:
        return await self._configs.flag(CAPTCHA_ENABLED, False)

    async def mfa_required_roles(self) -> frozenset[str]:
        text = await self._configs.text(MFA_REQUIRED_ROLES, "")
        return frozenset(code.strip() for code in text.split(",") if code.strip())
