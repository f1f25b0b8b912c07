"""Handlers take their services through typed dependencies of the app's own container."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from dependency_injector import providers
from fastapi.testclient import TestClient

from bootstrap import Container, Settings, build_container
from core.rbac.model import User
from core.rbac.service import UserService, UserView
from core.shared.scope import EVERY_ROW, RowScope
from entrypoints.http.app import create_app
from entrypoints.http.routers import rbac
from tests.unit.fakes import FakeClock, FakePasswordHasher, FakeTokenCodec, Store
from tests.unit.fakes_jobs import FakeJobsUnitOfWork

USER = "/api/v1/permission/user/{}"


class StandInUsers(UserService):
    """Answers every read with one made-up account; nothing else of the service is used."""

    def __init__(self) -> None:
        pass

    async def get(self, user_id: int, scope: RowScope = EVERY_ROW) -> UserView:
        return UserView(User(id=user_id, username="stand-in", password_hash="-"), [], None, [])


async def _container() -> Container:
    c = build_container(
        Settings(
            _env_file=None,
            database_url="sqlite://",
            redis_url=None,
            env="test",
            secret_key="unit-test-signing-key-" + "0" * 16,  # no key file written
        )
    )
    c.uow.override(providers.Factory(FakeJobsUnitOfWork, Store()))
    c.clock.override(providers.Object(FakeClock()))
    c.hasher.override(providers.Singleton(FakePasswordHasher))
    c.token_codec.override(providers.Singleton(FakeTokenCodec))
    await c.seed().run()
    return c


@pytest.fixture
async def apps() -> AsyncIterator[list[tuple[TestClient, dict[str, str]]]]:
    """Two apps of two containers in one process, each with an admin's bearer header."""
    out = []
    for c in (await _container(), await _container()):
        token = (await c.auth().login("admin", "admin123")).access_token
        out.append((TestClient(create_app(c)), {"Authorization": f"Bearer {token}"}))
    yield out
    for client, _ in out:
        client.close()


def test_a_test_puts_a_fake_service_in_place_of_one_dependency(
    apps: list[tuple[TestClient, dict[str, str]]],
) -> None:
    (client, headers), (other, other_headers) = apps
    assert client.get(USER.format(424242), headers=headers).status_code == 404
    client.app.dependency_overrides[rbac.user_service] = StandInUsers  # type: ignore[attr-defined]
    found = client.get(USER.format(424242), headers=headers)
    assert found.status_code == 200 and found.json()["username"] == "stand-in"
    # Only that app: the other resolves its own container's service.
    assert other.get(USER.format(424242), headers=other_headers).status_code == 404
    # The guard still ran: without a token the fake is never reached.
    assert client.get(USER.format(424242)).status_code == 401
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert client.get(USER.format(424242), headers=headers).status_code == 404


def test_each_app_answers_from_its_own_container(
    apps: list[tuple[TestClient, dict[str, str]]],
) -> None:
    (client, headers), (other, other_headers) = apps
    # A token of one app means nothing to the other: their token stores are their own.
    assert client.get("/api/v1/user/info", headers=headers).json()["username"] == "admin"
    assert other.get("/api/v1/user/info", headers=headers).status_code == 401
    assert other.get("/api/v1/user/info", headers=other_headers).status_code == 200
