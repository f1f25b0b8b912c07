"""What an operator may make a job do: purges and their floor, and who job notices reach."""

from __future__ import annotations

import secrets
from typing import Any

from tests.integration.conftest import App

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
    return int(next(j["id"] for j in jobs if j["name"].startswith("clean")))


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
