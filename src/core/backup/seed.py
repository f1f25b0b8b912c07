"""Labels of backup and restore: granted to no role, so only `admin` may until someone decides otherwise."""

from __future__ import annotations

from core.rbac.seed import SeedBundle, SeedLabel

BACKUP_SEED = SeedBundle(
    labels=(
        SeedLabel("perm:backup:post", "数据备份"),
        SeedLabel("perm:backup:restore", "数据恢复"),
    ),
)
