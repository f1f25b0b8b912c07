"""Reg codes obey the data scope: owned by their creator's department and their creator."""

from __future__ import annotations

import pytest

from core.regcode.commands import UpdateRegCode
from core.regcode.ports import RegCodeFilter
from core.shared.errors import NotFound
from core.shared.pagination import PageRequest
from tests.unit.test_scope import BELOW, MARKETING, PLATFORM, RND, SELF, Org, org  # noqa: F401


async def test_reg_codes_belong_to_their_creator_and_its_department(
    org: Org,  # noqa: F811 - the fixture of the scope tests
) -> None:
    below = await org.role("below", BELOW)
    mine = await org.role("mine", SELF)
    lead = await org.user("lead", RND, below)
    clerk = await org.user("clerk", MARKETING, mine)
    codes = org.c.reg_codes()
    platform_code = (await codes.generate(org.admin, 1, 30, dept_id=PLATFORM))[0]
    clerk_code = (await codes.generate(clerk, 1, 30, dept_id=MARKETING))[0]
    assert platform_code.id is not None and clerk_code.id is not None
    lead_scope, clerk_scope = await org.scope(lead), await org.scope(clerk)
    seen = await codes.search(RegCodeFilter(), PageRequest(size=100), lead_scope)
    assert [v.reg_code.id for v in seen.items] == [platform_code.id]
    assert [r["id"] async for r in codes.iterate(RegCodeFilter(), scope=clerk_scope)] == [
        clerk_code.id
    ]
    for attempt in (
        codes.get(clerk_code.id, lead_scope),
        codes.update(lead, clerk_code.id, UpdateRegCode(remark="x"), lead_scope),
        codes.activate(lead, clerk_code.id, lead_scope),
        codes.delete(lead, clerk_code.id, lead_scope),
    ):
        with pytest.raises(NotFound) as missing:
            await attempt
        assert missing.value.code == "reg_code_not_found"
    assert (await codes.get(clerk_code.id, clerk_scope)).reg_code.remark == ""
