"""What an operator may make a job do: purges and their floor, and who job notices reach."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, inspect, text

from bootstrap import Settings
from core.jobs.seed import SEED_JOBS
from tests.integration.conftest import App, unique
from tests.integration.test_jobs import Inbox, _free_port, wait_for
from tests.schema import downgrade, migrate

API = "/api/v1"


def _job(**data: Any) -> dict[str, Any]:
    return {
        "name": f"guard-{secrets.token_hex(3)}",
        "script": "demo",
        "kwargs": {"seconds": 0},
        "cron": "0 3 * * *",
        **data,
    }


def _seeded(api: App, headers: dict[str, str], script: str) -> int:
    jobs = api.client.get(
        f"{API}/system/job", headers=headers, params={"script": script, "size": 100}
    ).json()["items"]
    # The seeded job, named in APP_SEED_LANGUAGE: either language of its seed name.
    names = {n for spec in SEED_JOBS for n in (spec["name"].zh, spec["name"].en)}
    return int(next(j["id"] for j in jobs if j["name"] in names))


# --- purges ------------------------------------------------------------------------------


def test_opt_cannot_schedule_or_run_a_purge(api: App, admin: dict[str, str]) -> None:
    opt = api.login("opt", "opt123")
    wipe = _job(script="clean_operation_logs", kwargs={"days": 180})
    r = api.client.post(f"{API}/system/job", headers=opt, json=wipe)
    assert r.status_code == 403 and r.json()["code"] == "job_script_forbidden"
    seeded = _seeded(api, admin, "clean_operation_logs")
    r = api.client.post(f"{API}/system/job/{seeded}/run", headers=opt)
    assert r.status_code == 403 and r.json()["code"] == "job_script_forbidden"
    r = api.client.put(f"{API}/system/job/{seeded}", headers=opt, json={"kwargs": {"days": 60}})
    assert r.status_code == 403 and r.json()["code"] == "job_script_forbidden"
    r = api.client.put(f"{API}/system/job/{seeded}/resume", headers=opt)
    assert r.status_code == 403 and r.json()["code"] == "job_script_forbidden"
    # opt still runs the jobs that need no more than the job labels.
    r = api.client.post(f"{API}/system/job", headers=opt, json=_job())
    assert r.status_code == 201, r.text
    # Admin passes every check, and the scripts say what they need.
    r = api.client.post(f"{API}/system/job", headers=admin, json=wipe)
    assert r.status_code == 201, r.text
    scripts = {
        s["name"]: s["label"]
        for s in api.client.get(f"{API}/system/job/scripts", headers=opt).json()
    }
    assert scripts["clean_operation_logs"] == "perm:job:purge" and scripts["demo"] is None


def test_nobody_purges_below_the_retention_floor(api: App, admin: dict[str, str]) -> None:
    for days in (1, 29):
        body = _job(script="clean_operation_logs", kwargs={"days": days})
        r = api.client.post(f"{API}/system/job", headers=admin, json=body)
        assert r.status_code == 422 and r.json()["code"] == "retention_too_short", r.text
    seeded = _seeded(api, admin, "clean_login_logs")
    r = api.client.put(f"{API}/system/job/{seeded}", headers=admin, json={"kwargs": {"days": 1}})
    assert r.status_code == 422 and r.json()["code"] == "retention_too_short"


def test_the_purge_label_is_seeded_and_linked_to_no_role(api: App, admin: dict[str, str]) -> None:
    labels = api.client.get(
        f"{API}/permission/perm-label", headers=admin, params={"label": "perm:job:purge"}
    ).json()["items"]
    assert [x["label"] for x in labels] == ["perm:job:purge"]
    opt = api.login("opt", "opt123")
    mine = api.client.get(f"{API}/user/routers", headers=opt).json()["labels"]
    assert "perm:job:run" in mine and "perm:job:purge" not in mine


# --- notices -----------------------------------------------------------------------------


def _member(api: App, admin: dict[str, str], email: str | None) -> int:
    body = {"username": unique("n"), "password": "a fine passphrase", "email": email}
    r = api.client.post(f"{API}/permission/user", headers=admin, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_notices_go_to_users_not_to_typed_addresses(api: App, admin: dict[str, str]) -> None:
    opt = api.login("opt", "opt123")
    spam = _job(cron="* * * * * *", notify="always", notify_emails=["victim@example.org"] * 20)
    r = api.client.post(f"{API}/system/job", headers=opt, json=spam)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    r = api.client.post(
        f"{API}/system/job", headers=opt, json=_job(notify="always", notify_user_ids=[10**9])
    )
    assert r.status_code == 422 and r.json()["code"] == "job_notify_user_unknown"
    ann = _member(api, admin, unique("ann") + "@example.com")
    r = api.client.post(
        f"{API}/system/job",
        headers=opt,
        json=_job(cron="*/10 * * * * *", notify="failure", notify_user_ids=[ann]),
    )
    assert r.status_code == 422 and r.json()["code"] == "job_notify_too_frequent"
    r = api.client.post(
        f"{API}/system/job", headers=opt, json=_job(notify="failure", notify_user_ids=[ann])
    )
    assert r.status_code == 201, r.text
    job = api.client.get(f"{API}/system/job/{r.json()['id']}", headers=opt).json()
    assert job["notify_user_ids"] == [ann] and "notify_emails" not in job
    r = api.client.put(f"{API}/system/job/{job['id']}", headers=opt, json={"cron": "* * * * * *"})
    assert r.status_code == 422 and r.json()["code"] == "job_notify_too_frequent"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_notices_are_rate_limited_per_job_and_the_rest_is_logged(
    make_app: Callable[..., App], smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    app = make_app(smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", job_notices_per_hour=2)
    h = app.login("admin", "admin123")
    address = unique("ops") + "@example.com"
    ops = _member(app, h, address)
    r = app.client.post(
        f"{API}/system/job", headers=h, json=_job(notify="always", notify_user_ids=[ops])
    )
    assert r.status_code == 201, r.text
    job_id = r.json()["id"]
    log_ids = []
    for n in (1, 2, 3):
        log_ids.append(
            app.client.post(f"{API}/system/job/{job_id}/run", headers=h).json()["log_id"]
        )
        # One run after the other: each notice is counted before the next run starts.
        wait_for(lambda n=n: len(inbox.to(address)) >= min(n, 2), timeout=5)  # type: ignore[misc]

    def noted() -> dict[str, Any] | None:
        x = app.client.get(f"{API}/system/job-log/{log_ids[2]}", headers=h).json()
        return x if "[notification not sent" in x["output"] else None

    third = wait_for(noted)
    assert third["status"] == "success"
    assert "[notification not sent: rate_limited, at most 2 an hour]" in third["output"]
    assert len(inbox.to(address)) == 2


# --- the migration of typed addresses ------------------------------------------------------


def _typed_addresses_become_no_notice(url: str) -> None:
    settings = Settings(_env_file=None, database_url=url, env="test")
    migrate(settings, "0003")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO t_jobs (name, script, args, kwargs, cron, misfire_policy, "
                    "concurrent, status, notify, notify_emails, remark, is_deleted) VALUES "
                    "('spam', 'demo', '[]', '{}', '* * * * * *', 'skip', :no, 'running', "
                    "'always', '[\"victim@example.org\"]', '', 0)"
                ),
                {"no": False},  # a boolean column: PostgreSQL takes no integer for it
            )
        migrate(settings)
        engine.dispose()
        with engine.connect() as conn:
            row = conn.execute(text("SELECT notify, notify_user_ids FROM t_jobs")).one()
            columns = {c["name"] for c in inspect(engine).get_columns("t_jobs")}
        assert tuple(row) == ("none", "[]")
        assert "notify_emails" not in columns
        downgrade(settings, "0003")
        engine.dispose()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT notify, notify_emails FROM t_jobs")).one() == (
                "none",
                "[]",
            )
    finally:
        engine.dispose()


def test_typed_addresses_are_dropped_by_the_migration(make_database: Callable[[], str]) -> None:
    _typed_addresses_become_no_notice(make_database())


def test_typed_addresses_are_dropped_by_the_migration_on_sqlite(tmp_path: Path) -> None:
    _typed_addresses_become_no_notice(f"sqlite:///{tmp_path}/app.db")
