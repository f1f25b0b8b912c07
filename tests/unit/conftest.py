"""Unit tests run the core through the real container with its I/O ports overridden by fakes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dependency_injector import providers

from adapters.memory.stores import InMemoryRateCounter, InMemoryTokenStore
from bootstrap import Container, Settings, build_container
from tests.unit.fakes import FakeClock, FakePasswordHasher, FakeTokenCodec, Store
from tests.unit.fakes_jobs import FakeJobsUnitOfWork


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def container(store: Store, clock: FakeClock) -> Iterator[Container]:
    c = build_container(
        # The lock tests fail logins past the captcha's threshold; tests/unit/test_mfa.py
        # checks the captcha at its default.
        Settings(
            _env_file=None,
            database_url="sqlite://",
            redis_url=None,
            env="test",
            captcha_after_failures=1000,
            # The mfa tokens and the sealed TOTP secrets are keyed by it: no key file written.
            secret_key="unit-test-signing-key-" + "0" * 16,
        )
    )
    # FakeUnitOfWork plus the jobs module's repositories (the seed adds jobs too).
    c.uow.override(providers.Factory(FakeJobsUnitOfWork, store))
    c.clock.override(providers.Object(clock))
    c.hasher.override(providers.Singleton(FakePasswordHasher))
    c.token_codec.override(providers.Singleton(FakeTokenCodec))
    # Windows and expiries follow the fake clock, so tests move time instead of sleeping.
    ticks = lambda: clock.now().timestamp()  # noqa: E731
    c.token_store.override(providers.Singleton(InMemoryTokenStore, ticks))
    c.rate_counter.override(providers.Singleton(InMemoryRateCounter, ticks))
    yield c
    c.unwire()


@pytest.fixture
async def seeded(container: Container) -> Container:
    await container.seed().run()
    return container
