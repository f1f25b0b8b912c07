"""Initial data of the jobs module: labels, menus, and a few useful jobs, paused."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from core.jobs.model import Job, JobStatus, MisfirePolicy
from core.jobs.ports import JobsUnitOfWork
from core.jobs.registry import PURGE_LABEL
from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, Seeder, SeedLabel, SeedMenu, crud_buttons, crud_labels
from core.shared.language import Text

OPT = ("opt",)
SYSTEM_DIR = SeedMenu(
    "system", "系统管理", "System", MenuType.DIR, path="/system", icon="Setting", sort=20, roles=OPT
)

# Created paused, and only when no live job has the name in either language (so seeding again
# in the other language adds no twin): an operator turns them on.
SEED_JOBS: tuple[dict[str, Any], ...] = (
    {
        "name": Text("清理任务日志", "clean job logs"),
        "script": "clean_job_logs",
        "kwargs": {"days": 30},
        "cron": "0 3 * * *",
        "remark": Text(
            "每天 03:00 清理 30 天前的任务日志",
            "delete job logs older than 30 days, daily at 03:00",
        ),
    },
    {
        "name": Text("清理登录日志", "clean login logs"),
        "script": "clean_login_logs",
        "kwargs": {"days": 180},
        "cron": "10 3 * * *",
        "remark": Text("清理 180 天前的登录日志", "delete login logs older than 180 days"),
    },
    {
        "name": Text("清理操作日志", "clean operation logs"),
        "script": "clean_operation_logs",
        "kwargs": {"days": 180},
        "cron": "20 3 * * *",
        "remark": Text("清理 180 天前的操作日志", "delete operation logs older than 180 days"),
    },
    {
        "name": Text("演示任务", "demo"),
        "script": "demo",
        "kwargs": {"message": "hello", "seconds": 1},
        "cron": "0 * * * *",
        "remark": Text("演示：输出消息并等待一秒", "a demo: echoes, sleeps one second"),
    },
)


def job_seeder(jobs: Iterable[Mapping[str, Any]]) -> Seeder:
    """A seeder adding these jobs, paused, each when no live job has its name in either language.

    Each job is a mapping of Job's fields, with `name` and `remark` as `Text`; a module
    seeds the jobs of its own scripts with it.
    """
    wanted = tuple(jobs)

    async def seed(uow: JobsUnitOfWork, now: datetime, lang: str) -> dict[str, int]:
        added = 0
        for spec in wanted:
            name: Text = spec["name"]
            if any([await uow.jobs.get_by_name(n) is not None for n in (name.zh, name.en)]):
                continue
            job = Job(
                **{**spec, "name": name.in_(lang), "remark": spec["remark"].in_(lang)},
                status=JobStatus.PAUSED,
                misfire_policy=MisfirePolicy.SKIP,
                concurrent=False,
            )
            job.stamp_created(None, now)
            await uow.jobs.add(job)
            added += 1
        return {"jobs": added}

    return seed


seed_jobs = job_seeder(SEED_JOBS)


JOBS_SEED = SeedBundle(
    labels=(
        *crud_labels("job", Text("定时任务", "jobs"), OPT, OPT),
        SeedLabel("perm:job:run", Text("定时任务执行", "Run jobs"), OPT),
        # Linked to no role: only admin, who passes every check, may schedule or run purges.
        SeedLabel(PURGE_LABEL, Text("定时任务清理日志", "Purge logs by jobs"), ()),
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
