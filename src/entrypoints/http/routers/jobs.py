"""Routes of the jobs module: `/system/job` (jobs, scripts, cron preview) and `/system/job-log`."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from pydantic import Field

from core.jobs.model import Job
from core.jobs.ports import JobFilter, JobLogFilter
from core.jobs.registry import Script
from core.rbac.model import Principal
from core.shared.pagination import TimeRange
from entrypoints.http.deps import container_of, require
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Id, ListQuery, PageOut, RangeEnd, RangeStart, fields_of
from entrypoints.http.schemas.jobs import (
    Cron,
    CronPreview,
    JobCreate,
    JobDetail,
    JobLogDetail,
    JobLogOut,
    JobOut,
    JobStatus,
    JobUpdate,
    RunStarted,
    RunStatus,
    ScriptOut,
    Trigger,
)
from entrypoints.http.schemas.rbac import Created

router = ApiRouter(prefix="/system", tags=["job"])
CanRead = Annotated[Principal, require("perm:job:get")]


class JobQuery(ListQuery):
    name: str | None = None
    script: str | None = None
    status: JobStatus | None = None
    sort: Literal["id", "name", "created_time", "next_fire_time"] = "id"

    def filter(self) -> JobFilter:
        return JobFilter(
            name=self.name, script=self.script, status=self.status, created=self.created()
        )


class JobLogQuery(ListQuery):
    job_id: int | None = None
    job_name: str | None = None
    status: RunStatus | None = None
    trigger: Trigger | None = None
    time_start: RangeStart = Field(default=None, description="runs started at or after")
    time_end: RangeEnd = Field(default=None, description="runs started at or before")
    sort: Literal["id", "start_time", "scheduled_time", "duration_ms"] = "id"

    def filter(self) -> JobLogFilter:
        return JobLogFilter(
            job_id=self.job_id,
            job_name=self.job_name,
            status=self.status,
            trigger=self.trigger,
            started=TimeRange(start=self.time_start, end=self.time_end),
        )


def _job(job: Job) -> JobOut:
    return JobOut.model_validate(fields_of(job))


def _script(script: Script) -> ScriptOut:
    params = [{**fields_of(p), "default": _json_safe(p.default)} for p in script.params]
    return ScriptOut.model_validate(
        {
            "name": script.name,
            "description": script.description,
            "signature": script.text,
            "label": script.label,
            "params": params,
        }
    )


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


# --- jobs ------------------------------------------------------------------------------


@router.get("/job", response_model=PageOut[JobOut], summary="list jobs")
def list_jobs(request: Request, q: Annotated[JobQuery, Query()], _: CanRead) -> PageOut[JobOut]:
    page = container_of(request).jobs().search(q.filter(), q.page_request(q.sort))
    return PageOut(
        items=[_job(j) for j in page.items], total=page.total, page=page.page, size=page.size
    )


@router.get("/job/scripts", response_model=list[ScriptOut], summary="the scripts a job may run")
def list_scripts(request: Request, _: CanRead) -> list[ScriptOut]:
    return [_script(s) for s in container_of(request).jobs().scripts()]


@router.get("/job/cron/next", response_model=CronPreview, summary="next fire times of a cron")
def preview_cron(
    request: Request, expr: Annotated[Cron, Query(description="the expression")], _: CanRead
) -> CronPreview:
    return CronPreview(cron=expr, next_fire_times=container_of(request).jobs().preview(expr))


@router.post("/job", response_model=Created, status_code=201, summary="create a job")
def create_job(
    request: Request, body: JobCreate, caller: Annotated[Principal, require("perm:job:post")]
) -> Created:
    return Created(id=container_of(request).jobs().create(caller.user_id, body.model_dump()))


@router.get("/job/{job_id}", response_model=JobDetail, summary="read a job and its next fires")
def get_job(request: Request, job_id: Id, _: CanRead) -> JobDetail:
    view = container_of(request).jobs().get(job_id)
    return JobDetail.model_validate(
        {**fields_of(view.job), "next_fire_times": view.next_fire_times}
    )


@router.put("/job/{job_id}", status_code=204, summary="update a job")
def update_job(
    request: Request,
    job_id: Id,
    body: JobUpdate,
    caller: Annotated[Principal, require("perm:job:put")],
) -> None:
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    container_of(request).jobs().update(caller.user_id, job_id, changes)


@router.delete("/job/{job_id}", status_code=204, summary="delete a job")
def delete_job(
    request: Request, job_id: Id, caller: Annotated[Principal, require("perm:job:delete")]
) -> None:
    container_of(request).jobs().delete(caller.user_id, job_id)


@router.post(
    "/job/{job_id}/run",
    response_model=RunStarted,
    status_code=202,
    summary="run a job once now, in the background",
)
def run_job(
    request: Request, job_id: Id, caller: Annotated[Principal, require("perm:job:run")]
) -> RunStarted:
    return RunStarted(log_id=container_of(request).jobs().run_now(caller.user_id, job_id))


@router.put("/job/{job_id}/pause", status_code=204, summary="take a job off the schedule")
def pause_job(
    request: Request, job_id: Id, caller: Annotated[Principal, require("perm:job:put")]
) -> None:
    container_of(request).jobs().pause(caller.user_id, job_id)


@router.put("/job/{job_id}/resume", status_code=204, summary="put a job on the schedule")
def resume_job(
    request: Request, job_id: Id, caller: Annotated[Principal, require("perm:job:put")]
) -> None:
    container_of(request).jobs().resume(caller.user_id, job_id)


# --- run logs --------------------------------------------------------------------------


@router.get("/job-log", response_model=PageOut[JobLogOut], summary="list job runs")
def list_logs(
    request: Request, q: Annotated[JobLogQuery, Query()], caller: CanRead
) -> PageOut[JobLogOut]:
    page = (
        container_of(request)
        .jobs()
        .logs_seen_by(caller.user_id, q.filter(), q.page_request(q.sort))
    )
    return PageOut(
        items=[JobLogOut.model_validate(fields_of(x)) for x in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
    )


@router.get("/job-log/{log_id}", response_model=JobLogDetail, summary="read a job run")
def get_log(request: Request, log_id: Id, caller: CanRead) -> JobLogDetail:
    entry = container_of(request).jobs().log_seen_by(caller.user_id, log_id)
    return JobLogDetail.model_validate(fields_of(entry))
