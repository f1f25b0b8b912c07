"""PageCache: when a kept list answer is given again, and when it is computed afresh."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import pytest
from fastapi import Request
from pydantic import BaseModel

from entrypoints.http.pages import Fresh, PageCache


class Answer(BaseModel):
    n: int


class Generations:
    def __init__(self) -> None:
        self.value: tuple[object, ...] | None = ("epoch", b"1")
        self.asked: list[tuple[str, ...]] = []

    async def bump(self, tables: object) -> None:  # pragma: no cover - not used here
        pass

    async def reset(self) -> None:  # pragma: no cover - not used here
        pass

    async def current(self, tables: Sequence[str]) -> tuple[object, ...] | None:
        self.asked.append(tuple(tables))
        return self.value


def _request(query: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/api/v1/things",
            "query_string": query.encode(),
            "headers": [],
            "scheme": "http",
            "server": ("x", 80),
        }
    )


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(time, "monotonic", c)  # what pages.py reads
    return c


def _run(cache: PageCache, query: str, compute: object) -> int:
    response = asyncio.run(cache.answer(_request(query), ("t_things",), compute))  # type: ignore[arg-type]
    return int(Answer.model_validate_json(bytes(response.body)).n)


def test_kept_while_generations_stay_and_recomputed_when_they_move(clock: Clock) -> None:
    gens, computed = Generations(), []

    async def compute() -> Fresh:
        computed.append(1)
        return Answer(n=len(computed)), None

    cache = PageCache(gens, seconds=60)
    assert [_run(cache, "page=1", compute) for _ in range(3)] == [1, 1, 1]
    assert _run(cache, "page=2", compute) == 2  # another query, another answer
    gens.value = ("epoch", b"2")
    assert _run(cache, "page=1", compute) == 3
    assert gens.asked[0] == ("t_things",)


def test_an_answer_holds_no_longer_than_it_says_nor_than_the_setting(clock: Clock) -> None:
    gens, computed = Generations(), []
    holds: list[float | None] = [5.0, None, None]

    async def compute() -> Fresh:
        computed.append(1)
        return Answer(n=len(computed)), holds[len(computed) - 1]

    cache = PageCache(gens, seconds=60)
    assert _run(cache, "", compute) == 1
    clock.now += 4.9
    assert _run(cache, "", compute) == 1
    clock.now += 0.2  # past the 5 s the answer said it holds
    assert _run(cache, "", compute) == 2
    clock.now += 59.9
    assert _run(cache, "", compute) == 2
    clock.now += 0.2  # past list_cache_seconds
    assert _run(cache, "", compute) == 3


@pytest.mark.parametrize(("generations", "seconds"), [(None, 60), (("e", b"1"), 0)])
def test_nothing_is_kept_without_generations_or_with_zero_seconds(
    clock: Clock, generations: tuple[object, ...] | None, seconds: int
) -> None:
    gens, computed = Generations(), []
    gens.value = generations

    async def compute() -> Fresh:
        computed.append(1)
        return Answer(n=len(computed)), None

    cache = PageCache(gens, seconds=seconds)
    assert [_run(cache, "", compute) for _ in range(2)] == [1, 2]
    if seconds == 0:
        assert gens.asked == []  # not even asked


def test_an_answer_too_large_to_keep_is_recomputed(clock: Clock) -> None:
    gens, computed = Generations(), []

    async def compute() -> Fresh:
        computed.append(1)
        return Answer(n=len(computed)), None

    cache = PageCache(gens, seconds=60, max_bytes=16 * 100)  # room for answers of 100 bytes
    assert [_run(cache, "", compute) for _ in range(2)] == [1, 2]
