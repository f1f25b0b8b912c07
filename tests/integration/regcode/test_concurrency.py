"""Two activations of one code at once (MariaDB): the second waits for the row lock, then 409."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from core.shared.errors import Conflict
from tests.integration.conftest import App, unique


def test_second_activation_waits_and_is_a_conflict(api: App) -> None:
    done: list[str] = []
    outcome: list[BaseException | str] = []

    async def race() -> None:
        service = api.container.reg_codes()
        [code] = await service.generate(1, 1, 30, unique("race"))
        assert code.id is not None
        code_id = code.id
        holding, release = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            async with api.container.uow() as uow:
                row = await uow.reg_codes.get(code_id, lock=True)
                assert row is not None
                row.activate(datetime.now(UTC))
                holding.set()
                await asyncio.wait_for(release.wait(), 10)
                await uow.commit()
            done.append("first committed")

        async def second() -> None:
            try:
                await service.activate(1, code_id)
                outcome.append("activated again")
            except Conflict as exc:
                outcome.append(exc)
            done.append("second finished")

        one = asyncio.create_task(first())
        await asyncio.wait_for(holding.wait(), 10)
        two = asyncio.create_task(second())
        await asyncio.wait({two}, timeout=0.5)  # time to reach the lock and wait there
        assert not two.done(), "the second writer must wait for the first one's row lock"
        release.set()
        await asyncio.wait_for(one, 10)
        await asyncio.wait_for(two, 10)

    api.run(race)
    assert sorted(done) == ["first committed", "second finished"]
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert outcome[0].code == "reg_code_already_active"
