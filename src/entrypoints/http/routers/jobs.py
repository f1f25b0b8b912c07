"""Routes of the jobs module: `/system/job` (jobs, scripts, cron preview) and `/system/job-log`."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from pydantic import Field

from core.jobs.commands import CreateJob, UpdateJob
from core.jobs.model import Job
from core.jobs.ports import JobFilter, JobLogFilter
from core.jobs.registry import Script
from core.jobs.service import JobService
from core.rbac.model import Principal
from core.shared.pagination import TimeRange
from entrypoints.http.deps import provided, require
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import (
    Created,
    Id,
    ListQuery,
    PageOut,
    RangeEnd,
    RangeStart,
    fields_of,
)
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

router = ApiRouter(prefix="/system", tags=["job"])
CanRead = Annotated[Principal, require("perm:job:get")]

job_service = provided(lambda c: c.jobs())
Jobs = Annotated[JobService, Depends(job_service)]


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
async def list_jobs(q: Annotated[JobQuery, Query()], _: CanRead, jobs: Jobs) -> PageOut[JobOut]:
    page = await jobs.search(q.filter(), q.page_request(q.sort))
    return PageOut(
        items=[_job(j) for j in page.items], total=page.total, page=page.page, size=page.size
    )


@router.get("/job/scripts", response_model=list[ScriptOut], summary="the scripts a job may run")
async def list_scripts(_: CanRead, jobs: Jobs) -> list[ScriptOut]:
    return [_script(s) for s in jobs.scripts()]


@router.get("/job/cron/next", response_model=CronPreview, summary="next fire times of a cron")
async def preview_cron(
    expr: Annotated[Cron, Query(description="the expression")],
    _: CanRead,
    jobs: Jobs,
) -> CronPreview:
    return CronPreview(cron=expr, next_fire_times=jobs.preview(expr))


@router.post("/job", response_model=Created, status_code=201, summary="create a job")
async def create_job(
    body: JobCreate,
    caller: Annotated[Principal, require("perm:job:post")],
    jobs: Jobs,
) -> Created:
    return Created(id=await jobs.create(caller.user_id, body.command(CreateJob)))


@router.get("/job/{job_id}", response_model=JobDetail, summary="read a job and its next fires")
async def get_job(job_id: Id, _: CanRead, jobs: Jobs) -> JobDetail:
    view = await jobs.get(job_id)
    return JobDetail.model_validate(
        {**fields_of(view.job), "next_fire_times": view.next_fire_times}
    )


@router.put("/job/{job_id}", status_code=204, summary="update a job")
async def update_job(
    job_id: Id,
    body: JobUpdate,
    caller: Annotated[Principal, require("perm:job:put")],
    jobs: Jobs,
) -> None:
    # NotNull fields refuse an explicit null, so what was sent is what changes.
    await jobs.update(caller.user_id, job_id, body.changes(UpdateJob))


@router.delete("/job/{job_id}", status_code=204, summary="delete a job")
async def delete_job(
    job_id: Id,
    caller: Annotated[Principal, require("perm:job:delete")],
    jobs: Jobs,
) -> None:
    await jobs.delete(caller.user_id, job_id)


@router.post(
    "/job/{job_id}/run",
    response_model=RunStarted,
    status_code=202,
    summary="run a job once now, in the background",
)
async def run_job(
    job_id: Id, caller: Annotated[Principal, require("perm:job:run")], jobs: Jobs
) -> RunStarted:
    return RunStarted(log_id=await jobs.run_now(caller.user_id, job_id))


@router.put("/job/{job_id}/pause", status_code=204, summary="take a job off the schedule")
async def pause_job(
    job_id: Id, caller: Annotated[Principal, require("perm:job:put")], jobs: Jobs
) -> None:
    await jobs.pause(caller.user_id, job_id)


@router.put("/job/{job_id}/resume", status_code=204, summary="put a job on the schedule")
async def resume_job(
    job_id: Id, caller: Annotated[Principal, require("perm:job:put")], jobs: Jobs
) -> None:
    await jobs.resume(caller.user_id, job_id)


# --- run logs --------------------------------------------------------------------------


@router.get("/job-log", response_model=PageOut[JobLogOut], summary="list job runs")
async def list_logs(
    q: Annotated[JobLogQuery, Query()], caller: CanRead, jobs: Jobs
) -> PageOut[JobLogOut]:
    page = await jobs.logs_seen_by(caller.user_id, q.filter(), q.page_request(q.sort))
    return PageOut(
        items=[JobLogOut.model_validate(fields_of(x)) for x in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
    )


@router.get("/job-log/{log_id}", response_model=JobLogDetail, summary="read a job run")
async def get_log(log_id: Id, caller: CanRead, jobs: Jobs) -> JobLogDetail:
    entry = await jobs.log_seen_by(caller.user_id, log_id)
    return JobLogDetail.model_validate(fields_of(entry))
