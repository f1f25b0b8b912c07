"""Rules of the jobs module, through the container with fake ports and the fake clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dependency_injector import providers

from adapters.memory.jobs import InMemoryRunLock
from bootstrap import Container, Settings
from core.audit.model import LoginLog
from core.jobs.commands import CreateJob, UpdateJob
from core.jobs.cron import CronExpr
from core.jobs.model import MAX_CATCH_UP, Job, JobLog, Trigger, plan_fires
from core.jobs.ports import JobFilter, JobLogFilter
from core.jobs.registry import ScriptRegistry, job_script
from core.jobs.runner import JobRunner
from core.jobs.scripts import HousekeepingScripts, demo
from core.jobs.seed import SEED_JOBS, seed_jobs
from core.jobs.service import JobService
from core.rbac.model import PermLabel, User
from core.shared.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable
from core.shared.pagination import PageRequest
from tests.unit.fakes import FakeClock, Store, id_of
from tests.unit.fakes_jobs import FakeJobScheduler, FakeJobsUnitOfWork, FakeMailer

T0 = datetime(2026, 1, 1, tzinfo=UTC)  # the fake clock's start: a Thursday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- cron ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("* * * *", "5 fields"),
        ("* * * * * * *", "5 fields"),
        ("60 * * * *", "minute: 60 is out of 0-59"),
        ("* 24 * * *", "hour: 24 is out of 0-23"),
        ("* * 0 * *", "day of month: 0 is out of 1-31"),
        ("* * * 13 *", "month: 13 is out of 1-12"),
        ("* * * * 8", "day of week: 8 is out of 0-7"),
        ("* * * * FOO", "not a number"),
        ("5-1 * * * *", "runs backwards"),
        ("*/0 * * * *", "step"),
        ("1,,2 * * * *", "empty list item"),
        ("? * * * *", "only in the day fields"),
        ("0 0 30 2 *", "never fires"),
        ("0 0 L * *", "not a number"),
    ],
)
def test_invalid_cron_is_refused_naming_the_problem(expr: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        CronExpr.parse(expr)
    assert err.value.code == "cron_invalid" and err.value.field == "cron"
    assert message in err.value.detail


def test_five_fields_fire_on_whole_minutes() -> None:
    fires = CronExpr.parse("*/15 * * * *").next_fires(at("2026-01-01T10:07:30"), UTC, 3)
    assert fires == [at("2026-01-01T10:15"), at("2026-01-01T10:30"), at("2026-01-01T10:45")]


def test_six_fields_lead_with_seconds() -> None:
    fires = CronExpr.parse("*/20 * * * * *").next_fires(at("2026-01-01T10:00:00"), UTC, 4)
    assert fires == [
        at("2026-01-01T10:00:20"),
        at("2026-01-01T10:00:40"),
        at("2026-01-01T10:01:00"),
        at("2026-01-01T10:01:20"),
    ]


def test_next_after_is_strictly_after() -> None:
    expr = CronExpr.parse("0 3 * * *")
    assert expr.next_after(at("2026-01-01T03:00"), UTC) == at("2026-01-02T03:00")
    assert expr.next_after(at("2026-01-01T02:59:59.5"), UTC) == at("2026-01-01T03:00")


def test_names_lists_ranges_and_sunday_as_0_or_7() -> None:
    expr = CronExpr.parse("0 9 * jan,MAR mon-fri")
    assert expr.next_after(at("2026-01-30T10:00"), UTC) == at("2026-03-02T09:00")  # Jan 31 is Sat
    sundays = CronExpr.parse("0 0 * * 7").next_fires(T0, UTC, 2)
    assert sundays == CronExpr.parse("0 0 * * SUN").next_fires(T0, UTC, 2)
    assert [d.isoweekday() for d in sundays] == [7, 7]


def test_day_of_month_or_day_of_week_when_both_are_restricted() -> None:
    # Like Vixie cron: the 1st of the month OR any Monday.
    fires = CronExpr.parse("0 0 1 * MON").next_fires(at("2026-01-01T00:00"), UTC, 3)
    assert fires == [at("2026-01-05"), at("2026-01-12"), at("2026-01-19")]
    fires = CronExpr.parse("0 0 1 * MON").next_fires(at("2026-01-26T01:00"), UTC, 2)
    assert fires == [at("2026-02-01"), at("2026-02-02")]
    # A step starting with * is unrestricted: only the weekday counts... and both must match.
    assert CronExpr.parse("0 0 */1 * MON").next_after(T0, UTC) == at("2026-01-05")


def test_29th_of_february_waits_for_a_leap_year() -> None:
    assert CronExpr.parse("0 0 29 2 *").next_after(T0, UTC) == at("2028-02-29")


def test_wall_clock_of_the_timezone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    assert CronExpr.parse("0 3 * * *").next_after(T0, shanghai) == at("2026-01-01T19:00")


def test_a_wall_time_skipped_by_daylight_saving_does_not_fire() -> None:
    new_york = ZoneInfo("America/New_York")  # 2026-03-08 02:00 -> 03:00
    fires = CronExpr.parse("30 2 * * *").next_fires(at("2026-03-06T12:00"), new_york, 2)
    assert [f.astimezone(new_york).day for f in fires] == [7, 9]


def test_matches_and_fires_between() -> None:
    expr = CronExpr.parse("*/10 * * * * *")
    assert expr.matches(at("2026-01-01T00:00:30"), UTC)
    assert not expr.matches(at("2026-01-01T00:00:31"), UTC)
    between = expr.fires_between(at("2026-01-01T00:00:10"), at("2026-01-01T00:01:00"), UTC, 3)
    assert between == [at("2026-01-01T00:00:40"), at("2026-01-01T00:00:50"), at("2026-01-01T00:01")]


# --- misfires ------------------------------------------------------------------------------

GRACE = timedelta(seconds=60)
NOW = at("2026-01-01T12:00")


def _due(minutes: int) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in range(minutes, -1, -1)]


def test_late_within_grace_is_an_ordinary_fire_whatever_the_policy() -> None:
    for policy in ("run_now", "run_once", "skip"):
        fires = plan_fires(policy, [NOW - timedelta(seconds=30), NOW], NOW, GRACE)
        assert [f.trigger for f in fires] == [Trigger.SCHEDULE, Trigger.SCHEDULE]


def test_run_now_runs_every_missed_fire_in_order() -> None:
    fires = plan_fires("run_now", _due(5), NOW, GRACE)
    assert [f.trigger for f in fires] == [Trigger.CATCH_UP] * 4 + [Trigger.SCHEDULE] * 2
    assert [f.time for f in fires] == sorted(f.time for f in fires)


def test_run_now_is_capped_to_the_latest() -> None:
    fires = plan_fires("run_now", _due(500), NOW, GRACE)
    caught = [f.time for f in fires if f.trigger == Trigger.CATCH_UP]
    assert len(caught) == MAX_CATCH_UP and caught[-1] == NOW - timedelta(minutes=2)


def test_run_once_runs_one_catch_up_for_all_missed() -> None:
    fires = plan_fires("run_once", _due(5), NOW, GRACE)
    assert [(f.time, f.trigger) for f in fires] == [
        (NOW - timedelta(minutes=2), Trigger.CATCH_UP),
        (NOW - timedelta(minutes=1), Trigger.SCHEDULE),
        (NOW, Trigger.SCHEDULE),
    ]


async def test_skip_runs_no_missed_fire() -> None:
    fires = plan_fires("skip", _due(5), NOW, GRACE)
    assert [f.trigger for f in fires] == [Trigger.SCHEDULE, Trigger.SCHEDULE]


# --- the module through the container ------------------------------------------------------


@dataclass
class Env:
    service: JobService
    runner: JobRunner
    scheduler: FakeJobScheduler
    mailer: FakeMailer
    store: Store
    clock: FakeClock
    container: Container

    async def create(self, actor: int | None = 1, **data: Any) -> int:
        body = {"name": "job", "script": "demo", "kwargs": {"seconds": 0}, "cron": "* * * * *"}
        return await self.service.create(actor, CreateJob(**{**body, **data}))

    def logs(self, job_id: int | None = None) -> list[JobLog]:
        rows = self.store.live(JobLog)
        return sorted(
            (x for x in rows if job_id is None or x.job_id == job_id), key=lambda x: x.id or 0
        )

    async def job(self, job_id: int) -> Any:
        return (await self.service.get(job_id)).job


OWN_SCRIPTS = ("clean_job_logs", "clean_login_logs", "clean_operation_logs", "demo")


@pytest.fixture
def env(container: Container, store: Store, clock: FakeClock) -> Env:
    scheduler, mailer = FakeJobScheduler(), FakeMailer()
    container.uow.override(providers.Factory(FakeJobsUnitOfWork, store))
    container.job_scheduler.override(providers.Object(scheduler))
    container.job_run_lock.override(providers.Singleton(InMemoryRunLock))
    container.mailer.override(providers.Object(mailer))
    container.job_instance.override(providers.Object("unit-1"))
    return Env(container.jobs(), container.job_runner(), scheduler, mailer, store, clock, container)


async def test_a_job_created_running_is_scheduled_from_its_next_fire(env: Env) -> None:
    env.clock.current = at("2026-01-01T10:00:30")
    job_id = await env.create(status="running", cron="*/5 * * * *")
    job = await env.job(job_id)
    assert job.status == "running" and job.next_fire_time == at("2026-01-01T10:05")
    assert list(env.scheduler.jobs) == [job_id]


async def test_a_job_created_paused_is_not_scheduled(env: Env) -> None:
    job_id = await env.create()
    assert (await env.job(job_id)).status == "paused" and (
        await env.job(job_id)
    ).next_fire_time is None
    assert env.scheduler.jobs == {}


async def test_the_detail_shows_the_next_five_fires_and_a_preview_needs_no_job(env: Env) -> None:
    job_id = await env.create(cron="0 3 * * *")
    view = await env.service.get(job_id)
    assert view.next_fire_times == [at(f"2026-01-0{d}T03:00") for d in range(1, 6)]
    assert env.service.preview("0 0 * * * *")[:2] == [
        at("2026-01-01T01:00"),
        at("2026-01-01T02:00"),
    ]
    with pytest.raises(InvalidInput):
        env.service.preview("nonsense")


async def test_names_are_unique_among_live_jobs(env: Env) -> None:
    job_id = await env.create(name="nightly")
    with pytest.raises(Conflict) as err:
        await env.create(name="nightly")
    assert err.value.code == "job_name_exists"
    await env.service.delete(1, job_id)
    await env.create(name="nightly")


async def test_only_declared_scripts_are_accepted(env: Env) -> None:
    with pytest.raises(InvalidInput) as err:
        await env.create(script="os.system")
    assert (err.value.code, err.value.field) == ("job_script_unknown", "script")


@pytest.mark.parametrize(
    ("args", "kwargs", "field", "words"),
    [
        ([], {"seconds": "2"}, "kwargs", "seconds of demo must be float"),
        ([], {"fail": 1}, "kwargs", "fail of demo must be bool"),
        ([], {"sleep": 1}, "kwargs", "unexpected keyword argument 'sleep'"),
        (["a", 1, True, "extra"], {}, "args", "too many positional arguments"),
        ([1], {}, "args", "message of demo must be str"),
        (["hi"], {"message": "twice"}, "args", "multiple values for argument 'message'"),
        ([], {"ctx": 1}, "kwargs", "given by the scheduler"),
    ],
)
async def test_arguments_are_checked_against_the_signature_when_saved(
    env: Env, args: list[Any], kwargs: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        await env.create(args=args, kwargs=kwargs)
    assert err.value.code == "job_args_invalid" and err.value.field == field
    assert words in err.value.detail


def test_a_missing_required_argument_is_named(env: Env) -> None:
    registry = ScriptRegistry()

    @job_script("greet", "greets", label=None)
    async def greet(name: str, times: int = 1) -> None: ...

    registry.register(greet)
    with pytest.raises(InvalidInput) as err:
        registry.get("greet").check([], {})
    assert "missing a required argument: 'name'" in err.value.detail
    registry.get("greet").check(["ann"], {"times": 2})


def test_the_registry_lists_each_script_with_its_signature(env: Env) -> None:
    scripts = {s.name: s for s in env.service.scripts()}
    # The jobs module's own; the modules of the list add theirs (tested in their slices).
    assert set(scripts) >= {
        "clean_job_logs",
        "clean_login_logs",
        "clean_operation_logs",
        "demo",
    }
    demo = scripts["demo"]
    assert demo.text == "(message: str = 'hello', seconds: float = 1.0, fail: bool = False)"
    assert [(p.name, p.annotation, p.required, p.default) for p in demo.params] == [
        ("message", "str", False, "hello"),
        ("seconds", "float", False, 1.0),
        ("fail", "bool", False, False),
    ]


async def test_rules_of_the_row(env: Env) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"cron": "61 * * * *"}, "cron_invalid"),
        ({"misfire_policy": "sometimes"}, "job_invalid"),
        ({"notify": "failure"}, "job_notify_invalid"),
        ({"notify": "always", "notify_user_ids": ["ops@example.com"]}, "job_notify_invalid"),
        ({"notify": "always", "notify_user_ids": list(range(1, 22))}, "job_notify_invalid"),
        ({"name": " "}, "job_name_invalid"),
    ]
    for data, code in cases:
        with pytest.raises(InvalidInput) as err:
            await env.create(**data)
        assert err.value.code == code, data


async def test_pause_and_resume_change_the_schedule_and_never_schedule_twice(env: Env) -> None:
    job_id = await env.create(status="running")
    await env.service.pause(1, job_id)
    assert env.scheduler.jobs == {} and (await env.job(job_id)).next_fire_time is None
    await env.service.pause(1, job_id)  # again: nothing changes
    env.clock.advance(minutes=10, seconds=5)
    await env.service.resume(1, job_id)
    assert (await env.job(job_id)).next_fire_time == at("2026-01-01T00:11")
    version = env.scheduler.versions[job_id]
    env.clock.advance(seconds=1)
    await env.service.resume(1, job_id)  # already running: left as it is
    assert list(env.scheduler.jobs) == [job_id] and env.scheduler.versions[job_id] == version


async def test_an_edited_cron_moves_the_next_fire_and_reschedules(env: Env) -> None:
    job_id = await env.create(status="running", cron="0 3 * * *")
    await env.service.update(1, job_id, UpdateJob(cron="30 * * * *"))
    assert (await env.job(job_id)).next_fire_time == at("2026-01-01T00:30")
    assert env.scheduler.jobs[job_id].cron == "30 * * * *"
    await env.service.update(1, job_id, UpdateJob(status="paused"))
    assert env.scheduler.jobs == {}


async def test_run_now_returns_the_log_at_once_and_runs_in_the_background(env: Env) -> None:
    job_id = await env.create(kwargs={"message": "now", "seconds": 0})
    log_id = await env.service.run_now(1, job_id)
    pending = await env.service.log(log_id)
    assert (pending.status, pending.trigger, pending.scheduled_time) == ("running", "manual", None)
    await env.scheduler.run_pending()
    done = await env.service.log(log_id)
    assert done.status == "success" and done.end_time is not None
    assert done.output == "job: now\nslept 0 s" and done.instance == "unit-1"


async def test_run_now_of_a_missing_job_is_not_found(env: Env) -> None:
    with pytest.raises(NotFound):
        await env.service.run_now(1, 999)


def _member(env: Env, name: str, email: str | None = None, *, status: int = 1) -> int:
    user = User(username=name, password_hash="x", email=email, status=status)
    user.stamp_created(None, T0)
    env.store.add(user)
    assert user.id is not None
    return user.id


async def test_a_failing_run_records_its_exception_and_notifies(env: Env) -> None:
    ops = _member(env, "ops", "ops@example.com")
    job_id = await env.create(
        kwargs={"seconds": 0, "fail": True, "message": "boom"},
        notify="failure",
        notify_user_ids=[ops],
    )
    log_id = await env.service.run_now(1, job_id)
    await env.scheduler.run_pending()
    log = await env.service.log(log_id)
    assert log.status == "failed"
    assert "RuntimeError: demo failure as asked: boom" in log.error
    assert log.output == "job: boom"
    [mail] = env.mailer.sent
    assert mail.to == ("ops@example.com",) and mail.subject == "[failed] job job"
    assert "RuntimeError" in mail.text


async def test_notification_policies(env: Env) -> None:
    a, b = _member(env, "a", "a@example.com"), _member(env, "b", "b@example.com")
    quiet = await env.create(name="quiet", notify="failure", notify_user_ids=[a])
    chatty = await env.create(name="chatty", notify="always", notify_user_ids=[b])
    await env.service.run_now(1, quiet)
    await env.service.run_now(1, chatty)
    await env.scheduler.run_pending()
    assert [m.to for m in env.mailer.sent] == [("b@example.com",)]


async def test_a_lost_notice_does_not_change_the_outcome(env: Env) -> None:
    env.mailer.fail_with = ServiceUnavailable("down", "mail_unavailable")
    job_id = await env.create(notify="always", notify_user_ids=[_member(env, "a", "a@example.com")])
    log_id = await env.service.run_now(1, job_id)
    await env.scheduler.run_pending()
    log = await env.service.log(log_id)
    assert log.status == "success" and "[notification not sent: mail_unavailable]" in log.output


async def test_notices_go_to_users_never_to_typed_addresses(env: Env) -> None:
    # The job that mailed 20 outside addresses every second with its own text.
    with pytest.raises(TypeError):
        await env.create(notify="always", notify_emails=["victim@example.org"])
    with pytest.raises(InvalidInput) as err:
        await env.create(notify="always", notify_user_ids=[404])
    assert (err.value.code, err.value.field) == ("job_notify_user_unknown", "notify_user_ids")
    ann = _member(env, "ann", "ann@example.com")
    job_id = await env.create(notify="none")
    with pytest.raises(InvalidInput) as err:
        await env.service.update(1, job_id, UpdateJob(notify="always", notify_user_ids=[ann, 405]))
    assert err.value.code == "job_notify_user_unknown" and "405" in err.value.detail
    await env.service.update(1, job_id, UpdateJob(notify="always", notify_user_ids=[ann]))
    # Delivered to what the account holds now; disabled users and users without one get none.
    ann_user = env.store.table(User)[ann]
    ann_user.email = "ann@new.example.com"
    mute = _member(env, "mute")
    off = _member(env, "off", "off@example.com", status=0)
    await env.service.update(1, job_id, UpdateJob(notify_user_ids=[ann, mute, off]))
    await env.service.run_now(1, job_id)
    await env.scheduler.run_pending()
    assert [m.to for m in env.mailer.sent] == [("ann@new.example.com",)]
    only_mute = await env.create(name="mute", notify="always", notify_user_ids=[mute])
    log_id = await env.service.run_now(1, only_mute)
    await env.scheduler.run_pending()
    assert "[notification not sent: no recipient has an e-mail address]" in (
        (await env.service.log(log_id)).output
    )


@pytest.mark.parametrize("cron", ["* * * * * *", "*/30 * * * * *", "0,1 * * * * *"])
async def test_a_notifying_job_fires_at_most_once_a_minute(env: Env, cron: str) -> None:
    ann = _member(env, "ann", "ann@example.com")
    with pytest.raises(InvalidInput) as err:
        await env.create(cron=cron, notify="failure", notify_user_ids=[ann])
    assert (err.value.code, err.value.field) == ("job_notify_too_frequent", "cron")
    quiet = await env.create(name="quiet", cron=cron)  # without notices any schedule goes
    with pytest.raises(InvalidInput):
        await env.service.update(1, quiet, UpdateJob(notify="always", notify_user_ids=[ann]))
    await env.create(name="minutely", cron="15 * * * * *", notify="always", notify_user_ids=[ann])
    await env.create(name="five", cron="*/5 * * * *", notify="always", notify_user_ids=[ann])


async def test_notices_are_limited_per_job_and_hour_and_the_rest_is_logged(env: Env) -> None:
    ann = _member(env, "ann", "ann@example.com")
    loud = await env.create(name="loud", notify="always", notify_user_ids=[ann])
    other = await env.create(name="other", notify="always", notify_user_ids=[ann])
    logs = [await env.service.run_now(1, loud) for _ in range(12)]
    await env.scheduler.run_pending()
    assert len(env.mailer.sent) == 10
    outputs = [(await env.service.log(i)).output for i in logs]
    limited = [o for o in outputs if "[notification not sent: rate_limited" in o]
    assert len(limited) == 2 and "at most 10 an hour" in limited[0]
    await env.service.run_now(1, other)  # the limit is per job
    await env.scheduler.run_pending()
    assert len(env.mailer.sent) == 11
    env.clock.advance(hours=1)
    await env.service.run_now(1, loud)
    await env.scheduler.run_pending()
    assert len(env.mailer.sent) == 12


async def test_no_rate_counter_no_notice(env: Env) -> None:
    class DownCounter:
        async def hit(self, key: str, window_seconds: int) -> int:
            raise ServiceUnavailable("the cache is unavailable", "cache_unavailable")

    env.container.rate_counter.override(providers.Object(DownCounter()))
    env.container.job_runner.reset()
    env.container.jobs.reset()
    service = env.container.jobs()
    ann = _member(env, "ann", "ann@example.com")
    job_id = await env.create(notify="always", notify_user_ids=[ann])
    log_id = await service.run_now(1, job_id)
    await env.scheduler.run_pending()
    log = await service.log(log_id)
    assert log.status == "success" and env.mailer.sent == []
    assert "[notification not sent: rate counter unavailable (cache_unavailable)]" in log.output


async def test_a_non_concurrent_job_is_skipped_while_a_run_holds_it(env: Env) -> None:
    job_id = await env.create(concurrent=False)
    lock = env.container.job_run_lock()
    token = await lock.acquire(job_id)
    assert token is not None
    log_id = await env.service.run_now(1, job_id)
    await env.scheduler.run_pending()
    assert (await env.service.log(log_id)).status == "skipped"
    await lock.release(job_id, token)
    again = await env.service.run_now(1, job_id)
    await env.scheduler.run_pending()
    assert (await env.service.log(again)).status == "success"


async def test_a_concurrent_job_runs_alongside_itself(env: Env) -> None:
    job_id = await env.create(concurrent=True)
    token = await env.container.job_run_lock().acquire(job_id)
    assert token is not None
    log_id = await env.service.run_now(1, job_id)
    await env.scheduler.run_pending()
    assert (await env.service.log(log_id)).status == "success"


async def test_a_fire_is_claimed_once_however_many_schedulers_dispatch_it(env: Env) -> None:
    env.clock.current = at("2026-01-01T00:00:30")
    job_id = await env.create(status="running", cron="* * * * *")
    fire = at("2026-01-01T00:01")
    env.clock.current = fire
    work = await env.runner.dispatch(job_id, [fire])
    twin = await env.runner.dispatch(job_id, [fire])  # another instance, same fire
    assert work is not None and twin is None
    await work()
    [log] = env.logs(job_id)
    assert (log.status, log.trigger, log.scheduled_time) == ("success", "schedule", fire)
    assert (await env.job(job_id)).next_fire_time == at("2026-01-01T00:02")


async def test_fires_of_a_paused_job_or_of_an_old_cron_do_not_run(env: Env) -> None:
    job_id = await env.create(status="running", cron="* * * * *")
    fire = at("2026-01-01T00:01")
    env.clock.current = fire
    await env.service.update(1, job_id, UpdateJob(cron="0 5 * * *"))
    assert await env.runner.dispatch(job_id, [fire]) is None
    await env.service.pause(1, job_id)
    assert await env.runner.dispatch(job_id, [at("2026-01-01T05:00")]) is None
    assert env.logs(job_id) == []


async def test_a_late_dispatch_follows_the_misfire_policy(env: Env) -> None:
    job_id = await env.create(status="running", cron="* * * * *", misfire_policy="run_once")
    env.clock.current = at("2026-01-01T00:10:30")
    fires = [at(f"2026-01-01T00:{m:02d}") for m in range(1, 11)]
    work = await env.runner.dispatch(job_id, fires)
    assert work is not None
    await work()
    assert [(x.trigger, x.scheduled_time) for x in env.logs(job_id)] == [
        ("catch-up", at("2026-01-01T00:09")),
        ("schedule", at("2026-01-01T00:10")),
    ]


async def test_reconcile_pauses_what_cannot_run_and_schedules_the_rest(env: Env) -> None:
    good = await env.create(name="good", status="running")
    idle = await env.create(name="idle")
    gone = await env.create(name="gone", status="running")
    (await env.job(gone)).script = "removed_in_this_release"
    env.scheduler.jobs.clear()
    env.scheduler.versions.clear()
    await env.service.reconcile()
    assert (await env.job(good)).status == "running" and (await env.job(idle)).status == "paused"
    assert (await env.job(gone)).status == "paused" and (await env.job(gone)).next_fire_time is None
    assert set(env.scheduler.jobs) == {good}
    await env.service.reconcile()  # again, as a takeover would: still scheduled once
    assert set(env.scheduler.jobs) == {good}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("skip", [("schedule", "00:10")]),
        ("run_once", [("catch-up", "00:09"), ("schedule", "00:10")]),
        (
            "run_now",
            [("catch-up", f"00:{m:02d}") for m in range(2, 10)] + [("schedule", "00:10")],
        ),
    ],
)
async def test_reconcile_handles_what_was_missed_while_nobody_held_the_schedule(
    env: Env, policy: str, expected: list[tuple[str, str]]
) -> None:
    env.clock.current = at("2026-01-01T00:01:30")
    job_id = await env.create(status="running", cron="* * * * *", misfire_policy=policy)
    assert (await env.job(job_id)).next_fire_time == at("2026-01-01T00:02")
    env.clock.current = at("2026-01-01T00:10:30")  # down for eight and a half minutes
    await env.service.reconcile()
    await env.scheduler.run_pending()
    got = [
        (x.trigger, x.scheduled_time.strftime("%H:%M") if x.scheduled_time else None)
        for x in env.logs(job_id)
    ]
    assert got == expected
    assert (await env.job(job_id)).next_fire_time == at("2026-01-01T00:11")
    assert env.scheduler.jobs[job_id].next_fire_time == at("2026-01-01T00:11")


async def test_sync_follows_edits_and_pauses_made_elsewhere(env: Env) -> None:
    job_id = await env.create(status="running")
    other = await env.create(name="other", status="running")
    job = await env.job(job_id)
    env.scheduler.jobs.clear()
    env.scheduler.versions.clear()
    await env.service.sync()
    assert set(env.scheduler.jobs) == {job_id, other}
    # Another instance pauses one and edits the other (only the table changes here).
    (await env.job(other)).pause()
    job.cron = "*/2 * * * *"
    job.modified_time = env.clock.now() + timedelta(seconds=1)
    await env.service.sync()
    assert set(env.scheduler.jobs) == {job_id}
    assert env.scheduler.versions[job_id] == job.modified_time


async def test_seeded_jobs_are_valid_paused_and_added_only_when_missing(env: Env) -> None:
    registry = env.container.job_scripts()
    for spec in SEED_JOBS:
        registry.get(spec["script"]).check(list(spec.get("args", [])), dict(spec.get("kwargs", {})))
        CronExpr.parse(spec["cron"])
    async with FakeJobsUnitOfWork(env.store) as uow:
        assert await seed_jobs(uow, T0, "zh-CN") == {"jobs": len(SEED_JOBS)}
        assert await seed_jobs(uow, T0, "zh-CN") == {"jobs": 0}
        # Seeding again in the other language adds no twin of a job it already made.
        assert await seed_jobs(uow, T0, "en") == {"jobs": 0}
    page = await env.service.search(JobFilter(), PageRequest(size=100))
    assert {j.status for j in page.items} == {"paused"}


async def test_housekeeping_scripts_work_through_their_ports(env: Env) -> None:
    old, recent = T0 - timedelta(days=40), T0 - timedelta(days=2)
    for when in (old, recent):
        entry = LoginLog(username="x")
        entry.stamp_created(None, when)
        env.store.add(entry)
    # The product itself (actor None) needs no label; see the label tests for users.
    login_job = await env.create(
        None, name="logins", script="clean_login_logs", kwargs={"days": 30}
    )
    logs_job = await env.create(None, name="logs", script="clean_job_logs", kwargs={"days": 30})
    await env.service.run_now(None, login_job)
    await env.scheduler.run_pending()
    assert [x.created_time for x in env.store.live(LoginLog)] == [recent]
    # Job logs: finished ones older than the cut-off go; a running one stays.
    env.clock.advance(days=31)
    await env.service.run_now(None, logs_job)
    await env.scheduler.run_pending()
    left = (await env.service.logs(JobLogFilter(), PageRequest(size=100))).items
    assert [x.job_id for x in left] == [logs_job]
    assert left[0].output.startswith("deleted 1 job logs")


@pytest.mark.parametrize("script", ["clean_job_logs", "clean_login_logs", "clean_operation_logs"])
@pytest.mark.parametrize("days", [0, 1, 29])
async def test_purges_below_the_retention_floor_are_refused_when_saved(
    env: Env, script: str, days: int
) -> None:
    # The audit trail wiped by `{"days": 1}`: the floor (30 days by default) comes from the
    # settings, not from the job, and no label lets anyone go below it.
    for kwargs, args in (({"days": days}, []), ({}, [days])):
        with pytest.raises(InvalidInput) as err:
            await env.create(None, name="purge", script=script, kwargs=kwargs, args=args)
        assert (err.value.code, err.value.field) == ("retention_too_short", "kwargs")
        assert "at least 30" in err.value.detail
    await env.create(None, name="purge", script=script, kwargs={"days": 30})


async def test_a_raised_floor_refuses_edits_and_runs_of_jobs_saved_under_the_old_one(
    env: Env,
) -> None:
    job_id = await env.create(None, name="logins", script="clean_login_logs", kwargs={"days": 40})
    stricter = HousekeepingScripts(env.container.uow.provider, env.clock, 90)
    env.container.job_scripts.override(providers.Object(ScriptRegistry([stricter, demo])))
    env.container.job_runner.reset()
    env.container.jobs.reset()
    service = env.container.jobs()
    with pytest.raises(InvalidInput) as err:
        await service.update(None, job_id, UpdateJob(remark="x"))
    assert err.value.code == "retention_too_short" and "at least 90" in err.value.detail
    log_id = await service.run_now(None, job_id)
    await env.scheduler.run_pending()
    assert "days must be at least 90" in (await service.log(log_id)).error


def test_the_floor_is_a_setting() -> None:
    assert Settings(_env_file=None).audit_retention_min_days == 30
    with pytest.raises(ValueError):
        Settings(_env_file=None, audit_retention_min_days=0)


def test_every_script_declares_the_label_it_needs(env: Env) -> None:
    labels = {s.name: s.label for s in env.service.scripts()}
    assert {name: labels[name] for name in OWN_SCRIPTS} == {
        "clean_job_logs": "perm:job:purge",
        "clean_login_logs": "perm:job:purge",
        "clean_operation_logs": "perm:job:purge",
        "demo": None,
    }
    # Whatever a module adds declares its label too (None only when said so explicitly).
    assert all(hasattr(s, "label") for s in env.service.scripts())


@pytest.fixture
async def seeded_env(env: Env) -> Env:
    await env.container.seed().run()
    return env


def _user_id(env: Env, username: str) -> int:
    [user] = [u for u in env.store.live(User) if u.username == username]
    return id_of(user)


async def test_purge_scripts_need_the_purge_label_that_only_admin_holds(seeded_env: Env) -> None:
    env = seeded_env
    opt, admin = _user_id(env, "opt"), _user_id(env, "admin")
    purge = {"script": "clean_operation_logs", "kwargs": {"days": 180}}
    with pytest.raises(Forbidden) as err:
        await env.create(opt, name="wipe", **purge)
    assert err.value.code == "job_script_forbidden" and "perm:job:purge" in err.value.detail
    [seeded] = [j for j in env.store.live(Job) if j.script == "clean_operation_logs"]
    assert seeded.id is not None
    for attempt in (
        lambda: env.service.run_now(opt, seeded.id),
        lambda: env.service.update(opt, seeded.id, UpdateJob(kwargs={"days": 30})),
        lambda: env.service.resume(opt, seeded.id),
    ):
        with pytest.raises(Forbidden):
            await attempt()
    # Turning a demo job into a purge is scheduling a purge too.
    demo_id = await env.create(opt, name="harmless")
    with pytest.raises(Forbidden):
        await env.service.update(
            opt, demo_id, UpdateJob(script="clean_job_logs", kwargs={"days": 30})
        )
    assert (await env.job(demo_id)).script == "demo"
    assert not env.logs(seeded.id)
    # Admin passes every check; the label is seeded and linked to no role.
    await env.create(admin, name="admin purge", **purge)
    await env.service.run_now(admin, seeded.id)
    label = next(x for x in env.store.live(PermLabel) if x.label == "perm:job:purge")
    assert not [link for link in env.store.links["label_role"] if link[0] == label.id]


def test_signature_text_of_every_kind_of_parameter() -> None:
    registry = ScriptRegistry()

    @job_script("kinds", "all kinds", label=None)
    async def kinds(a: int, /, b: str, *rest: int, c: bool = False, **extra: str) -> None: ...

    @job_script("keyword_only", "keyword only", label=None)
    async def keyword_only(*, limit: int = 5) -> None: ...

    registry.register(kinds)
    registry.register(keyword_only)
    assert (
        registry.get("kinds").text
        == "(a: int, /, b: str, *rest: int, c: bool = False, **extra: str)"
    )
    assert registry.get("keyword_only").text == "(*, limit: int = 5)"
    registry.get("kinds").check([1, "b", 2, 3], {"c": True, "x": "y"})
    with pytest.raises(InvalidInput, match="rest of kinds must be int"):
        registry.get("kinds").check([1, "b", "3"], {})
    with pytest.raises(InvalidInput, match="extra of kinds must be str"):
        registry.get("kinds").check([1, "b"], {"x": 1})


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"scheduler_timezone": "Mars/Olympus"}, "APP_SCHEDULER_TIMEZONE"),
        ({"scheduler_lease_seconds": 3, "scheduler_sync_seconds": 2}, "a third of the lease"),
        ({"scheduler_misfire_grace_seconds": 10}, "must exceed the lease"),
    ],
)
def test_scheduler_settings_that_would_break_the_guarantees_are_refused(
    settings: dict[str, Any], words: str
) -> None:
    from bootstrap import Settings

    with pytest.raises(ValueError, match=words):
        Settings(_env_file=None, **settings)
    assert Settings(_env_file=None, scheduler_timezone="Asia/Shanghai").scheduler_timezone


async def test_a_run_abandoned_by_a_stopped_instance_is_failed_and_run_again(
    env: Env, container: Container
) -> None:
    from core.jobs.model import JobLog as Log
    from tests.unit.fakes_jobs import FakeInstanceRegistry

    registry = FakeInstanceRegistry("unit-1")
    container.job_instances.override(providers.Object(registry))
    container.jobs.reset()
    service = container.jobs()
    job_id = await env.create(status="running", misfire_policy="run_once")
    async with container.uow() as uow:
        job = await uow.jobs.get(job_id)
        assert job is not None
        cut = Log.claim(job, Trigger.SCHEDULE, env.clock.now(), env.clock.now(), "gone-2")
        manual = Log.claim(job, Trigger.MANUAL, None, env.clock.now(), "gone-2")
        busy = Log.claim(job, Trigger.SCHEDULE, at("2026-01-01T00:01"), env.clock.now(), "busy-3")
        for entry in (cut, manual, busy):
            await uow.job_logs.add(entry)
        await uow.commit()
    registry.alive_ones.add("busy-3")  # still beating: its run is left alone

    assert await service.recover_abandoned() == 1
    await env.scheduler.run_pending()
    assert cut.status == "failed" and "abandoned" in cut.error
    assert manual.status == "running"  # runs by hand are not judged: they may be on any instance
    assert busy.status == "running"
    again = [x for x in env.logs(job_id) if x.trigger == Trigger.CATCH_UP]
    assert [(x.status, x.instance) for x in again] == [("success", "unit-1")]
    assert await service.recover_abandoned() == 0  # nothing twice


async def test_an_abandoned_run_of_a_job_that_skips_misfires_is_not_run_again(
    env: Env, container: Container
) -> None:
    from core.jobs.model import JobLog as Log
    from tests.unit.fakes_jobs import FakeInstanceRegistry

    container.job_instances.override(providers.Object(FakeInstanceRegistry("unit-1")))
    container.jobs.reset()
    service = container.jobs()
    job_id = await env.create(status="running", misfire_policy="skip")
    async with container.uow() as uow:
        job = await uow.jobs.get(job_id)
        assert job is not None
        cut = Log.claim(job, Trigger.SCHEDULE, env.clock.now(), env.clock.now(), "gone")
        await uow.job_logs.add(cut)
        await uow.commit()
    await service.recover_abandoned()
    await env.scheduler.run_pending()
    assert cut.status == "failed"
    assert [x for x in env.logs(job_id) if x.trigger == Trigger.CATCH_UP] == []


async def test_a_runs_traceback_is_for_the_jobs_writers_only(env: Env) -> None:
    """The rule holds in the use case, whoever asks: HTTP, CLI or a test."""
    await env.container.seed().run()
    error = 'Traceback (most recent call last):\n  File "x.py", line 1, in f\nValueError: boom'
    async with env.container.uow() as uow:
        log = JobLog(
            job_id=1, job_name="j", script="demo", trigger="manual", start_time=env.clock.now()
        )
        log.error = error
        await uow.job_logs.add(log)
        await uow.commit()
        admin, reader = [await uow.users.get_by_username(n) for n in ("admin", "user")]
    assert log.id is not None and admin is not None and reader is not None
    assert admin.id is not None and reader.id is not None
    assert (await env.service.log_seen_by(admin.id, log.id)).error == error
    assert (await env.service.log_seen_by(reader.id, log.id)).error == "ValueError: boom"
    page = await env.service.logs_seen_by(reader.id, JobLogFilter(), PageRequest(size=10))
    assert [x.error for x in page.items] == ["ValueError: boom"]


def test_a_script_that_is_not_async_is_refused() -> None:
    """A sync script would hold the event loop every run and request shares for its whole run."""

    @job_script("blocking", "blocks the loop", label=None)
    def blocking() -> None: ...

    with pytest.raises(ValueError, match="not an async def"):
        ScriptRegistry([blocking])
