"""The dictionary module."""

from __future__ import annotations

from core.dictionary.seed import DICT_SEED
from core.shared.module import ModuleSpec, ReportSpec

MODULE = ModuleSpec(
    name="dictionary",
    seed=DICT_SEED,
    reports=(ReportSpec("dict_items", "perm:dict:export", "perm:dict:import"),),
)
