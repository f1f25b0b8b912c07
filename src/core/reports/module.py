"""The reports module: the routes every module's reports share, and the platform's buttons."""

from __future__ import annotations

from core.reports.seed import REPORTS_SEED
from core.shared.module import ModuleSpec

MODULE = ModuleSpec(name="reports", seed=REPORTS_SEED)
