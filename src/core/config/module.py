"""The config-parameter module."""

from __future__ import annotations

from core.config.seed import CONFIG_SEED
from core.shared.module import ModuleSpec, ReportSpec

MODULE = ModuleSpec(
    name="config",
    seed=CONFIG_SEED,
    reports=(ReportSpec("config_settings", "perm:config:export", "perm:config:import"),),
    lists={"config_settings": ("t_config_settings",)},
)
