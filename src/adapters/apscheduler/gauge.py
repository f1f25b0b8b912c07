"""The scheduler's state on this instance, for the server monitor."""

from __future__ import annotations

from adapters.apscheduler.scheduler import ApschedulerJobScheduler
from core.monitor.model import SchedulerFigures
from core.monitor.ports import SchedulerGauge


class ApschedulerSchedulerGauge(SchedulerGauge):
    def __init__(self, scheduler: ApschedulerJobScheduler, enabled: bool) -> None:
        self._scheduler = scheduler
        self._enabled = enabled

    def state(self) -> SchedulerFigures:
        return SchedulerFigures(
            enabled=self._enabled,
            leader=self._scheduler.is_leader,
            next_fires=tuple(self._scheduler.next_fires()),
        )
