"""Two writers on one row at once (MariaDB or PostgreSQL): the second waits and decides on the new state."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from core.shared.errors import InvalidInput
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
