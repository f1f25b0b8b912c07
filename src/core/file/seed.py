"""Initial data of the file module: labels and the file page under the system directory."""

from __future__ import annotations

from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedMenu, crud_labels
from core.shared.language import Text

# Admin passes every check; the operator lists and downloads attachments.
READERS = ("opt",)

# Files are uploaded and deleted, never edited: no `put` label.
LABELS = tuple(
    label
    for label in crud_labels("file", Text("文件", "files"), READERS)
    if not label.label.endswith(":put")
)

FILE_SEED = SeedBundle(
    labels=LABELS,
    menus=(
        SeedMenu(
            "system",
            "系统管理",
            "System",
            MenuType.DIR,
            path="/system",
            icon="Setting",
            sort=20,
            roles=READERS,
        ),
        SeedMenu(
            "system_file",
            "文件管理",
            "Files",
            MenuType.MENU,
            "system",
            "file",
            "file/index",
            "Folder",
            8,
            "perm:file:get",
            READERS,
        ),
        SeedMenu(
            "system_file:post",
            "文件上传",
            "Upload files",
            MenuType.BUTTON,
            parent="system_file",
            sort=1,
            perm="perm:file:post",
        ),
        SeedMenu(
            "system_file:delete",
            "文件删除",
            "Delete files",
            MenuType.BUTTON,
            parent="system_file",
            sort=2,
            perm="perm:file:delete",
        ),
    ),
)
