"""Initial data of the jobs module: labels, menus, and a few useful jobs, paused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.jobs.model import Job, JobStatus, MisfirePolicy
from core.jobs.ports import JobsUnitOfWork
from core.jobs.registry import PURGE_LABEL
from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedLabel, SeedMenu, crud_buttons, crud_labels

OPT = ("opt",)
SYSTEM_DIR = SeedMenu(
    "system", "系统管理", "System", MenuType.DIR, path="/system", icon="Setting", sort=20, roles=OPT
)

# Created paused, and only when no live job has the name: an operator turns them on.
SEED_JOBS: tuple[dict[str, Any], ...] = (
    {
        "name": "clean job logs",
        "script": "clean_job_logs",
        "kwargs": {"days": 30},
        "cron": "0 3 * * *",
        "remark": "清理 30 天前的任务日志 / delete job logs older than 30 days, daily at 03:00",
    },
    {
        "name": "clean login logs",
        "script": "clean_login_logs",
        "kwargs": {"days": 180},
        "cron": "10 3 * * *",
        "remark": "清理 180 天前的登录日志 / delete login logs older than 180 days",
    },
    {
        "name": "clean operation logs",
        "script": "clean_operation_logs",
        "kwargs": {"days": 180},
        "cron": "20 3 * * *",
        "remark": "清理 180 天前的操作日志 / delete operation logs older than 180 days",
    },
    {
        "name": "expire reg codes",
        "script": "expire_reg_codes",
        "cron": "*/10 * * * *",
        "remark": "将过期注册码标记为已过期 / mark reg codes past their deadline expired",
    },
    {
        "name": "demo",
        "script": "demo",
        "kwargs": {"message": "hello", "seconds": 1},
        "cron": "0 * * * *",
        "remark": "演示任务 / a demo: echoes, sleeps one second",
    },
)


def seed_jobs(uow: JobsUnitOfWork, now: datetime) -> dict[str, int]:
    added = 0
    for spec in SEED_JOBS:
        if uow.jobs.get_by_name(spec["name"]) is not None:
            continue
        job = Job(
            **spec,
            status=JobStatus.PAUSED,
            misfire_policy=MisfirePolicy.SKIP,
            concurrent=False,
        )
        job.stamp_created(None, now)
        uow.jobs.add(job)
        added += 1
    return {"jobs": added}


JOBS_SEED = SeedBundle(
    labels=(
        *crud_labels("job", "定时任务", OPT, OPT),
        SeedLabel("perm:job:run", "定时任务执行", OPT),
        # Linked to no role: only admin, who passes every check, may schedule or run purges.
        SeedLabel(PURGE_LABEL, "定时任务清理日志", ()),
    ),
    menus=(
        SYSTEM_DIR,
        SeedMenu(
            "system_job",
            "定时任务",
            "Scheduled jobs",
            MenuType.MENU,
            "system",
            "job",
            "system/job/index",
            "Timer",
            5,
            "perm:job:get",
            OPT,
        ),
        *crud_buttons("system_job", "job", "定时任务", "job", OPT),
        SeedMenu(
            "system_job:run",
            "执行任务",
            "Run job",
            MenuType.BUTTON,
            "system_job",
            sort=4,
            perm="perm:job:run",
            roles=OPT,
        ),
        SeedMenu(
            "system_job_log",
            "任务日志",
            "Job logs",
            MenuType.MENU,
            "system",
            "job-log",
            "system/job-log/index",
            "Document",
            6,
            "perm:job:get",
            OPT,
        ),
    ),
    seeders=(seed_jobs,),
)
