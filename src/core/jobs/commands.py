"""Typed commands of the jobs use cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.jobs.model import JobStatus, MisfirePolicy, Notify
from core.shared.commands import UNSET, Maybe


@dataclass(frozen=True, kw_only=True)
class CreateJob:
    """A job created running is scheduled at once; a labelled script needs its label."""

    name: str
    script: str
    cron: str
    args: Sequence[Any] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    misfire_policy: str = MisfirePolicy.RUN_ONCE
    concurrent: bool = False
    status: str = JobStatus.PAUSED
    notify: str = Notify.NONE
    notify_user_ids: Sequence[int] = ()
    remark: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateJob:
    """`status` running resumes the job, paused takes it off the schedule; nothing else moves it."""

    name: Maybe[str] = UNSET
    script: Maybe[str] = UNSET
    cron: Maybe[str] = UNSET
    args: Maybe[Sequence[Any]] = UNSET
    kwargs: Maybe[Mapping[str, Any]] = UNSET
    misfire_policy: Maybe[str] = UNSET
    concurrent: Maybe[bool] = UNSET
    status: Maybe[str] = UNSET
    notify: Maybe[str] = UNSET
    notify_user_ids: Maybe[Sequence[int]] = UNSET
    remark: Maybe[str] = UNSET
