"""Nothing the app does blocks its event loop: the heavy work runs in worker threads.

asyncio's debug mode reports every callback (a step of a task) that holds the loop longer
than `slow_callback_duration`. The app's own loop (the test client's) runs in debug mode
while the heaviest requests of the product run: a sign-in (argon2), an export of a few
thousand rows (openpyxl), a backup (zip) and an import. A step that held the loop for
longer than the limit fails the test, naming the step. Debug mode slows every step, so the
limit is 50 ms: an argon2 hash on the loop takes about that alone, a sheet of thousands of
rows or a zip far more.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import insert

from adapters.sqlalchemy.rbac import users
from tests.integration.conftest import App

SLOW_SECONDS = 0.05
ROWS = 3000


class SlowSteps(logging.Handler):
    """Collects asyncio's "Executing <step> took N seconds" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Executing"):
            self.found.append(message)


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


def _sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Key", "Value"])  # the config parameters' import, in English
    for n in range(500):
        sheet.append([f"loop {n}", f"loop.check.{n:04d}", "on"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_heaviest_requests_never_hold_the_loop(app: App) -> None:
    # Warm up outside debug mode: the first request of a kind imports and compiles things once.
    headers = app.login("admin", "admin123")
    assert app.client.get("/api/v1/report/users/export", headers=headers).status_code == 200

    handler = SlowSteps()
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    loop = app.client.portal.call(asyncio.get_running_loop)  # type: ignore[union-attr]
    loop.slow_callback_duration = SLOW_SECONDS
    loop.set_debug(True)
    try:
        headers = app.login("admin", "admin123")
        listed = app.client.get("/api/v1/permission/user", headers=headers, params={"size": 50})
        assert listed.status_code == 200 and listed.json()["total"] > ROWS
        exported = app.client.get("/api/v1/report/users/export", headers=headers)
        assert exported.status_code == 200 and len(exported.content) > 50_000
        backup = app.client.post("/api/v1/system/backup", headers=headers)
        assert backup.status_code == 200 and backup.content[:2] == b"PK"
        imported = app.client.post(
            "/api/v1/report/config_settings/import",
            headers={**headers, "Accept-Language": "en"},
            files={"file": ("users.xlsx", _sheet(), "application/octet-stream")},
        )
        assert imported.status_code in (200, 201), imported.text
    finally:
        loop.set_debug(False)
        logger.removeHandler(handler)
    assert handler.found == []
