"""The composition root: a module that never imports an entrypoint, driven by the module list."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import bootstrap
from bootstrap import MODULES, Settings, module_specs
from core.shared.module import ModuleSpec, Provide
from entrypoints.http.app import module_routers
from entrypoints.http.routing import ApiRouter

SRC = Path(bootstrap.__file__).resolve().parent


def test_bootstrap_is_a_module_that_imports_no_entrypoint() -> None:
    path = Path(bootstrap.__file__)
    assert path.name == "bootstrap.py" and path.parent == SRC
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert imported and not {m for m in imported if m.split(".")[0] == "entrypoints"}


def test_every_module_of_the_list_has_a_spec_and_its_routers_are_mounted() -> None:
    specs = module_specs()
    assert [s.name for s in specs] == list(MODULES)
    with_routes = [n for n in MODULES if (SRC / "entrypoints/http/routers" / f"{n}.py").is_file()]
    mounted = module_routers(MODULES)
    assert with_routes and len(mounted) >= len(with_routes)
    assert all(module_routers([name]) for name in with_routes)
    # A file of routers that no module of the list names is mounted only through a module's
    # file that imports its routers (the monitor module's home-page figures); else never.
    files = {p.stem for p in (SRC / "entrypoints/http/routers").glob("*.py")} - {"__init__"}
    for stem in sorted(files - set(MODULES)):
        module = importlib.import_module(f"entrypoints.http.routers.{stem}")
        routers = [v for v in vars(module).values() if isinstance(v, ApiRouter)]
        assert routers and all(any(r is m for m in mounted) for r in routers), stem


def test_a_module_declares_each_service_name_once() -> None:
    names = [p.name for spec in module_specs() for p in (*spec.services, *spec.scripts)]
    assert len(names) == len(set(names))


def test_a_service_needing_what_the_container_lacks_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = ModuleSpec(name="audit", services=(Provide("things", object, ("no_such_port",)),))
    monkeypatch.setattr(bootstrap, "module_specs", lambda names: (spec,))
    with pytest.raises(ValueError, match="no_such_port"):
        bootstrap.build_container(Settings(_env_file=None, database_url="sqlite://"))
