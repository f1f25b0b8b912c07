"""Ports of the config-parameter module."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from core.config.model import ConfigSetting
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class ConfigFilter:
    name: str | None = None
    key: str | None = None
    created: TimeRange = TimeRange()


class ConfigRepository(Protocol):
    """Live config parameters."""

    async def add(self, setting: ConfigSetting) -> None: ...
    async def get(self, setting_id: int, *, lock: bool = False) -> ConfigSetting | None: ...
    async def get_by_key(self, key: str) -> ConfigSetting | None: ...
    async def search(self, flt: ConfigFilter, page: PageRequest) -> Page[ConfigSetting]: ...
    async def existing_keys(self, keys: Iterable[str]) -> frozenset[str]:
        """Which of these keys live parameters have."""
        ...


class ValueRule(Protocol):
    """What a parameter the product reads must hold; raises a domain error otherwise.

    Checked whenever the value is written (create, update, import), with the actor that
    writes it, so a rule may also ask whether that actor may grant what the value grants.
    """

    async def check(self, actor: int | None, value: str) -> None: ...


class ConfigUnitOfWork(UnitOfWork, Protocol):
    configs: ConfigRepository
