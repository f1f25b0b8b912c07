"""The server monitor's rules: each instance reports itself; a silent one lapses."""

from __future__ import annotations

import asyncio

from core.monitor.model import ServerReport
from core.monitor.service import ServerMonitorService
from tests.unit.fakes import FakeClock
from tests.unit.monitor.fakes_servers import (
    FakeHostProbe,
    FakePoolGauge,
    FakeSchedulerGauge,
    FakeServerReports,
)


def monitor(
    clock: FakeClock, store: FakeServerReports, instance: str = "a", every: float = 10
) -> ServerMonitorService:
    return ServerMonitorService(
        store, FakeHostProbe(), FakePoolGauge(), FakeSchedulerGauge(), clock, instance, every
    )


async def test_the_answering_instance_comes_first_then_the_others_by_name() -> None:
    clock = FakeClock()
    store = FakeServerReports(clock)
    for name in ("c", "b"):
        await monitor(clock, store, name).beat()
    entries = await monitor(clock, store, "a").servers()
    assert [(e.report.instance, e.current) for e in entries] == [
        ("a", True),
        ("b", False),
        ("c", False),
    ]


async def test_a_report_lives_three_heartbeats_then_the_instance_drops_out() -> None:
    clock = FakeClock()
    store = FakeServerReports(clock)
    await monitor(clock, store, "b", every=10).beat()
    clock.advance(seconds=29)
    assert "b" in [e.report.instance for e in await monitor(clock, store).servers()]
    clock.advance(seconds=1)
    assert [e.report.instance for e in await monitor(clock, store).servers()] == ["a"]


async def test_reading_the_list_publishes_nothing() -> None:
    clock = FakeClock()
    store = FakeServerReports(clock)
    await monitor(clock, store, "a").servers()
    assert store.held == {}


async def test_a_report_carries_host_pools_and_scheduler() -> None:
    clock = FakeClock()
    report = await monitor(clock, FakeServerReports(clock)).report()
    assert report.host.pid == 100 and report.host.process_threads == 7
    assert [(p.name, p.size, p.checked_out) for p in report.pools] == [("write", 10, 1)]
    assert report.scheduler.leader and report.scheduler.next_fires[0][0] == 3
    assert report.uptime_seconds() == 0
    clock.advance(seconds=90)
    assert (await monitor(clock, FakeServerReports(clock)).report()).uptime_seconds() == 90


async def test_a_report_survives_its_json_and_a_foreign_text_is_no_report() -> None:
    clock = FakeClock()
    report = await monitor(clock, FakeServerReports(clock)).report()
    assert ServerReport.from_json(report.to_json()) == report
    assert ServerReport.from_json("{}") is None
    assert ServerReport.from_json("not json") is None
    assert ServerReport.from_json('{"instance": "x", "host": []}') is None


async def test_a_clean_stop_withdraws_the_report_a_crash_leaves_it_to_lapse() -> None:
    clock = FakeClock()
    store = FakeServerReports(clock)
    service = monitor(clock, store, "b", every=0.01)
    await service.start()
    await store.published.wait()
    await service.stop(withdraw=False)
    assert "b" in store.held  # lapses with its ttl
    await service.start()
    await service.stop()
    assert "b" not in store.held


async def test_a_failed_heartbeat_does_not_end_the_heartbeat() -> None:
    clock = FakeClock()
    store = FakeServerReports(clock)
    store.failures = 2
    service = monitor(clock, store, "b", every=0.001)
    await service.start()
    try:
        await asyncio.wait_for(store.published.wait(), 10)
    finally:
        await service.stop(withdraw=False)
    assert store.failures == 0 and "b" in store.held
