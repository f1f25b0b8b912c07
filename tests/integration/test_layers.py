"""At run time too, the composition root loads no entrypoint (a fresh interpreter: seconds)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import bootstrap

SRC = Path(bootstrap.__file__).resolve().parent


def test_building_the_container_loads_no_entrypoint_either() -> None:
    # Imports made at run time (the module list's specs and adapter files) count too.
    code = (
        "import sys, bootstrap\n"
        "c = bootstrap.build_container(bootstrap.Settings(_env_file=None, database_url='sqlite://'))\n"
        "c.uow(); c.seed(); c.jobs()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'entrypoints'))\n"
    )
    # This tree's sources, not the ones the environment's editable install points to.
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=SRC.parent,
        env=env,
    )
    assert out.stdout.strip() == "[]", out.stdout
