"""The unit of work keeps its promises on the async drivers.

On a migrated database of its own, on the suite's server and on an SQLite file: a commit reports
the tables it wrote, after the commit; a unit left without commit writes and reports nothing;
two live rows with one natural key answer 409 `conflict` (the live-row unique scheme holds
through the async driver); a stopped database answers 503 `database_unavailable`; the
repositories read and write through the AsyncSession without any lazy load (which raises under
asyncio).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from sqlalchemy import Insert, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.config import config_settings
from adapters.sqlalchemy.modules import load
from adapters.sqlalchemy.uow import (
    SqlAlchemyUnitOfWork,
    make_async_engine,
    make_session_factory,
)
from bootstrap import MODULES
from core.config.model import ConfigSetting
from core.config.ports import ConfigFilter
from core.dictionary.model import DictItem, DictType
from core.rbac.model import Menu, PermLabel, Role, User
from core.rbac.ports import UserFilter
from core.shared.errors import Conflict, ServiceUnavailable
from core.shared.model import Entity
from core.shared.pagination import PageRequest
from tests.integration.conftest import settings_for, unique
from tests.schema import migrate

E = TypeVar("E", bound=Entity)


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
def database(request: pytest.FixtureRequest) -> str:
    """Made outside any event loop: seeding one runs a loop of its own."""
    return str(request.getfixturevalue(request.param))


@pytest.fixture
async def engines(database: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """The engine of writes and the engine of plain reads, as the container makes them."""
    engine = make_async_engine(database, pool_size=2)
    reader = (
        engine
        if engine.dialect.name == "sqlite"
        else make_async_engine(database, pool_size=1, autocommit=True)
    )
    yield engine, reader
    await engine.dispose()
    await reader.dispose()


@pytest.fixture
async def unit(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> AsyncIterator[tuple[SqlAlchemyUnitOfWork, Reported]]:
    engine, reader = engines
    reported = Reported()
    modules = load(MODULES)
    factory = make_session_factory(engine, modules, reader)
    yield SqlAlchemyUnitOfWork(factory, modules.repositories, reported), reported


def _setting(key: str) -> Insert:
    return insert(config_settings).values(name=key, key=key, value="v")


async def _count(uow: SqlAlchemyUnitOfWork, key: str) -> int:
    async with uow:
        found = select(func.count()).where(config_settings.c.key == key)
        return int((await uow.session.execute(found)).scalar_one())


async def test_a_commit_reports_the_tables_it_wrote(
    unit: tuple[SqlAlchemyUnitOfWork, Reported],
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
    unit: tuple[SqlAlchemyUnitOfWork, Reported],
) -> None:
    uow, reported = unit
    key = unique("async_uow")
    async with uow:
        await uow.session.execute(_setting(key))
    assert reported.tables == []
    assert await _count(uow, key) == 0


async def test_two_live_rows_with_one_key_answer_conflict(
    unit: tuple[SqlAlchemyUnitOfWork, Reported],
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
    uow = SqlAlchemyUnitOfWork(make_session_factory(engine, load(MODULES)), {})
    try:
        with pytest.raises(ServiceUnavailable) as refused:
            async with uow:
                await uow.session.execute(select(1))
        assert refused.value.code == "database_unavailable"
    finally:
        await engine.dispose()


async def test_the_repositories_read_and_write_through_the_async_session(
    unit: tuple[SqlAlchemyUnitOfWork, Reported],
) -> None:
    uow, reported = unit
    now, tag = datetime.now(UTC), unique("")

    def stamped(entity: E) -> E:
        entity.stamp_created(None, now)
        return entity

    user = User(username=f"u{tag}", password_hash="x")
    role, menu = Role(code=f"r{tag}", name="R"), Menu(name=f"m{tag}", title="M")
    label = PermLabel(label=f"perm:x{tag}:read")
    async with uow:
        await uow.users.add(stamped(user))
        await uow.roles.add(stamped(role))
        await uow.menus.add(stamped(menu))
        await uow.labels.add(stamped(label))
        assert None not in (user.id, role.id, menu.id, label.id)  # flushed: ids are known
        await uow.users.set_roles(user.id, frozenset({role.id}), None, now)
        await uow.roles.set_menus(role.id, frozenset({menu.id}), None, now)
        await uow.labels.link(label.id, role.id, None, now)
        await uow.configs.add(stamped(ConfigSetting(name="n", key=f"k{tag}", value="v")))
        await uow.dict_types.add(stamped(DictType(code=f"t{tag}", name="T")))
        await uow.dict_items.add(stamped(DictItem(type_code=f"t{tag}", label="A", value="a")))
        await uow.commit()
    assert {"t_users", "t_user_role", "t_role_menu", "t_perm_label_role"} <= reported.tables[-1]

    async with uow:
        locked = await uow.users.get(user.id, lock=True)
        assert locked is not None and locked.username == f"u{tag}"
        assert await uow.users.role_ids(user.id) == {role.id}
        assert [r.code for r in (await uow.users.links_of_many([user.id]))[user.id].roles] == [
            f"r{tag}"
        ]
        page = await uow.users.search(UserFilter(username=f"u{tag}"), PageRequest(size=10))
        assert (page.total, [u.id for u in page.items]) == (1, [user.id])
        assert await uow.roles.menu_ids_of_roles([role.id]) == {menu.id}
        assert (await uow.labels.enabled_label_roles())[f"perm:x{tag}:read"] == {role.id}
        assert await uow.menus.existing_ids([menu.id, -1]) == {menu.id}
        assert await uow.configs.existing_keys([f"k{tag}", "no-such-key"]) == {f"k{tag}"}
        assert (await uow.configs.search(ConfigFilter(key=f"k{tag}"), PageRequest())).total == 1
        assert [i.label for i in await uow.dict_items.of_type(f"t{tag}")] == ["A"]
        await uow.roles.unlink_all(role.id, None, now)  # loads the links, soft-deletes them
        await uow.commit()

    async with uow:
        assert await uow.users.role_ids(user.id) == frozenset()
        assert await uow.roles.menu_ids(role.id) == frozenset()
        assert await uow.roles.label_ids(role.id) == frozenset()


async def test_plain_reads_go_to_the_reader_until_the_unit_writes_or_locks(
    unit: tuple[SqlAlchemyUnitOfWork, Reported], engines: tuple[AsyncEngine, AsyncEngine]
) -> None:
    """Once a unit writes or locks, it reads its own uncommitted work and keeps its locks."""
    uow, _ = unit
    writer, reader = engines
    sent: list[tuple[str, str]] = []
    for name, engine in (("reader", reader), ("writer", writer)):
        if name == "reader" and engine is writer:
            continue  # SQLite: one engine

        def record(_c, _cur, statement, *_a, name=name):  # type: ignore[no-untyped-def]
            sent.append((name, statement.split()[0].upper()))

        event.listen(engine.sync_engine, "before_cursor_execute", record)
    key = unique("routed")
    async with uow:
        assert await _count_in(uow, key) == 0
        await uow.session.execute(_setting(key))
        assert await _count_in(uow, key) == 1  # its own write, not yet committed
    assert await _count(uow, key) == 0  # rolled back: nothing was committed
    async with uow:
        locked = select(config_settings.c.id).where(config_settings.c.key == key)
        await uow.session.execute(locked.with_for_update())
        await _count_in(uow, key)
    if reader is not writer:
        assert sent == [
            ("reader", "SELECT"),
            ("writer", "INSERT"),
            ("writer", "SELECT"),
            ("reader", "SELECT"),
            ("writer", "SELECT"),  # the lock
            ("writer", "SELECT"),  # and what it reads after the lock
        ]


async def test_a_unit_that_only_reads_opens_no_transaction_on_mysql(
    unit: tuple[SqlAlchemyUnitOfWork, Reported], engines: tuple[AsyncEngine, AsyncEngine]
) -> None:
    """No ROLLBACK and no COMMIT for a read: the server counts none on the reader's connection."""
    uow, _ = unit
    _, reader = engines
    if reader.dialect.name != "mysql":
        pytest.skip("MySQL/MariaDB count the commands of each connection")

    async def counted() -> tuple[int, int]:
        async with reader.connect() as conn:  # the reader's one pooled connection
            status = await conn.execute(text("SHOW SESSION STATUS LIKE 'Com_%'"))
            rows = {str(name): value for name, value in status.all()}
            return int(rows["Com_rollback"]), int(rows["Com_commit"])

    before = await counted()
    for _ in range(5):
        await _count(uow, unique("read"))
    assert await counted() == before


async def _count_in(uow: SqlAlchemyUnitOfWork, key: str) -> int:
    found = select(func.count()).where(config_settings.c.key == key)
    return int((await uow.session.execute(found)).scalar_one())
