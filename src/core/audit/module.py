"""The audit module (login and operation logs); rbac seeds its menus."""

from __future__ import annotations

from core.shared.module import ModuleSpec

MODULE = ModuleSpec(name="audit")
