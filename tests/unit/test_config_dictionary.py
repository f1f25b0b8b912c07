"""Config parameters and dictionaries: rules, and the cache dropped on every write."""

from __future__ import annotations

import contextlib

import pytest

from bootstrap import Container
from core.config.commands import CreateConfig, UpdateConfig
from core.config.model import DEFAULT_ROLE, REGISTRATION_OPEN
from core.dictionary.commands import CreateDictItem, CreateDictType, UpdateDictItem, UpdateDictType
from core.shared.cache import Cache
from core.shared.errors import Conflict, InvalidInput, NotFound
from tests.unit.fakes import Store


async def test_seeded_parameters_are_read(seeded: Container) -> None:
    configs = seeded.configs()
    assert await configs.flag(REGISTRATION_OPEN, False) is True
    assert await configs.text(DEFAULT_ROLE, "x") == "user"
    assert await configs.value("no.such.key") is None


async def test_reads_are_cached_and_writes_invalidate(seeded: Container, store: Store) -> None:
    configs = seeded.configs()
    sid = await configs.create(1, CreateConfig(name="Greeting", key="app.greeting", value="hello"))
    assert await configs.value("app.greeting") == "hello"
    # A change behind the service's back is not seen: the value comes from the cache...
    async with seeded.uow() as uow:
        setting = await uow.configs.get(sid)
        assert setting is not None
        setting.value = "changed behind"
    assert await configs.value("app.greeting") == "hello"
    # ...but a change through the service is seen at once.
    await configs.update(1, sid, UpdateConfig(value="bonjour"))
    assert await configs.value("app.greeting") == "bonjour"
    await configs.update(1, sid, UpdateConfig(key="app.salute"))
    assert (
        await configs.value("app.greeting") is None
        and await configs.value("app.salute") == "bonjour"
    )
    await configs.delete(1, sid)
    assert await configs.value("app.salute") is None
    with pytest.raises(NotFound):
        await configs.by_key("app.salute")


async def test_a_missing_key_is_cached_until_created(seeded: Container) -> None:
    configs = seeded.configs()
    assert await configs.value("later.key") is None
    await configs.create(1, CreateConfig(name="Later", key="later.key", value="now"))
    assert await configs.value("later.key") == "now"


async def test_keys_are_unique_among_live_parameters(seeded: Container) -> None:
    configs = seeded.configs()
    sid = await configs.create(1, CreateConfig(name="A", key="dup.key", value="1"))
    with pytest.raises(Conflict) as exc:
        await configs.create(1, CreateConfig(name="B", key="dup.key", value="2"))
    assert exc.value.code == "config_key_exists"
    await configs.delete(1, sid)
    await configs.create(1, CreateConfig(name="B", key="dup.key", value="2"))
    with pytest.raises(InvalidInput):
        await configs.create(1, CreateConfig(name="C", key="has space", value="3"))


async def test_dictionary_items_in_sort_order_enabled_only(seeded: Container) -> None:
    d = seeded.dictionaries()
    assert [i["value"] for i in await d.items_of("sys_menu_type")] == ["dir", "menu", "button"]
    tid = await d.create_type(1, CreateDictType(code="color", name="Colours"))
    red = await d.create_item(
        1, CreateDictItem(type_code="color", label="红", label_en="Red", value="red", sort=2)
    )
    await d.create_item(
        1, CreateDictItem(type_code="color", label="蓝", value="blue", sort=1, css_class="primary")
    )
    assert [i["value"] for i in await d.items_of("color")] == ["blue", "red"]
    assert (await d.items_of("color"))[0]["label_en"] == "蓝"  # falls back to the label
    await d.update_item(1, red, UpdateDictItem(status=0))
    assert [i["value"] for i in await d.items_of("color")] == ["blue"]
    await d.update_type(1, tid, UpdateDictType(status=0))
    assert await d.items_of("color") == []
    await d.update_type(1, tid, UpdateDictType(status=1, code="colour"))
    assert await d.items_of("color") == [] and [i["value"] for i in await d.items_of("colour")] == [
        "blue"
    ]
    with pytest.raises(Conflict) as exc:
        await d.delete_type(1, tid)
    assert exc.value.code == "dict_type_has_items"


async def test_dictionary_item_rules(seeded: Container) -> None:
    d = seeded.dictionaries()
    with pytest.raises(InvalidInput) as missing:
        await d.create_item(1, CreateDictItem(type_code="nope", label="x", value="x"))
    assert missing.value.code == "dict_type_not_found"
    with pytest.raises(Conflict):
        await d.create_item(1, CreateDictItem(type_code="sys_yes_no", label="again", value="1"))
    with pytest.raises(InvalidInput):
        await d.create_item(
            1, CreateDictItem(type_code="sys_yes_no", label="x", value="maybe", css_class="rainbow")
        )
    with pytest.raises(InvalidInput):
        await d.create_type(1, CreateDictType(code="Bad Code", name="x"))


async def test_seed_adds_the_products_dictionaries_once(seeded: Container) -> None:
    assert (await seeded.seed().run()).created == {}
    assert len(await seeded.dictionaries().items_of("sys_job_status")) == 2


async def _cached(cache: Cache, key: str) -> bool:
    """Whether the cache holds `key`: a probe loader runs only on a miss, and keeps nothing."""
    missed = False

    async def probe() -> None:
        nonlocal missed
        missed = True
        raise LookupError(key)

    with contextlib.suppress(LookupError):
        await cache.get_or_load(key, probe)
    return not missed


async def test_an_unknown_dictionary_code_makes_no_cache_entry(seeded: Container) -> None:
    d = seeded.dictionaries()
    assert await d.items_of("sys_menu_type")
    assert await _cached(seeded.cache(), "dict:sys_menu_type")
    for n in range(50):
        assert await d.items_of(f"no_such_code_{n}") == []
        assert not await _cached(seeded.cache(), f"dict:no_such_code_{n}")
    await d.create_type(1, CreateDictType(code="late_type", name="late"))
    await d.create_item(1, CreateDictItem(type_code="late_type", label="one", value="1"))
    assert [i["value"] for i in await d.items_of("late_type")] == ["1"]
