"""A module's background services run for the app's lifetime; only its own services may."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

import bootstrap
from bootstrap import Settings, build_container


def test_a_background_name_must_be_one_of_the_modules_services(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = bootstrap.module_specs

    def specs(names: object) -> tuple[object, ...]:
        found = real()
        return tuple(
            dataclasses.replace(s, background=("online_typo",)) if s.name == "monitor" else s
            for s in found
        )

    monkeypatch.setattr(bootstrap, "module_specs", specs)
    with pytest.raises(ValueError, match="online_typo"):
        build_container(Settings(_env_file=None))


async def test_the_heartbeat_starts_and_stops_with_the_container() -> None:
    container = build_container(Settings(_env_file=None, scheduler_enabled=False))
    assert "server_monitor_runtime" in container.providers
    started = container.init_resources()  # async resources: an awaitable
    assert started is not None
    await started
    try:
        monitor = container.server_monitor()
        name = container.job_instance()
        # The first beat is the task's first step: give the loop that step.
        reports = container.server_reports()
        for _ in range(100):
            if [r.instance for r in await reports.reports()] == [name]:
                break
            await asyncio.sleep(0.01)
        assert [r.instance for r in await reports.reports()] == [name]
    finally:
        stopped = container.shutdown_resources()
        assert stopped is not None
        await stopped
        await container.dispose_engines()
    assert await container.server_reports().reports() == []
    assert monitor is container.server_monitor()


def test_the_heartbeat_setting_defaults_to_ten_seconds_and_refuses_a_storm() -> None:
    assert Settings(_env_file=None).server_heartbeat_seconds == 10
    with pytest.raises(ValueError, match="server_heartbeat_seconds"):
        Settings(_env_file=None, server_heartbeat_seconds=0.01)
