"""Typed commands of the organisation use cases: exactly what each may change."""

from __future__ import annotations

from dataclasses import dataclass

from core.org.model import ENABLED, ROOT
from core.shared.commands import UNSET, Maybe


@dataclass(frozen=True, kw_only=True)
class CreateDept:
    """`parent_id` 0 makes a root."""

    name: str
    parent_id: int = ROOT
    sort: int = 0
    leader: str = ""
    phone: str = ""
    email: str = ""
    status: int = ENABLED


@dataclass(frozen=True, kw_only=True)
class UpdateDept:
    """A new `parent_id` moves the department with everything below it."""

    name: Maybe[str] = UNSET
    parent_id: Maybe[int] = UNSET
    sort: Maybe[int] = UNSET
    leader: Maybe[str] = UNSET
    phone: Maybe[str] = UNSET
    email: Maybe[str] = UNSET
    status: Maybe[int] = UNSET


@dataclass(frozen=True, kw_only=True)
class CreatePost:
    code: str
    name: str
    sort: int = 0
    status: int = ENABLED
    remark: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdatePost:
    code: Maybe[str] = UNSET
    name: Maybe[str] = UNSET
    sort: Maybe[int] = UNSET
    status: Maybe[int] = UNSET
    remark: Maybe[str] = UNSET
