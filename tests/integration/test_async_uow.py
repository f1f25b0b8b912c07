"""The asyncio unit of work keeps the sync one's promises (a step of the async core).

On a migrated database of its own, on the suite's server and on an SQLite file: a commit reports the tables it wrote, after the commit; a
unit left without commit writes and reports nothing; two live rows with one natural key answer
409 `conflict` (the live-row unique scheme holds through the async driver); a stopped
database answers 503 `database_unavailable`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import Insert, func, insert, select
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.config import config_settings
from adapters.sqlalchemy.modules import load
from adapters.sqlalchemy.uow import (
    AsyncSqlAlchemyUnitOfWork,
    make_async_engine,
    make_async_session_factory,
)
from bootstrap import MODULES
from core.shared.errors import Conflict, ServiceUnavailable
from tests.integration.conftest import settings_for, unique
from tests.schema import migrate


@pytest.fixture(scope="module")
def own_db(make_seeded_database: Callable[[], str]) -> str:
    return make_seeded_database()


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('async_uow')}/app.db"
    migrate(settings_for(url, None))
    return url


class Reported:
    def __init__(self) -> None:
        self.tables: list[frozenset[str]] = []

    async def __call__(self, tables: frozenset[str]) -> None:
        self.tables.append(tables)


@pytest.fixture(params=[pytest.param("own_db", marks=pytest.mark.server_database), "sqlite_db"])
async def unit(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[AsyncSqlAlchemyUnitOfWork, Reported]]:
    engine = make_async_engine(request.getfixturevalue(request.param), pool_size=2)
    reported = Reported()
    factory = make_async_session_factory(engine, load(MODULES))
    yield AsyncSqlAlchemyUnitOfWork(factory, {}, reported), reported
    await engine.dispose()


def _setting(key: str) -> Insert:
    return insert(config_settings).values(name=key, key=key, value="v")


async def _count(uow: AsyncSqlAlchemyUnitOfWork, key: str) -> int:
    async with uow:
        found = select(func.count()).where(config_settings.c.key == key)
        return int((await uow.session.execute(found)).scalar_one())


async def test_a_commit_reports_the_tables_it_wrote(
    unit: tuple[AsyncSqlAlchemyUnitOfWork, Reported],
) -> None:
    uow, reported = unit
    key = unique("async_uow")
    async with uow:
        await uow.session.execute(_setting(key))
        assert reported.tables == []  # not before the commit
        await uow.commit()
    assert reported.tables == [frozenset({"t_config_settings"})]
    assert await _count(uow, key) == 1


async def test_a_unit_left_without_commit_writes_and_reports_nothing(
    unit: tuple[AsyncSqlAlchemyUnitOfWork, Reported],
) -> None:
    uow, reported = unit
    key = unique("async_uow")
    async with uow:
        await uow.session.execute(_setting(key))
    assert reported.tables == []
    assert await _count(uow, key) == 0


async def test_two_live_rows_with_one_key_answer_conflict(
    unit: tuple[AsyncSqlAlchemyUnitOfWork, Reported],
) -> None:
    uow, _ = unit
    key = unique("async_uow")
    async with uow:
        await uow.session.execute(_setting(key))
        await uow.commit()
    with pytest.raises(Conflict) as refused:
        async with uow:
            await uow.session.execute(_setting(key))
            await uow.commit()
    assert refused.value.code == "conflict"
    assert await _count(uow, key) == 1


async def test_an_unreachable_database_answers_database_unavailable(own_db: str) -> None:
    url = make_url(own_db)
    gone = url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    engine = make_async_engine(gone, pool_size=1)
    uow = AsyncSqlAlchemyUnitOfWork(make_async_session_factory(engine, load(MODULES)), {})
    try:
        with pytest.raises(ServiceUnavailable) as refused:
            async with uow:
                await uow.session.execute(select(1))
        assert refused.value.code == "database_unavailable"
    finally:
        await engine.dispose()
