"""Two activations of one code at once (MariaDB): the second waits for the row lock, then 409."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from core.shared.errors import Conflict
from tests.integration.conftest import App, unique
from tests.integration.test_concurrency import _hold_row_lock


def test_second_activation_waits_and_is_a_conflict(api: App) -> None:
    codes = api.container.reg_codes().generate(1, 1, 30, unique("race"))
    code_id = codes[0].id
    holding, release = threading.Event(), threading.Event()
    done: list[str] = []
    first = threading.Thread(
        target=_hold_row_lock,
        args=(
            api,
            lambda row: row.activate(datetime.now(UTC)),
            lambda uow: uow.reg_codes.get(code_id, lock=True),
            holding,
            release,
            done,
        ),
    )
    first.start()
    assert holding.wait(10)
    outcome: list[BaseException | str] = []

    def second() -> None:
        try:
            api.container.reg_codes().activate(1, code_id)
            outcome.append("activated again")
        except Conflict as exc:
            outcome.append(exc)
        done.append("second finished")

    t2 = threading.Thread(target=second)
    t2.start()
    t2.join(0.5)
    assert t2.is_alive(), "the second writer must wait for the first one's row lock"
    release.set()
    first.join(10)
    t2.join(10)
    assert sorted(done) == ["first committed", "second finished"]
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert outcome[0].code == "reg_code_already_active"
