"""configure_logging: loguru to stderr, and the standard library's loggers routed through it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from loguru import logger

from entrypoints.logs import configure_logging


@pytest.fixture
def records() -> Iterator[list[str]]:
    configure_logging("INFO")
    seen: list[str] = []
    sink = logger.add(lambda message: seen.append(message.record["message"]), level="DEBUG")
    yield seen
    logger.remove(sink)
    logging.basicConfig(handlers=[logging.NullHandler()], force=True)


def test_uvicorn_and_alembic_records_reach_loguru_at_their_level(records: list[str]) -> None:
    logging.getLogger("uvicorn.error").info("server started")
    logging.getLogger("alembic.runtime.migration").warning("running upgrade")
    logging.getLogger("some.library").error("it failed: %s", "why")
    assert records == ["server started", "running upgrade", "it failed: why"]


def test_records_below_the_level_are_dropped(records: list[str]) -> None:
    logging.getLogger("uvicorn.error").debug("noise")
    assert records == []


def test_handlers_uvicorn_installed_give_way_to_the_route() -> None:
    access = logging.getLogger("uvicorn.access")
    access.addHandler(logging.StreamHandler())
    access.propagate = False
    configure_logging("INFO")  # what each worker does at start, after uvicorn's own set-up
    seen: list[str] = []
    sink = logger.add(lambda message: seen.append(message.record["message"]), level="DEBUG")
    try:
        access.info("GET /health 200")
    finally:
        logger.remove(sink)
        logging.basicConfig(handlers=[logging.NullHandler()], force=True)
    assert seen == ["GET /health 200"] and access.handlers == [] and access.propagate
