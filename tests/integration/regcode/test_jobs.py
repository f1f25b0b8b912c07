"""The reg-code module's expiry script on the real table, run by the jobs module."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from adapters.sqlalchemy.regcode import reg_codes
from tests.integration.conftest import execute
from tests.integration.test_jobs import API, Cluster, cluster, run_and_wait  # noqa: F401


def test_the_expiry_script_stores_the_state_on_the_real_table(
    cluster: Cluster,  # noqa: F811 - the jobs tests' fixture
) -> None:
    app = cluster.start(scheduler_enabled=False)
    admin = app.login("admin", "admin123")
    now = datetime.now(UTC)
    rows = [
        ("JOBS-EXPIRED", 1, now - timedelta(days=3), now - timedelta(days=2), 1),
        ("JOBS-ACTIVE", 30, now - timedelta(days=3), now + timedelta(days=27), 1),
        ("JOBS-UNUSED", 30, None, None, 0),
    ]
    execute(
        app,
        reg_codes.insert().values(
            [
                {"code": c, "reg_times": r, "first_active_time": f, "deadline": d, "state": s}
                for c, r, f, d, s in rows
            ]
        ),
    )
    jobs = {
        j["script"]: j["id"]
        for j in app.client.get(f"{API}/system/job", headers=admin, params={"size": 100}).json()[
            "items"
        ]
    }
    log = run_and_wait(app, admin, jobs["expire_reg_codes"])
    assert log["status"] == "success", log
    c = reg_codes.c
    states = dict(execute(app, select(c.code, c.state).where(c.code.like("JOBS-%"))))
    assert states == {"JOBS-EXPIRED": 2, "JOBS-ACTIVE": 1, "JOBS-UNUSED": 0}
