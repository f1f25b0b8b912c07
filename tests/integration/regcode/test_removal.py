"""Deleting this slice and its line in the module list leaves an app that starts and passes.

A scratch copy of the repository loses the reg-code module's own files and folders (core,
adapter, router, schemas, report, tests) and its line in `bootstrap.MODULES`; the copy must
then name the module nowhere else in the backend, start (migrate, seed, serve `/health`, sign
in, build the sidebar), and pass the unit suite. The migrations stay: dropping the table is
a new revision's business.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bootstrap

ROOT = Path(bootstrap.__file__).resolve().parents[1]
SLICE = (
    "src/core/regcode",
    "src/adapters/sqlalchemy/regcode.py",
    "src/entrypoints/http/routers/regcode.py",
    "src/entrypoints/http/schemas/regcode.py",
    "src/entrypoints/http/reports/reg_codes.py",
    "tests/unit/regcode",
    "tests/integration/regcode",
)
NAMES = re.compile(r"reg.?code", re.IGNORECASE)

START = """
import asyncio
import core
from pathlib import Path
from fastapi.testclient import TestClient
from adapters.sqlalchemy.migrations import AlembicMigrations
from bootstrap import MODULES, Settings, build_container
from entrypoints.http.app import create_app

assert Path(core.__file__).resolve().is_relative_to(Path.cwd().resolve()), core.__file__
assert "regcode" not in MODULES
settings = Settings(_env_file=None, database_url="sqlite:///var/app.db", secret_key="k" * 40)
AlembicMigrations(settings.database_url).upgrade()


async def seed():
    seeding = build_container(settings)
    await seeding.seed().run()
    await seeding.dispose_engines()


asyncio.run(seed())
container = build_container(settings)
with TestClient(create_app(container)) as client:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    token = client.post(
        "/api/v1/user/login", data={"username": "admin", "password": "admin123"}
    ).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    menus = client.get("/api/v1/user/routers", headers=h)
    assert menus.status_code == 200, menus.text
    assert client.get("/api/v1/business/reg-code", headers=h).status_code == 404
    scripts = {s["name"] for s in client.get("/api/v1/system/job/scripts", headers=h).json()}
    assert scripts and "expire_reg_codes" not in scripts
    reports = {r["name"] for r in client.get("/api/v1/report", headers=h).json()}
    assert reports == {"users", "config_settings", "dict_items"}, reports
print("started")
"""


@pytest.fixture(scope="module")
def without_the_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("without-regcode")
    listed = subprocess.run(
        [
            "git",
            "ls-files",
            "src",
            "tests",
            "migrations",
            "config",
            "alembic.ini",
            "pyproject.toml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    for part in SLICE:
        target = copy / part
        assert target.exists(), part
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    root = copy / "src/bootstrap.py"
    lines = root.read_text("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.strip() != '"regcode",']
    assert len(kept) == len(lines) - 1, "the module list has one line for the module"
    root.write_text("".join(kept), "utf-8")
    return copy


def _env(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
    return {**env, "PYTHONPATH": str(copy / "src") + os.pathsep + str(copy)}


def test_no_other_backend_file_names_the_module(without_the_slice: Path) -> None:
    naming = [
        str(path.relative_to(without_the_slice))
        for path in (without_the_slice / "src").rglob("*.py")
        if NAMES.search(path.read_text("utf-8"))
    ] + [
        str(path.relative_to(without_the_slice))
        for path in (without_the_slice / "tests").rglob("*.py")
        if NAMES.search(path.read_text("utf-8"))
    ]
    assert naming == []


def test_the_app_starts_without_the_slice(without_the_slice: Path) -> None:
    started = subprocess.run(
        [sys.executable, "-c", START],
        cwd=without_the_slice,
        env=_env(without_the_slice),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert started.returncode == 0 and "started" in started.stdout, started.stderr[-4000:]


def test_the_unit_suite_passes_without_the_slice(without_the_slice: Path) -> None:
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit"],
        cwd=without_the_slice,
        env=_env(without_the_slice),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert suite.returncode == 0, suite.stdout[-4000:]
    assert " passed" in suite.stdout.splitlines()[-1]
