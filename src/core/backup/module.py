"""The backup module."""

from __future__ import annotations

from core.backup.seed import BACKUP_SEED
from core.shared.module import ModuleSpec

MODULE = ModuleSpec(name="backup", seed=BACKUP_SEED)
