"""Typed commands of the notice use cases: exactly what each may change."""

from __future__ import annotations

from dataclasses import dataclass

from core.notice.model import NoticeStatus, NoticeType
from core.shared.commands import UNSET, Maybe


@dataclass(frozen=True, kw_only=True)
class CreateNotice:
    """`content` is the editor's HTML as sent; the use case sanitises it."""

    title: str
    type: str = NoticeType.NOTICE
    content: str = ""
    status: str = NoticeStatus.DRAFT


@dataclass(frozen=True, kw_only=True)
class UpdateNotice:
    title: Maybe[str] = UNSET
    type: Maybe[str] = UNSET
    content: Maybe[str] = UNSET
    status: Maybe[str] = UNSET
