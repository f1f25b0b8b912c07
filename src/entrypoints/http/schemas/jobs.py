"""Request and response shapes of the jobs module."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from entrypoints.http.schemas.common import Input, NotNull, Output
from entrypoints.http.schemas.rbac import Line

MisfirePolicy = Literal["run_now", "run_once", "skip"]
JobStatus = Literal["running", "paused"]
Notify = Literal["none", "failure", "always"]
RunStatus = Literal["running", "success", "failed", "skipped"]
Trigger = Literal["schedule", "manual", "catch-up"]
ARGS_MAX_BYTES = 8192


def _small_json(value: Any) -> Any:
    if len(json.dumps(value, ensure_ascii=False).encode()) > ARGS_MAX_BYTES:
        raise ValueError(f"at most {ARGS_MAX_BYTES} bytes of JSON")
    return value


Args = Annotated[list[Any], AfterValidator(_small_json)]
Kwargs = Annotated[dict[str, Any], AfterValidator(_small_json)]
Name = Annotated[Line, Field(min_length=1, max_length=64)]
Script = Annotated[str, Field(min_length=1, max_length=64)]
Cron = Annotated[
    Line, Field(min_length=1, max_length=120, examples=["0 3 * * *", "*/10 * * * * *"])
]
Recipients = Annotated[
    list[Annotated[int, Field(gt=0)]],
    Field(
        max_length=20, description="ids of the users a notice is mailed to (their stored e-mail)"
    ),
]
Remark = Annotated[str, Field(max_length=500)]


class JobCreate(Input):
    name: Name
    script: Script = Field(description="a name from GET /system/job/scripts")
    args: Args = []
    kwargs: Kwargs = {}
    cron: Cron = Field(description="5 fields, or 6 with leading seconds")
    misfire_policy: MisfirePolicy = "run_once"
    concurrent: bool = False
    status: JobStatus = "paused"
    notify: Notify = "none"
    notify_user_ids: Recipients = []
    remark: Remark = ""


class JobUpdate(Input):
    name: NotNull[Name] = None
    script: NotNull[Script] = None
    args: NotNull[Args] = None
    kwargs: NotNull[Kwargs] = None
    cron: NotNull[Cron] = None
    misfire_policy: NotNull[MisfirePolicy] = None
    concurrent: NotNull[bool] = None
    status: NotNull[JobStatus] = None
    notify: NotNull[Notify] = None
    notify_user_ids: NotNull[Recipients] = None
    remark: NotNull[Remark] = None


# A field named `kwargs` clashes with the **kwargs of the __init__ pydantic's mypy plugin writes.
class JobOut(Output):  # type: ignore[no-redef]
    id: int
    name: str
    script: str
    args: list[Any]
    kwargs: dict[str, Any]
    cron: str
    misfire_policy: str
    concurrent: bool
    status: str
    notify: str
    notify_user_ids: list[int]
    remark: str
    next_fire_time: datetime | None = Field(description="the next fire while running, else null")
    creator_id: int | None
    created_time: datetime | None
    modified_time: datetime | None


class JobDetail(JobOut):  # type: ignore[no-redef]
    next_fire_times: list[datetime] = Field(description="the next five fire times from now")


class CronPreview(Output):
    cron: str
    next_fire_times: list[datetime]


class RunStarted(Output):
    log_id: int


class ScriptParamOut(Output):
    name: str
    kind: str
    annotation: str
    required: bool
    default: Any = None


class ScriptOut(Output):
    name: str
    description: str
    signature: str
    label: str | None = Field(
        description="the permission needed to schedule or run it, beyond the job routes' own"
    )
    params: list[ScriptParamOut]


class JobLogOut(Output):
    id: int
    job_id: int
    job_name: str
    script: str
    trigger: str
    status: str
    scheduled_time: datetime | None
    start_time: datetime
    end_time: datetime | None
    duration_ms: int | None
    error: str
    instance: str


class JobLogDetail(JobLogOut):
    output: str
