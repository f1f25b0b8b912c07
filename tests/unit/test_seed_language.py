"""Seeded display texts are written in the one language `APP_SEED_LANGUAGE` names."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dependency_injector import providers

from bootstrap import Settings, build_container
from core.config.model import ConfigSetting
from core.dictionary.model import DictItem, DictType
from core.jobs.model import Job
from core.rbac.model import Menu, PermLabel, Role, User
from tests.unit.fakes import FakeClock, FakePasswordHasher, Store
from tests.unit.fakes_jobs import FakeJobsUnitOfWork

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
# Every seeded text a person reads, by entity; menus and dictionary items carry both languages.
DISPLAY = {
    Role: ("name", "remark"),
    PermLabel: ("name",),
    DictType: ("name", "remark"),
    ConfigSetting: ("name", "remark"),
    User: ("nickname",),
    Job: ("name", "remark"),
}


async def _seed(lang: str | None) -> Store:
    store = Store()
    extra: dict[str, Any] = {} if lang is None else {"seed_language": lang}
    settings = Settings(
        _env_file=None, database_url="sqlite://", redis_url=None, env="test", **extra
    )
    c = build_container(settings)
    c.uow.override(providers.Factory(FakeJobsUnitOfWork, store))
    c.clock.override(providers.Object(FakeClock()))
    c.hasher.override(providers.Singleton(FakePasswordHasher))
    await c.seed().run()
    return store


def _texts(store: Store) -> list[tuple[str, str]]:
    out = []
    for kind, names in DISPLAY.items():
        rows: list[Any] = store.live(kind)
        assert rows, kind  # the seed writes some of each
        for row in rows:
            out += [(f"{kind.__name__}.{n}", getattr(row, n) or "") for n in names]
    return out


async def test_an_english_seed_has_no_chinese_display_text() -> None:
    texts = _texts(await _seed("en"))
    assert [(where, text) for where, text in texts if CJK.search(text)] == []
    assert ("Role.name", "Administrator") in texts and ("User.nickname", "Operator") in texts


@pytest.mark.parametrize("lang", ["zh-CN", None])  # None: the default, zh-CN
async def test_a_chinese_seed_has_every_display_text_in_chinese(lang: str | None) -> None:
    texts = _texts(await _seed(lang))
    assert [(where, text) for where, text in texts if text and not CJK.search(text)] == []
    assert ("Role.name", "超级管理员") in texts and ("Job.name", "清理任务日志") in texts


async def test_menus_and_dictionary_items_keep_both_languages_whatever_the_setting() -> None:
    for lang in ("zh-CN", "en"):
        store = await _seed(lang)
        assert all(CJK.search(m.title) and not CJK.search(m.title_en) for m in store.live(Menu))
        items = store.live(DictItem)
        assert all(CJK.search(i.label) and not CJK.search(i.label_en) for i in items)


def test_the_setting_takes_only_the_two_languages() -> None:
    with pytest.raises(ValueError, match="seed_language"):
        Settings(_env_file=None, seed_language="fr")
