"""A failed run's error without its traceback: what a reader who may not change jobs sees."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime

from core.jobs.model import JobLog


def _log(error: str) -> JobLog:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return JobLog(
        job_id=1, job_name="j", script="demo", trigger="manual", start_time=now, error=error
    )


def _formatted(exc: BaseException) -> str:
    try:
        raise exc
    except BaseException as caught:
        return "".join(traceback.format_exception(caught))


def test_only_the_exception_is_left_of_a_traceback() -> None:
    text = _formatted(RuntimeError("disk full"))
    assert text.startswith("Traceback") and "File " in text
    assert _log(text).error_without_traceback() == "RuntimeError: disk full"


def test_a_chained_exception_shows_the_last_one_with_all_its_lines() -> None:
    try:
        try:
            raise KeyError("k")
        except KeyError as inner:
            raise ValueError("bad value\nsecond line") from inner
    except ValueError as outer:
        text = "".join(traceback.format_exception(outer))
    assert _log(text).error_without_traceback() == "ValueError: bad value\nsecond line"


def test_an_error_that_is_no_traceback_is_shown_as_it_is() -> None:
    assert _log("no run lock: redis down").error_without_traceback() == "no run lock: redis down"
    assert _log("").error_without_traceback() == ""
