"""The reg-code module's job script, run by the jobs module like any other."""

from __future__ import annotations

from datetime import timedelta

from core.regcode.model import RegCode, RegCodeState
from tests.unit.test_jobs import T0, Env, env  # noqa: F401 - the jobs module's fixture


async def test_the_expiry_script_stores_the_state_the_deadline_implies(env: Env) -> None:  # noqa: F811
    due = RegCode(code="A", reg_times=1)
    due.activate(T0 - timedelta(days=3))
    fresh = RegCode(code="B", reg_times=30)
    fresh.activate(T0 - timedelta(days=3))
    idle = RegCode(code="C", reg_times=1)
    for code in (due, fresh, idle):
        env.store.add(code)
    codes_job = await env.create(None, name="codes", script="expire_reg_codes", kwargs={})
    await env.service.run_now(None, codes_job)
    await env.scheduler.run_pending()
    assert (due.state, fresh.state, idle.state) == (
        RegCodeState.EXPIRED,
        RegCodeState.ACTIVE,
        RegCodeState.INACTIVE,
    )
    assert [x.output for x in env.logs(codes_job)] == ["marked 1 reg codes expired"]


def test_the_module_declares_its_script_with_its_write_label(env: Env) -> None:  # noqa: F811
    labels = {s.name: s.label for s in env.service.scripts()}
    assert labels["expire_reg_codes"] == "perm:regcode:put"
