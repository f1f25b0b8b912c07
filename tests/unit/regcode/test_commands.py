"""The reg-code update use case called directly: its rule holds without HTTP (decision 28)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bootstrap import Container
from core.regcode.commands import UpdateRegCode
from core.shared.errors import Conflict
from tests.unit.fakes import FakeClock, id_of


async def test_an_activated_code_keeps_its_validity_but_not_its_remark(
    seeded: Container, clock: FakeClock
) -> None:
    codes = seeded.reg_codes()
    [row] = await codes.generate(1, 1, 10, "first")
    cid = id_of(row)
    await codes.update(1, cid, UpdateRegCode(reg_times=20))
    assert (await codes.get(cid)).reg_code.reg_times == 20
    await codes.activate(1, cid)
    with pytest.raises(Conflict) as fixed:
        await codes.update(1, cid, UpdateRegCode(reg_times=30, remark="late"))
    assert fixed.value.code == "reg_code_already_active"
    assert (await codes.get(cid)).reg_code.remark == "first"  # refused as a whole
    # The same days: no change.
    await codes.update(1, cid, UpdateRegCode(remark="noted", reg_times=20))
    view = await codes.get(cid)
    assert view.reg_code.remark == "noted"
    assert view.reg_code.deadline == clock.now() + timedelta(days=20)
