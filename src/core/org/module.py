"""The organisation module: departments (a tree), posts, and the data scope rule they carry."""

from __future__ import annotations

from core.shared.module import ModuleSpec

MODULE = ModuleSpec(name="org")
