"""Typed commands of the config-parameter use cases."""

from __future__ import annotations

from dataclasses import dataclass

from core.shared.commands import UNSET, Maybe


@dataclass(frozen=True, kw_only=True)
class CreateConfig:
    name: str
    key: str
    value: str = ""
    remark: str = ""
    sort: int = 0


@dataclass(frozen=True, kw_only=True)
class UpdateConfig:
    """A new `key` must be well-formed and free; the value obeys the key's rule, if any."""

    name: Maybe[str] = UNSET
    key: Maybe[str] = UNSET
    value: Maybe[str] = UNSET
    remark: Maybe[str] = UNSET
    sort: Maybe[int] = UNSET
