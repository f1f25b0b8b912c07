"""Two writers on one row at once (MariaDB or PostgreSQL): the second waits and decides on the new state."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from core.shared.errors import Conflict, InvalidInput
from tests.integration.conftest import App, unique


def _hold_row_lock(
    app: App,
    touch: Callable[[object], None],
    get: Callable[[object], object],
    holding: threading.Event,
    release: threading.Event,
    done: list[str],
) -> None:
    with app.container.uow() as uow:
        row = get(uow)
        touch(row)
        holding.set()
        release.wait(10)
        uow.commit()
        done.append("first committed")


def test_second_activation_waits_and_is_a_conflict(api: App) -> None:
    codes = api.container.reg_codes().generate(1, 1, 30, unique("race"))
    code_id = codes[0].id
    assert code_id is not None
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


def test_concurrent_password_changes_do_not_both_win(api: App, admin: dict[str, str]) -> None:
    name = unique("pw")
    uid = api.client.post(
        "/api/v1/permission/user",
        headers=admin,
        json={"username": name, "password": "the old passphrase"},
    ).json()["id"]
    principal = api.container.auth().authenticate(
        api.login(name, "the old passphrase")["Authorization"].split()[1]
    )
    hasher = api.container.hasher()
    holding, release = threading.Event(), threading.Event()
    done: list[str] = []

    def set_first(row: object) -> None:
        row.password_hash = hasher.hash("first new passphrase")  # type: ignore[attr-defined]

    first = threading.Thread(
        target=_hold_row_lock,
        args=(api, set_first, lambda uow: uow.users.get(uid, lock=True), holding, release, done),
    )
    first.start()
    assert holding.wait(10)
    errors: list[BaseException] = []

    def second() -> None:
        try:
            api.container.auth().change_password(
                principal, "the old passphrase", "second new passphrase"
            )
        except InvalidInput as exc:
            errors.append(exc)

    t2 = threading.Thread(target=second)
    t2.start()
    t2.join(0.5)
    release.set()
    first.join(10)
    t2.join(10)
    # The second change checked the old password against the new state, and failed.
    assert len(errors) == 1 and errors[0].code == "old_password_wrong"  # type: ignore[attr-defined]
    api.login(name, "first new passphrase")
    with pytest.raises(AssertionError):
        api.login(name, "second new passphrase")
