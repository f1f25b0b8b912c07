"""Nothing the app does holds its event loop for long: heavy work runs in worker threads.

One process serves every request on one event loop, so a step of one request (the code
between two awaits) that computes for long holds every other request up. This test times
each step the app's loop runs (the test client's loop: `asyncio.Handle._run`) in CPU time of
the loop's own thread, so neither the worker threads' share of the GIL nor the machine's load
count (nor the garbage collector, held off meanwhile). It does so while the heaviest requests
of the product run: a sign-in (argon2), a list, an export of 3,000 rows (openpyxl), a backup
(zip) and an import of 2,000 rows, each once to warm its code up (FastAPI and pydantic build
some things on first use), then measured. The longest step is about 6 ms, the import's 10 to
22 ms; an argon2 hash on the loop would be about 50, a sheet written or a pipeline of
thousands of Redis commands built in one step far more.

(asyncio's debug mode reports slow steps too, but it records a stack at every future it
makes, which itself makes the database and Redis reads of an export look slow.)
"""

from __future__ import annotations

import asyncio
import gc
import io
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import insert

from adapters.sqlalchemy.rbac import users
from tests.integration.conftest import App

LONGEST_STEP_SECONDS = 0.02
# The import stores its rows one by one, and each row's flush walks every object the session
# holds: by row 2,000 a step takes 10 to 22 ms. A bulk insert would end that (issue 14's
# closing note); until then the import has a limit of its own, still under one argon2 hash.
IMPORT_STEP_SECONDS = 0.04
ROWS = 3000


@pytest.fixture
def app(make_seeded_database: Callable[[], str], make_app: Callable[..., App]) -> App:
    made = make_app(database_url=make_seeded_database())
    now = datetime.now(UTC)
    with made.container.sync_engine().begin() as conn:
        conn.execute(
            insert(users),
            [
                {
                    "username": f"loop{n:05d}",
                    "password_hash": "x",
                    "nickname": f"Loop {n}",
                    "email": f"loop{n}@example.com",
                    "created_time": now,
                }
                for n in range(ROWS)
            ],
        )
    return made


class Steps:
    """The CPU time of each step the loop of one thread runs, with what the step ran."""

    def __init__(self, thread: int) -> None:
        self.thread = thread
        self.taken: list[tuple[float, str]] = []

    def wrap(self, run: Callable[[asyncio.Handle], None]) -> Callable[[asyncio.Handle], None]:
        def timed(handle: asyncio.Handle) -> None:
            if threading.get_ident() != self.thread:
                return run(handle)
            started = time.thread_time()
            try:
                return run(handle)
            finally:
                self.taken.append((time.thread_time() - started, repr(handle)[:200]))

        return timed

    def longest(self) -> tuple[float, str]:
        return max(self.taken, default=(0.0, ""))


@pytest.fixture
def steps(app: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[Steps]:
    thread: int = app.client.portal.call(_thread_id)  # type: ignore[union-attr]
    timer = Steps(thread)
    monkeypatch.setattr(asyncio.Handle, "_run", timer.wrap(asyncio.Handle._run))
    # A full collection of the test run's heap (hundreds of tests' objects) can land in any
    # step and take longer than the limit: it is not the app computing, so it waits till after.
    gc.collect()
    gc.disable()
    try:
        yield timer
    finally:
        gc.enable()


async def _thread_id() -> int:
    return threading.get_ident()


def _sheet(prefix: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Key", "Value"])  # the config parameters' import, in English
    for n in range(2000):
        sheet.append([f"loop {n}", f"{prefix}.{n:04d}", "on"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _heavy_requests(app: App, prefix: str) -> dict[str, Callable[[], httpx.Response]]:
    headers = app.login("admin", "admin123")
    english = {**headers, "Accept-Language": "en"}
    upload: dict[str, Any] = {"file": ("p.xlsx", _sheet(prefix), "application/octet-stream")}
    return {
        "sign-in": lambda: app.client.post(
            "/api/v1/user/login", data={"username": "admin", "password": "admin123"}
        ),
        "list": lambda: app.client.get(
            "/api/v1/permission/user", headers=headers, params={"size": 50}
        ),
        "export": lambda: app.client.get("/api/v1/report/users/export", headers=headers),
        "backup": lambda: app.client.post("/api/v1/system/backup", headers=headers),
        "import": lambda: app.client.post(
            "/api/v1/report/config_settings/import", headers=english, files=upload
        ),
    }


def test_no_step_of_the_heaviest_requests_holds_the_loop(app: App, steps: Steps) -> None:
    for request in _heavy_requests(app, "loop.warm").values():
        assert request().status_code == 200
    for name, request in _heavy_requests(app, "loop.measured").items():
        steps.taken.clear()
        answer = request()
        assert answer.status_code == 200, (name, answer.text)
        seconds, step = steps.longest()
        assert steps.taken, name  # the loop was timed at all
        limit = IMPORT_STEP_SECONDS if name == "import" else LONGEST_STEP_SECONDS
        assert seconds < limit, f"{name}: a step took {seconds * 1000:.0f} ms: {step}"


def test_the_timer_sees_a_step_that_computes_on_the_loop(app: App, steps: Steps) -> None:
    async def busy() -> None:
        deadline = time.thread_time() + 3 * LONGEST_STEP_SECONDS
        while time.thread_time() < deadline:
            pass

    app.run(busy)
    assert steps.longest()[0] >= 3 * LONGEST_STEP_SECONDS
