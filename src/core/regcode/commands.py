"""Typed commands of the reg-code use cases."""

from __future__ import annotations

from dataclasses import dataclass

from core.shared.commands import UNSET, Maybe


@dataclass(frozen=True, kw_only=True)
class UpdateRegCode:
    """Only the validity (before activation) and the remark change; never code or dates."""

    reg_times: Maybe[int] = UNSET
    remark: Maybe[str] = UNSET
