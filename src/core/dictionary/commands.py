"""Typed commands of the dictionary use cases."""

from __future__ import annotations

from dataclasses import dataclass

from core.dictionary.model import ENABLED
from core.shared.commands import UNSET, Maybe


@dataclass(frozen=True, kw_only=True)
class CreateDictType:
    code: str
    name: str
    status: int = ENABLED
    remark: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateDictType:
    """A new `code` carries the type's items along."""

    code: Maybe[str] = UNSET
    name: Maybe[str] = UNSET
    status: Maybe[int] = UNSET
    remark: Maybe[str] = UNSET


@dataclass(frozen=True, kw_only=True)
class CreateDictItem:
    type_code: str
    label: str
    value: str
    label_en: str = ""
    sort: int = 0
    status: int = ENABLED
    css_class: str = ""
    remark: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateDictItem:
    """An item may move to another existing type; its value stays unique within its type."""

    type_code: Maybe[str] = UNSET
    label: Maybe[str] = UNSET
    label_en: Maybe[str] = UNSET
    value: Maybe[str] = UNSET
    sort: Maybe[int] = UNSET
    status: Maybe[int] = UNSET
    css_class: Maybe[str] = UNSET
    remark: Maybe[str] = UNSET
