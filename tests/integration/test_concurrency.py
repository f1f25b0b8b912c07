"""Two writers on one row at once (MariaDB or PostgreSQL): the second waits and decides on the new state.

Both run on the app's own loop, as two requests would: the first holds the row lock in an open
unit of work while the second's locking read waits for it (on the database, not on the loop).
"""

from __future__ import annotations

import asyncio

import pytest

from core.shared.errors import InvalidInput
from tests.integration.conftest import App, unique


async def _hold_row_lock(
    app: App, uid: int, password_hash: str, holding: asyncio.Event, release: asyncio.Event
) -> None:
    async with app.container.uow() as uow:
        row = await uow.users.get(uid, lock=True)
        row.password_hash = password_hash
        holding.set()
        await asyncio.wait_for(release.wait(), 10)
        await uow.commit()


def test_concurrent_password_changes_do_not_both_win(api: App, admin: dict[str, str]) -> None:
    name = unique("pw")
    uid = api.client.post(
        "/api/v1/permission/user",
        headers=admin,
        json={"username": name, "password": "the old passphrase"},
    ).json()["id"]
    token = api.login(name, "the old passphrase")["Authorization"].split()[1]

    async def race() -> BaseException | None:
        auth = api.container.auth()
        principal = await auth.authenticate(token)
        first_hash = await api.container.hasher().hash("first new passphrase")
        holding, release = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(_hold_row_lock(api, uid, first_hash, holding, release))
        await asyncio.wait_for(holding.wait(), 10)
        second = asyncio.create_task(
            auth.change_password(principal, "the old passphrase", "second new passphrase")
        )
        await asyncio.wait({second}, timeout=0.5)  # time to reach the lock and wait there
        release.set()
        await asyncio.wait_for(first, 10)
        try:
            await asyncio.wait_for(second, 10)
        except InvalidInput as exc:
            return exc
        return None

    refused = api.run(race)
    # The second change checked the old password against the new state, and failed.
    assert isinstance(refused, InvalidInput) and refused.code == "old_password_wrong"
    api.login(name, "first new passphrase")
    with pytest.raises(AssertionError):
        api.login(name, "second new passphrase")
