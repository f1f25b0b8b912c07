"""Scheduled jobs on MariaDB + Redis: real APScheduler, real leases, a real SMTP server.

Each test that runs schedulers has its own database and Redis prefix, so its instances
compete only with each other.
"""

from __future__ import annotations

import itertools
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from adapters.apscheduler.scheduler import ApschedulerJobScheduler
from tests.integration.conftest import App, execute, seed, settings_for
from tests.schema import migrate

API = "/api/v1"
FAST = {
    "scheduler_enabled": True,
    "scheduler_lease_seconds": 1.5,
    "scheduler_sync_seconds": 0.25,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


class Cluster:
    """App instances on one fresh database and one Redis prefix of their own."""

    def __init__(self, database_url: str, redis_url: str) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.prefix = f"test:jobs:{secrets.token_hex(4)}:"
        self.apps: list[App] = []
        self.open: list[App] = []

    def start(self, **extra: Any) -> App:
        settings = settings_for(self.database_url, self.redis_url, self.prefix, **{**FAST, **extra})
        app = App(settings).__enter__()
        self.apps.append(app)
        self.open.append(app)
        return app

    def stop(self, app: App) -> None:
        self.open.remove(app)
        app.__exit__(None, None, None)

    def close(self) -> None:
        for app in list(self.open):
            self.stop(app)


@pytest.fixture
def cluster(
    make_seeded_database: Callable[[], str], redis_url: str, redis_prefix: str
) -> Iterator[Cluster]:
    url = make_seeded_database()
    c = Cluster(url, redis_url)
    c.prefix = f"{redis_prefix}jobs:{secrets.token_hex(4)}:"
    yield c
    c.close()


def scheduler_of(app: App) -> ApschedulerJobScheduler:
    s = app.container.job_scheduler()
    assert isinstance(s, ApschedulerJobScheduler)
    return s


def wait_for(what: Callable[[], Any], timeout: float = 10.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = what()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout} s")
        time.sleep(every)


def create_job(app: App, headers: dict[str, str], **data: Any) -> int:
    body = {
        "name": f"job-{secrets.token_hex(3)}",
        "script": "demo",
        "kwargs": {"seconds": 0},
        "cron": "* * * * * *",
        **data,
    }
    r = app.client.post(f"{API}/system/job", headers=headers, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def logs_of(app: App, headers: dict[str, str], job_id: int, **query: Any) -> list[dict[str, Any]]:
    r = app.client.get(
        f"{API}/system/job-log",
        headers=headers,
        params={"job_id": job_id, "size": 100, "sort": "id", "order": "asc", **query},
    )
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def seconds_of(logs: list[dict[str, Any]]) -> list[datetime]:
    return sorted(datetime.fromisoformat(x["scheduled_time"]) for x in logs)


def assert_contiguous(fires: list[datetime]) -> None:
    """Every second from the first fire to the last, each exactly once."""
    assert len(set(fires)) == len(fires), "a fire ran twice"
    span = int((fires[-1] - fires[0]).total_seconds()) + 1
    expected = [fires[0] + timedelta(seconds=i) for i in range(span)]
    assert fires == expected, f"missing fires: {sorted(set(expected) - set(fires))}"


# --- one instance ---------------------------------------------------------------------------


def test_a_job_fires_and_logs_and_pause_stops_it(cluster: Cluster) -> None:
    app = cluster.start()
    admin = app.login("admin", "admin123")
    job_id = create_job(app, admin, status="running")
    got = wait_for(lambda: len(logs_of(app, admin, job_id, status="success")) >= 3 and True)
    assert got
    logs = logs_of(app, admin, job_id)
    assert {x["trigger"] for x in logs} == {"schedule"}
    assert_contiguous(seconds_of(logs))
    assert all(x["instance"] == app.container.job_instance() for x in logs)

    r = app.client.put(f"{API}/system/job/{job_id}/pause", headers=admin)
    assert r.status_code == 204
    assert str(job_id) not in scheduler_of(app).aps_job_ids()
    time.sleep(0.5)  # a fire dispatched just before the pause may still finish
    settled = len(logs_of(app, admin, job_id))
    time.sleep(2)
    assert len(logs_of(app, admin, job_id)) == settled
    detail = app.client.get(f"{API}/system/job/{job_id}", headers=admin).json()
    assert detail["status"] == "paused" and detail["next_fire_time"] is None
    assert len(detail["next_fire_times"]) == 5


def test_run_now_returns_before_the_job_ends(cluster: Cluster) -> None:
    app = cluster.start()
    admin = app.login("opt", "opt123")
    job_id = create_job(app, admin, kwargs={"seconds": 2, "message": "slow"}, cron="0 0 1 1 *")
    started = time.monotonic()
    r = app.client.post(f"{API}/system/job/{job_id}/run", headers=admin)
    elapsed = time.monotonic() - started
    assert r.status_code == 202, r.text
    assert elapsed < 2.0, f"run-now took {elapsed:.2f} s, as long as the job itself"
    log_id = r.json()["log_id"]
    log = app.client.get(f"{API}/system/job-log/{log_id}", headers=admin).json()
    assert (log["status"], log["trigger"], log["scheduled_time"]) == ("running", "manual", None)
    done = wait_for(
        lambda: (
            x
            if (x := app.client.get(f"{API}/system/job-log/{log_id}", headers=admin).json())[
                "status"
            ]
            != "running"
            else None
        )
    )
    assert done["status"] == "success" and done["duration_ms"] >= 2000
    assert done["output"] == f"{done['job_name']}: slow\nslept 2 s"


def test_a_failing_job_logs_its_exception_and_mails(
    cluster: Cluster, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    app = cluster.start(smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none")
    admin = app.login("admin", "admin123")
    ops = app.client.post(
        f"{API}/permission/user",
        headers=admin,
        json={"username": "ops", "password": "a fine passphrase", "email": "ops@example.com"},
    )
    assert ops.status_code == 201, ops.text
    job_id = create_job(
        app,
        admin,
        name="nightly export",
        kwargs={"seconds": 0, "fail": True, "message": "disk full"},
        cron="0 3 * * *",
        notify="failure",
        notify_user_ids=[ops.json()["id"]],
    )
    log_id = app.client.post(f"{API}/system/job/{job_id}/run", headers=admin).json()["log_id"]
    log = wait_for(
        lambda: (
            x
            if (x := app.client.get(f"{API}/system/job-log/{log_id}", headers=admin).json())[
                "status"
            ]
            != "running"
            else None
        )
    )
    assert log["status"] == "failed"
    assert "RuntimeError: demo failure as asked: disk full" in log["error"]
    [mail] = wait_for(lambda: inbox.to("ops@example.com"), timeout=5)
    assert mail["Subject"] == "[failed] job nightly export"
    body = mail.get_body(preferencelist=("plain",))
    assert (
        body is not None and "RuntimeError: demo failure as asked: disk full" in body.get_content()
    )
    failed = app.client.get(
        f"{API}/system/job-log", headers=admin, params={"job_id": job_id, "status": "failed"}
    ).json()
    assert failed["total"] == 1 and failed["items"][0]["id"] == log_id


def test_validation_answers_422_naming_the_problem(cluster: Cluster) -> None:
    app = cluster.start(scheduler_enabled=False)
    admin = app.login("admin", "admin123")
    r = app.client.post(
        f"{API}/system/job",
        headers=admin,
        json={"name": "x", "script": "demo", "cron": "* * * *"},
    )
    assert r.status_code == 422 and r.json()["code"] == "cron_invalid"
    r = app.client.post(
        f"{API}/system/job",
        headers=admin,
        json={"name": "x", "script": "demo", "cron": "* * * * *", "kwargs": {"seconds": "2"}},
    )
    assert r.status_code == 422 and r.json()["code"] == "job_args_invalid"
    assert r.json()["errors"][0]["loc"] == ["body", "kwargs"]
    assert "seconds of demo must be float" in r.json()["errors"][0]["msg"]
    r = app.client.post(
        f"{API}/system/job",
        headers=admin,
        json={"name": "x", "script": "builtins.eval", "cron": "* * * * *"},
    )
    assert r.status_code == 422 and r.json()["code"] == "job_script_unknown"
    scripts = app.client.get(f"{API}/system/job/scripts", headers=admin).json()
    assert isinstance(scripts, list)
    demo = next(s for s in scripts if s["name"] == "demo")
    assert demo["signature"] == "(message: str = 'hello', seconds: float = 1.0, fail: bool = False)"
    preview = app.client.get(
        f"{API}/system/job/cron/next", headers=admin, params={"expr": "0 3 * * *"}
    )
    assert preview.status_code == 200 and len(preview.json()["next_fire_times"]) == 5
    bad = app.client.get(f"{API}/system/job/cron/next", headers=admin, params={"expr": "0 3 * *"})
    assert bad.status_code == 422 and bad.json()["code"] == "cron_invalid"
    seeded = app.client.get(f"{API}/system/job", headers=admin, params={"size": 100}).json()
    # Seeded names are in APP_SEED_LANGUAGE; the scripts name the seeded jobs in any language.
    assert {j["script"] for j in seeded["items"]} >= {"clean_job_logs", "demo"}
    assert {j["status"] for j in seeded["items"]} == {"paused"}


def test_housekeeping_scripts_on_the_real_tables(cluster: Cluster) -> None:
    app = cluster.start(scheduler_enabled=False)
    admin = app.login("admin", "admin123")
    # Naive UTC, as the columns hold it; bound values, so the SQL is the same on every database.
    now = datetime.now(UTC).replace(tzinfo=None)
    execute(
        app,
        text(
            "INSERT INTO t_login_log (created_time, username, status, is_deleted) VALUES "
            "(:old, 'ancient', 'success', 0)"
        ),
        {"old": now - timedelta(days=400)},
    )
    jobs = {
        j["script"]: j["id"]
        for j in app.client.get(f"{API}/system/job", headers=admin, params={"size": 100}).json()[
            "items"
        ]
    }
    log = run_and_wait(app, admin, jobs["clean_login_logs"])
    assert log["status"] == "success", log
    [(left,)] = execute(app, text("SELECT COUNT(*) FROM t_login_log WHERE username='ancient'"))
    assert left == 0


def run_and_wait(app: App, admin: dict[str, str], job_id: int) -> Any:
    """Runs a job now and waits for its log to leave `running`: the finished log."""
    log_id = app.client.post(f"{API}/system/job/{job_id}/run", headers=admin).json()["log_id"]
    return wait_for(
        lambda: (
            x
            if (x := app.client.get(f"{API}/system/job-log/{log_id}", headers=admin).json())[
                "status"
            ]
            != "running"
            else None
        )
    )


def test_restart_reconciles_the_table_and_the_schedule(cluster: Cluster) -> None:
    first = cluster.start()
    admin = first.login("admin", "admin123")
    steady = create_job(first, admin, status="running", misfire_policy="run_once")
    idle = create_job(first, admin)
    broken = create_job(first, admin, status="running", cron="0 0 1 1 *")
    wait_for(lambda: len(logs_of(first, admin, steady)) >= 2)
    cluster.stop(first)
    # No instance runs now: a connection of the test's own. This release no longer declares
    # the script the job names.
    engine = create_engine(cluster.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE t_jobs SET script='retired' WHERE id=:id"), {"id": broken})
    finally:
        engine.dispose()
    time.sleep(1.5)  # fires missed while no instance runs

    second = cluster.start()
    admin = second.login("admin", "admin123")
    status = {
        j: second.client.get(f"{API}/system/job/{j}", headers=admin).json()["status"]
        for j in (steady, idle, broken)
    }
    assert status == {steady: "running", idle: "paused", broken: "paused"}
    ids = scheduler_of(second).aps_job_ids()
    assert ids.count(str(steady)) == 1 and str(broken) not in ids and str(idle) not in ids
    # Resuming or re-saving a scheduled job does not schedule it twice.
    assert second.client.put(f"{API}/system/job/{steady}/resume", headers=admin).status_code == 204
    r = second.client.put(f"{API}/system/job/{steady}", headers=admin, json={"remark": "edited"})
    assert r.status_code == 204
    assert scheduler_of(second).aps_job_ids().count(str(steady)) == 1
    before = len(logs_of(second, admin, steady))
    wait_for(lambda: len(logs_of(second, admin, steady)) >= before + 3)
    # The fires missed during the restart were within the grace: run late, none lost or doubled.
    assert_contiguous(seconds_of(logs_of(second, admin, steady)))
    second.client.put(f"{API}/system/job/{steady}/pause", headers=admin)


# --- several instances ----------------------------------------------------------------------


def test_three_instances_run_each_fire_once_across_a_hand_over(cluster: Cluster) -> None:
    apps = [cluster.start() for _ in range(3)]
    leaders = wait_for(lambda: [a for a in apps if scheduler_of(a).is_leader], timeout=5)
    assert len(leaders) == 1
    leader = leaders[0]
    followers = [a for a in apps if a is not leader]
    admin = followers[0].login("admin", "admin123")
    # Created through an instance that does not hold the schedule: the holder picks it up.
    job_id = create_job(
        followers[0], admin, status="running", concurrent=False, kwargs={"seconds": 0.4}
    )
    wait_for(lambda: len(logs_of(followers[0], admin, job_id)) >= 4)
    leader_name = leader.container.job_instance()
    # Stop the holder in the middle of a run of the job.
    wait_for(
        lambda: any(
            x["status"] == "running" and x["instance"] == leader_name
            for x in logs_of(followers[0], admin, job_id)
        ),
        every=0.02,
    )
    cluster.stop(leader)
    new_leader = wait_for(
        lambda: next((a for a in followers if scheduler_of(a).is_leader), None), timeout=5
    )
    other = next(a for a in followers if a is not new_leader)
    total = len(logs_of(other, admin, job_id))
    wait_for(lambda: len(logs_of(other, admin, job_id)) >= max(12, total + 4), timeout=20)
    # A pause through the instance that does not hold the schedule reaches the one that does.
    assert other.client.put(f"{API}/system/job/{job_id}/pause", headers=admin).status_code == 204
    wait_for(lambda: str(job_id) not in scheduler_of(new_leader).aps_job_ids(), timeout=3)
    time.sleep(1)  # let the last runs finish
    logs = logs_of(other, admin, job_id)
    assert len(logs) >= 10
    assert {x["trigger"] for x in logs} == {"schedule"}
    assert {x["status"] for x in logs} <= {"success", "skipped"}
    assert_contiguous(seconds_of(logs))
    assert {x["instance"] for x in logs} >= {leader_name, new_leader.container.job_instance()}
    # Not concurrent: no two runs overlapped, whichever instance ran them.
    runs = sorted(
        (datetime.fromisoformat(x["start_time"]), datetime.fromisoformat(x["end_time"]))
        for x in logs
        if x["status"] == "success"
    )
    for (_, end), (start, _) in itertools.pairwise(runs):
        assert start >= end, "a non-concurrent job overlapped itself"
    settled = len(logs)
    time.sleep(1)
    assert len(logs_of(other, admin, job_id)) == settled


def test_the_embedded_profile_schedules_without_redis(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/app.db"
    settings = settings_for(url, None, **FAST)  # type: ignore[arg-type]  # keyword settings
    migrate(settings)
    seed(settings)
    app = App(settings).__enter__()
    try:
        assert scheduler_of(app).is_leader
        admin = app.login("admin", "admin123")
        job_id = create_job(app, admin, status="running")
        wait_for(lambda: len(logs_of(app, admin, job_id, status="success")) >= 3)
        assert_contiguous(seconds_of(logs_of(app, admin, job_id)))
        detail = app.client.get(f"{API}/system/job/{job_id}", headers=admin).json()
        assert datetime.fromisoformat(detail["next_fire_time"]) > datetime.now(UTC)
    finally:
        app.__exit__(None, None, None)


async def _freeze(scheduler: ApschedulerJobScheduler) -> None:
    """Its tick stops and it drops its schedule, on its loop, between two steps."""
    assert scheduler._aps is not None and scheduler._stepping is not None
    scheduler._aps.remove_job("tick")
    async with scheduler._stepping:
        scheduler._step_down()


def test_a_vanished_holder_is_replaced_when_its_lease_expires(cluster: Cluster) -> None:
    apps = [cluster.start() for _ in range(2)]
    holder = wait_for(lambda: next((a for a in apps if scheduler_of(a).is_leader), None))
    standby = next(a for a in apps if a is not holder)
    admin = standby.login("admin", "admin123")
    job_id = create_job(standby, admin, status="running", misfire_policy="skip")
    wait_for(lambda: len(logs_of(standby, admin, job_id)) >= 2)
    # A crash, as far as the others can tell: the holder stops scheduling and renewing, and
    # never releases its lease (private handles: no public way to freeze an instance).
    holder.run(_freeze, scheduler_of(holder))
    # Within lease + one tick (1.75 s here); the wait only gives up well past that.
    wait_for(lambda: scheduler_of(standby).is_leader, timeout=10, every=0.05)
    before = len(logs_of(standby, admin, job_id))
    wait_for(lambda: len(logs_of(standby, admin, job_id)) >= before + 2)
    standby.client.put(f"{API}/system/job/{job_id}/pause", headers=admin)
    time.sleep(0.5)
    # The fires of the gap were less than the grace late: run as scheduled, none lost, even
    # under the `skip` policy, and none twice.
    logs = logs_of(standby, admin, job_id)
    assert {x["trigger"] for x in logs} == {"schedule"}
    assert_contiguous(seconds_of(logs))
