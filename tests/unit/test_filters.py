"""Parsing of the time bounds that every list filter accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError

from entrypoints.http.schemas.common import RangeEnd, RangeStart


class Bounds(BaseModel):
    start: RangeStart = None
    end: RangeEnd = None


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-05-01", datetime(2026, 5, 1, tzinfo=UTC)),
        ("2026-05-01T08:30:00", datetime(2026, 5, 1, 8, 30, tzinfo=UTC)),
        ("2026-05-01T08:30:00+08:00", datetime(2026, 5, 1, 0, 30, tzinfo=UTC)),
        ("2026-05-01T08:30:00Z", datetime(2026, 5, 1, 8, 30, tzinfo=UTC)),
        ("1777593600", datetime(2026, 5, 1, tzinfo=UTC)),
        (1777593600, datetime(2026, 5, 1, tzinfo=UTC)),
        ("", None),
    ],
)
def test_start_bounds(start: object, expected: datetime | None) -> None:
    assert Bounds(start=start).start == expected


def test_a_bare_end_date_covers_its_whole_day() -> None:
    end = Bounds(end="2026-05-01").end
    assert end is not None and (end.hour, end.minute, end.second, end.microsecond) == (
        23,
        59,
        59,
        999999,
    )


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "01/05/2026", "12:00"])
def test_malformed_bounds_name_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Bounds(end=bad)
    assert exc.value.errors()[0]["loc"] == ("end",)
