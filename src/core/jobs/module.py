"""The jobs module; its housekeeping scripts need settings, so the container builds them."""

from __future__ import annotations

from core.jobs.seed import JOBS_SEED
from core.shared.module import ModuleSpec

MODULE = ModuleSpec(name="jobs", seed=JOBS_SEED)
