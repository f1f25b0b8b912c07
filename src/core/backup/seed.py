"""Labels of backup and restore: granted to no role, so only `admin` may until someone decides otherwise."""

from __future__ import annotations

from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedLabel, SeedMenu
from core.shared.language import Text

BACKUP_SEED = SeedBundle(
    labels=(
        SeedLabel("perm:backup:post", Text("数据备份", "Back up data")),
        SeedLabel("perm:backup:restore", Text("数据恢复", "Restore data")),
    ),
    menus=(
        SeedMenu(
            "system", "系统管理", "System", MenuType.DIR, path="/system", icon="Setting", sort=20
        ),
        SeedMenu(
            "system_backup",
            "备份恢复",
            "Backup",
            MenuType.MENU,
            "system",
            "backup",
            "system/backup/index",
            "FolderOpened",
            9,
            "perm:backup:post",
        ),
        SeedMenu(
            "system_backup:restore",
            "数据恢复",
            "Restore",
            MenuType.BUTTON,
            "system_backup",
            sort=1,
            perm="perm:backup:restore",
        ),
    ),
)
