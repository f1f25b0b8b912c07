"""The registration module (sign-up, password recovery, e-mail change): no seed of its own."""

from __future__ import annotations

from core.shared.module import ModuleSpec

MODULE = ModuleSpec(name="registration")
