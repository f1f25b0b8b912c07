"""Reg-code rules: deadline, state at any instant, activation, generation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bootstrap import Container
from core.regcode.model import ALPHABET, RegCode, RegCodeState, check_reg_times, new_code
from core.shared.errors import Conflict, InvalidInput
from tests.unit.fakes import FakeClock, id_of

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_inactive_until_activated() -> None:
    code = RegCode(code="X", reg_times=30)
    assert code.state_at(T0) is RegCodeState.INACTIVE
    assert code.deadline is None


def test_activation_sets_deadline_and_state() -> None:
    code = RegCode(code="X", reg_times=30)
    code.activate(T0)
    assert code.first_active_time == T0
    assert code.deadline == T0 + timedelta(days=30)
    assert code.state == RegCodeState.ACTIVE


def test_deadline_boundaries() -> None:
    code = RegCode(code="X", reg_times=1)
    code.activate(T0)
    deadline = T0 + timedelta(days=1)
    assert code.state_at(deadline - timedelta(microseconds=1)) is RegCodeState.ACTIVE
    assert code.state_at(deadline) is RegCodeState.EXPIRED  # the deadline instant itself is expired
    assert code.state_at(deadline + timedelta(days=365)) is RegCodeState.EXPIRED


def test_state_does_not_depend_on_the_time_zone_of_now() -> None:
    code = RegCode(code="X", reg_times=1)
    code.activate(T0)
    shanghai = timezone(timedelta(hours=8))
    just_before = (T0 + timedelta(days=1) - timedelta(seconds=1)).astimezone(shanghai)
    assert just_before.hour == 19  # 11:59:59 UTC is 19:59:59 in Shanghai
    assert code.state_at(just_before) is RegCodeState.ACTIVE
    assert code.state_at((T0 + timedelta(days=1)).astimezone(shanghai)) is RegCodeState.EXPIRED


def test_activating_twice_is_a_conflict() -> None:
    code = RegCode(code="X", reg_times=1)
    code.activate(T0)
    with pytest.raises(Conflict) as exc:
        code.activate(T0 + timedelta(hours=1))
    assert exc.value.code == "reg_code_already_active"
    assert code.first_active_time == T0


@pytest.mark.parametrize("days", [0, -1, 36501])
def test_reg_times_out_of_range_is_refused(days: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_reg_times(days)
    assert exc.value.code == "reg_times_invalid"


def test_validity_is_fixed_once_activated() -> None:
    code = RegCode(code="X", reg_times=1)
    code.change_validity(7)
    assert code.reg_times == 7
    code.activate(T0)
    with pytest.raises(Conflict):
        code.change_validity(30)


def test_codes_are_random_and_readable() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    sample = next(iter(codes))
    assert len(sample) == 23 and sample.count("-") == 3
    assert set(sample.replace("-", "")) <= set(ALPHABET)


async def test_generate_and_activate_through_the_service(
    seeded: Container, clock: FakeClock
) -> None:
    service = seeded.reg_codes()
    rows = await service.generate(1, 5, 10, "batch")
    assert len({r.code for r in rows}) == 5 and all(r.creator_id == 1 for r in rows)
    view = await service.activate(1, id_of(rows[0]))
    assert view.state is RegCodeState.ACTIVE and view.reg_code.deadline == clock.now() + timedelta(
        days=10
    )
    clock.advance(days=10)
    assert (await service.get(id_of(rows[0]))).state is RegCodeState.EXPIRED
    from core.regcode.ports import RegCodeFilter
    from core.shared.pagination import PageRequest

    expired = await service.search(
        RegCodeFilter(state=RegCodeState.EXPIRED), PageRequest(sort="id")
    )
    assert [v.reg_code.id for v in expired.items] == [rows[0].id]
    with pytest.raises(InvalidInput):
        await service.generate(1, 0, 10)
    with pytest.raises(InvalidInput):
        await service.generate(1, 1, 0)


async def test_a_page_holds_until_the_next_deadline_of_any_code(
    seeded: Container, clock: FakeClock
) -> None:
    from core.regcode.ports import RegCodeFilter
    from core.shared.pagination import PageRequest

    service = seeded.reg_codes()
    rows = await service.generate(1, 3, 10, "batch")
    everything = RegCodeFilter()
    assert (await service.search_until(everything, PageRequest()))[1] is None  # nothing activated
    await service.activate(1, id_of(rows[0]))
    clock.advance(days=2)
    await service.activate(1, id_of(rows[1]))  # its deadline is 2 days after the first one's
    page, holds_for = await service.search_until(everything, PageRequest(size=1))
    assert holds_for == timedelta(days=8).total_seconds()  # the first code expires then
    assert len(page.items) == 1  # whatever the page shows: any code's change counts
    clock.advance(days=8)
    assert (await service.search_until(everything, PageRequest()))[1] == timedelta(
        days=2
    ).total_seconds()  # the first is expired now; the second expires next
    clock.advance(days=2)
    assert (await service.search_until(everything, PageRequest()))[1] is None


async def test_the_module_seeds_its_state_dictionary_its_job_and_its_report_buttons(
    seeded: Container,
) -> None:
    # Values of the dictionary are RegCodeState's, in order.
    items = await seeded.dictionaries().items_of("sys_reg_code_state")
    assert [i["value"] for i in items] == [str(int(s)) for s in RegCodeState]
    async with seeded.uow() as uow:
        assert await uow.jobs.get_by_name("注册码过期处理") is not None
        for button in ("business_regcode:export", "business_regcode:import"):
            assert await uow.menus.get_by_name(button) is not None
