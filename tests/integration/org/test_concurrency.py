"""Two moves at once that would each hang one department under the other: the second waits for
the first's row locks, then sees the moved paths and answers 409 `dept_cycle` (no cycle).

PostgreSQL proves the lock on the new parent: without it the second move does not wait and
builds the cycle. On MariaDB the first move's UPDATE also locks every row its scan of the
small table reads, so there the second waits either way."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from core.org.commands import CreateDept, UpdateDept
from core.shared.errors import Conflict
from tests.integration.conftest import App, unique


def test_crossed_moves_cannot_build_a_cycle(api: App) -> None:
    done: list[str] = []
    outcome: list[BaseException | str] = []
    paths: dict[str, str] = {}

    async def race() -> None:
        service = api.container.depts()
        root = await service.create(1, CreateDept(name=unique("race")))
        x = await service.create(1, CreateDept(name="X", parent_id=root))
        y = await service.create(1, CreateDept(name="Y", parent_id=root))
        holding, release = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            # Moves X under Y holding the lock on X alone, before the commit: the second move
            # waits only because it locks its new parent (X) as well as the row it moves.
            async with api.container.uow() as uow:
                moving, parent = await uow.depts.get(x, lock=True), await uow.depts.get(y)
                assert moving is not None and parent is not None
                old = moving.move_under(parent)
                await uow.depts.move_subtree(old, moving.path, datetime.now(UTC))
                holding.set()
                await asyncio.wait_for(release.wait(), 10)
                await uow.commit()
            done.append("first committed")

        async def second() -> None:
            try:
                await service.update(1, y, UpdateDept(parent_id=x))
                outcome.append("moved")
            except Conflict as exc:
                outcome.append(exc)
            done.append("second finished")

        one = asyncio.create_task(first())
        await asyncio.wait_for(holding.wait(), 10)
        two = asyncio.create_task(second())
        await asyncio.wait({two}, timeout=0.5)  # time to reach the locks and wait there
        assert not two.done(), "the second move must wait for the lock on its new parent"
        release.set()
        await asyncio.wait_for(one, 10)
        await asyncio.wait_for(two, 10)
        paths["x"] = (await service.get(x)).path
        paths["y"] = (await service.get(y)).path
        paths["want_x"] = f"/{root}/{y}/{x}/"
        paths["want_y"] = f"/{root}/{y}/"

    api.run(race)
    assert sorted(done) == ["first committed", "second finished"]
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert outcome[0].code == "dept_cycle"
    assert (paths["x"], paths["y"]) == (paths["want_x"], paths["want_y"])
