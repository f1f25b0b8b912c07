"""Backup and restore on the database server (MariaDB or PostgreSQL) and on SQLite: lossless round
trips, refusals that change nothing, new rows after a restore."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.types import JSON, Boolean, DateTime, Enum, Integer

from adapters.sqlalchemy.config import config_settings
from adapters.sqlalchemy.modules import load
from adapters.sqlalchemy.rbac import users as rbac_users
from bootstrap import MODULES, Settings, build_container
from core.backup.model import Manifest
from tests.integration.conftest import App, seed, settings_for
from tests.schema import migrate

ROOT = Path(__file__).resolve().parents[2]
BACKUP = "/api/v1/system/backup"
TRICKY = ["", "\\N", "\\", 'a "quoted", comma', "two\r\nlines", "=1+2", "中文参数"]

# Every table of every module of the list, in foreign-key order.
METADATA = load(MODULES).metadata


def _no_scheduler() -> dict[str, Any]:
    # The job scheduler, when present, would write job logs between two backups.
    return {"scheduler_enabled": False} if "scheduler_enabled" in Settings.model_fields else {}


def populate(client: TestClient, engine: Engine) -> list[str]:
    """Data through the API in every module, with awkward values; any table still empty gets a row.

    Returns the tables that had to be filled directly (those no route of this test writes).
    """
    login = {"username": "admin", "password": "admin123"}
    token = client.post("/api/v1/user/login", data=login).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/user/login", data={**login, "password": "wrong"})  # a failed login

    def ok(response: Any) -> Any:
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    rid = ok(
        client.post("/api/v1/permission/role", headers=h, json={"code": "auditor", "name": "审计"})
    )["id"]
    ok(client.put(f"/api/v1/permission/role/{rid}/menus", headers=h, json={"menu_ids": [1, 2]}))
    ok(client.put(f"/api/v1/permission/role/{rid}/perm-labels", headers=h, json={"label_ids": [1]}))
    user = {"username": "alice", "password": "a fine passphrase", "role_ids": [rid]}
    ok(client.post("/api/v1/permission/user", headers=h, json={**user, "nickname": "\\N"}))
    for n, value in enumerate(TRICKY):
        setting = {"name": f"tricky {n}", "key": f"tricky.{n}", "value": value}
        ok(client.post("/api/v1/system/config-setting", headers=h, json=setting))
    ok(client.post("/api/v1/system/dict-type", headers=h, json={"code": "fruit", "name": "水果"}))
    item = {"type_code": "fruit", "label": "苹果", "value": "a"}
    ok(client.post("/api/v1/system/dict-item", headers=h, json=item))
    gone = {"name": "gone", "key": "backup.gone", "value": "x"}
    gone_id = ok(client.post("/api/v1/system/config-setting", headers=h, json=gone))["id"]
    ok(client.delete(f"/api/v1/system/config-setting/{gone_id}", headers=h))  # soft-deleted
    filled = []
    with engine.begin() as conn:
        for table in METADATA.sorted_tables:
            if not conn.scalar(select(func.count()).select_from(table)):
                conn.execute(table.insert().values(**_any_row(conn, table)))
                filled.append(table.name)
    return filled


WRITTEN_BY_THE_API = {
    "t_users",
    "t_roles",
    "t_user_role",
    "t_role_menu",
    "t_perm_label_role",
    "t_login_log",
    "t_oper_log",
    "t_config_settings",
    "t_dict_type",
    "t_dict_item",
}


def _any_row(conn: Any, table: Any) -> dict[str, Any]:
    """A plausible row for a table this test does not know (a module added after it was written)."""
    now = datetime.now(UTC)
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.primary_key:
            continue
        foreign = next(iter(column.foreign_keys), None)
        type_ = column.type
        base = getattr(type_, "impl_instance", type_)
        if foreign is not None:
            row[column.name] = conn.scalar(select(func.min(foreign.column)))
        elif isinstance(base, Enum):
            row[column.name] = base.enums[0]
        elif isinstance(base, Boolean):
            row[column.name] = False
        elif isinstance(base, Integer):
            row[column.name] = 0
        elif isinstance(base, DateTime):
            row[column.name] = now if type_ is not base else now.replace(tzinfo=None)
        elif isinstance(base, JSON):
            row[column.name] = {}
        else:
            row[column.name] = "x"
    return row


def wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(METADATA.sorted_tables):
            conn.execute(table.delete())


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in METADATA.sorted_tables
        }


def sync_engine(app: App) -> Engine:
    """A connection pool of the test's own, beside the app's, to count and wipe rows directly."""
    return create_engine(app.container.settings().database_url)


def take(app: App) -> tuple[bytes, Manifest]:
    out = io.BytesIO()
    manifest = app.run(app.container.backup().backup, out)
    return out.getvalue(), manifest


def sums(manifest: Manifest) -> dict[str, str]:
    return {t.name: t.sha256 for t in manifest.tables}


def round_trip(app: App, engine: Engine) -> None:
    """Back up, wipe, restore, back up again: the same bytes in every table file."""
    before = counts(engine)
    assert all(before.values()), f"every table must hold rows: {before}"
    first, manifest = take(app)
    assert [t.name for t in manifest.tables] == [t.name for t in METADATA.sorted_tables]
    wipe(engine)
    assert not any(counts(engine).values())
    app.run(app.container.backup().restore, io.BytesIO(first))
    assert counts(engine) == before
    _, again = take(app)
    assert sums(again) == sums(manifest)
    assert {t.name: t.rows for t in again.tables} == before


# --- the database server (MariaDB/MySQL or PostgreSQL) ---------------------------------------


@pytest.fixture(scope="module")
def app(
    make_seeded_database: Callable[[], str], make_app: Callable[..., App], redis_prefix: str
) -> App:
    url = make_seeded_database()
    # A Redis namespace of its own: a restore revokes every token in its namespace.
    made = make_app(database_url=url, prefix=f"{redis_prefix}backup:", **_no_scheduler())
    engine = sync_engine(made)
    try:
        filled = populate(made.client, engine)
    finally:
        engine.dispose()
    assert not set(filled) & WRITTEN_BY_THE_API, filled
    return made


@pytest.fixture
def engine(app: App) -> Iterator[Engine]:
    made = sync_engine(app)
    yield made
    made.dispose()


def test_round_trip_on_the_server_is_lossless(app: App, engine: Engine) -> None:
    round_trip(app, engine)
    with engine.connect() as conn:
        c = config_settings.c
        assert conn.scalar(select(func.count()).where(c.is_deleted != 0)) == 1
        values = dict(conn.execute(select(config_settings.c.key, config_settings.c.value)).all())
        users = rbac_users.c
        nickname = conn.scalar(select(users.nickname).where(users.username == "alice"))
        email = conn.scalar(select(users.email).where(users.username == "alice"))
    assert [values[f"tricky.{n}"] for n in range(len(TRICKY))] == TRICKY
    assert nickname == "\\N" and email is None


def test_a_restore_into_a_new_database_takes_new_rows_after_it(
    app: App, make_database: Callable[[], str]
) -> None:
    """Restored rows keep their ids; the next insert into every table gets a larger one.

    Into a database that never held those rows, where PostgreSQL's sequences would still
    hand out 1 unless the restore moves them on.
    """
    raw, manifest = take(app)
    url = make_database()
    settings = Settings(_env_file=None, database_url=url, env="test")
    migrate(settings)

    async def restore() -> None:
        # A container of its own, on a loop of its own: its connections end with the loop.
        container = build_container(settings)
        try:
            await container.backup().restore(io.BytesIO(raw))
        finally:
            await container.dispose_engines()

    asyncio.run(restore())
    engine = create_engine(url)
    try:
        assert counts(engine) == {t.name: t.rows for t in manifest.tables}
        with engine.begin() as conn:
            for n, table in enumerate(METADATA.sorted_tables, start=1):
                largest = conn.scalar(select(func.max(table.c.id)))
                # Its own is_deleted, so a natural key copied from a restored row is no clash.
                row = {**_any_row(conn, table), "is_deleted": 10**12 + n}
                inserted = conn.execute(table.insert().values(**row)).inserted_primary_key
                assert inserted is not None and inserted[0] > largest, table.name
    finally:
        engine.dispose()


def _tamper(
    raw: bytes, name: str, change: Callable[[bytes], bytes], fix_sum: bool = False
) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    files = {n: src.read(n) for n in src.namelist()}
    files[name] = change(files[name])
    if fix_sum:
        import hashlib

        manifest = json.loads(files["manifest.json"])
        for t in manifest["tables"]:
            if t["file"] == name:
                t["sha256"] = hashlib.sha256(files[name]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n, data in files.items():
            dst.writestr(n, data)
    return out.getvalue()


def _restore(app: App, headers: dict[str, str], data: bytes) -> Any:
    return app.client.post(f"{BACKUP}/restore", headers=headers, files={"file": ("b.zip", data)})


def test_restore_over_http_refuses_bad_archives_and_changes_nothing(app: App) -> None:
    h = app.login("admin", "admin123")
    r = app.client.post(BACKUP, headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].startswith('attachment; filename="backup_')
    raw = r.content
    revision = json.loads(zipfile.ZipFile(io.BytesIO(raw)).read("manifest.json"))["revision"]
    _, before = take(app)

    wrong_revision = _tamper(
        raw, "manifest.json", lambda d: d.replace(f'"{revision}"'.encode(), b'"0001"')
    )
    r = _restore(app, h, wrong_revision)
    assert r.status_code == 400 and r.json()["code"] == "backup_revision_mismatch"
    assert "0001" in r.json()["detail"] and revision in r.json()["detail"]

    r = _restore(app, h, _tamper(raw, "t_users.csv", lambda d: d.replace(b"alice", b"mallory")))
    assert r.status_code == 400 and r.json()["code"] == "backup_checksum_mismatch"

    # Checksums right, but the last table's last value breaks: the deletes and inserts
    # already made in the transaction are rolled back with it.
    last = METADATA.sorted_tables[-1].name + ".csv"
    broken = _tamper(
        raw,
        last,
        lambda d: d.rstrip(b"\r\n").rsplit(b",", 1)[0] + b",not-a-number\r\n",
        fix_sum=True,
    )
    r = _restore(app, h, broken)
    assert r.status_code == 400 and r.json()["code"] == "backup_invalid"

    # A NUL character, which PostgreSQL cannot store: refused alike on every database.
    nul = _tamper(raw, "t_users.csv", lambda d: d.replace(b"alice", b"al\x00ce"), fix_sum=True)
    r = _restore(app, h, nul)
    assert r.status_code == 400 and r.json()["code"] == "backup_invalid"

    r = _restore(app, h, b"not a zip at all")
    assert r.status_code == 400 and r.json()["code"] == "backup_invalid"
    _, after = take(app)
    # Unchanged, but for the operation log, which records each refused attempt.
    logged = {t.name: t.rows for t in after.tables}["t_oper_log"]
    assert logged == {t.name: t.rows for t in before.tables}["t_oper_log"] + 5
    assert {k: v for k, v in sums(after).items() if k != "t_oper_log"} == {
        k: v for k, v in sums(before).items() if k != "t_oper_log"
    }

    opt = app.login("opt", "opt123")
    assert app.client.post(BACKUP, headers=opt).json()["code"] == "permission_denied"
    assert _restore(app, opt, raw).json()["code"] == "permission_denied"


def test_restore_over_http_drops_caches_and_signs_everyone_out(app: App) -> None:
    h = app.login("admin", "admin123")
    key = "/api/v1/system/config-setting/key/tricky.5"
    assert app.client.get(key, headers=h).json()["value"] == "=1+2"  # now cached
    raw = app.client.post(BACKUP, headers=h).content
    setting = app.client.get(
        "/api/v1/system/config-setting", headers=h, params={"key": "tricky.5"}
    ).json()
    app.client.put(
        f"/api/v1/system/config-setting/{setting['items'][0]['id']}",
        headers=h,
        json={"value": "changed"},
    )
    assert app.client.get(key, headers=h).json()["value"] == "changed"
    listed = {"key": "tricky.5", "size": 5}
    the_list = app.client.get("/api/v1/system/config-setting", headers=h, params=listed)
    assert the_list.json()["items"][0]["value"] == "changed"  # this list answer is kept now
    r = _restore(app, h, raw)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rows"] == sum(t["rows"] for t in body["tables"]) and body["revision"]
    assert app.client.get(key, headers=h).json()["code"] == "token_revoked"
    h = app.login("admin", "admin123")
    assert app.client.get(key, headers=h).json()["value"] == "=1+2"
    the_list = app.client.get("/api/v1/system/config-setting", headers=h, params=listed)
    assert the_list.json()["items"][0]["value"] == "=1+2"  # the restore reset the generations


# --- SQLite (the embedded profile) ----------------------------------------------------------


def test_round_trip_on_sqlite_is_lossless(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path}/app.db", None, **_no_scheduler())
    migrate(settings)
    seed(settings)
    with App(settings) as app:
        engine = sync_engine(app)
        try:
            populate(app.client, engine)
            round_trip(app, engine)
        finally:
            engine.dispose()


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
    environ.update(
        {
            "APP_DATABASE_URL": f"sqlite:///{tmp_path}/app.db",
            "APP_SCHEDULER_ENABLED": "false",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_backup_and_restore_show_progress_and_a_summary(tmp_path: Path) -> None:
    assert _cli(tmp_path, "init").returncode == 0
    made = _cli(tmp_path, "backup", "dump.zip")
    assert made.returncode == 0, made.stderr
    assert "t_users" in made.stderr and "100%" in made.stderr
    assert made.stdout.startswith("backup: ") and "dump.zip" in made.stdout
    refused = _cli(tmp_path, "restore", "dump.zip")  # no terminal, no --yes
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = _cli(tmp_path, "restore", "dump.zip", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("restore: ") and "t_user_role" in done.stderr
    (tmp_path / "bad.zip").write_bytes(b"junk")
    bad = _cli(tmp_path, "restore", "bad.zip", "--yes")
    assert bad.returncode == 1 and "backup_invalid" in bad.stderr


def test_restored_jobs_keep_their_json_arguments(app: App) -> None:
    """JSON kept in TEXT columns (job args, kwargs, recipients) comes back as values, not text."""
    h = app.login("admin", "admin123")
    body = {
        "name": "restore-json-check",
        "script": "demo_sleep",
        "kwargs": {"seconds": 0.1},
        "cron": "0 3 * * *",
        "notify": "failure",
        "notify_user_ids": [app.client.get("/api/v1/user/info", headers=h).json()["id"]],
    }
    scripts = [s["name"] for s in app.client.get("/api/v1/system/job/scripts", headers=h).json()]
    body["script"] = next(s for s in scripts if "demo" in s)
    created = app.client.post("/api/v1/system/job", headers=h, json=body)
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]
    before = app.client.get(f"/api/v1/system/job/{job_id}", headers=h).json()
    raw = app.client.post(BACKUP, headers=h).content
    assert _restore(app, h, raw).status_code == 200
    h = app.login("admin", "admin123")
    assert app.client.get("/api/v1/system/job", headers=h).status_code == 200
    after = app.client.get(f"/api/v1/system/job/{job_id}", headers=h).json()
    for field in ("args", "kwargs", "notify_user_ids"):
        assert after[field] == before[field], field


def test_restore_over_http_refuses_zip_bombs_and_unreadable_csv_before_writing(app: App) -> None:
    h = app.login("admin", "admin123")
    raw = app.client.post(BACKUP, headers=h).content
    _, before = take(app)
    last = METADATA.sorted_tables[-1].name + ".csv"

    # A table file of 256 MiB that deflates to a few hundred KiB, with a matching checksum:
    # refused on the sizes the zip declares, without inflating it (it used to be read whole
    # for its checksum, a worker held for seconds per GiB).
    bomb = _tamper(raw, last, lambda d: d + b"0" * (256 << 20), fix_sum=True)
    assert len(bomb) < 2 << 20
    started = time.monotonic()
    r = _restore(app, h, bomb)
    assert r.status_code == 400 and r.json()["code"] == "zip_bomb", r.text
    assert time.monotonic() - started < 2

    # A cell over csv's 128 KiB field limit used to escape as _csv.Error, a 500.
    huge = _tamper(raw, last, lambda d: d + b'"' + b"x" * (200 << 10) + b'"\r\n', fix_sum=True)
    r = _restore(app, h, huge)
    assert r.status_code == 400 and r.json()["code"] == "backup_invalid", r.text

    _, after = take(app)
    assert {k: v for k, v in sums(after).items() if k != "t_oper_log"} == {
        k: v for k, v in sums(before).items() if k != "t_oper_log"
    }
