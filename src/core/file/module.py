"""The file module, declared once: the list of modules in `bootstrap.py` reads this."""

from __future__ import annotations

from core.file.seed import FILE_SEED
from core.file.service import AvatarService, FileService
from core.shared.language import Text
from core.shared.module import ModuleSpec, Provide

MODULE = ModuleSpec(
    name="file",
    seed=FILE_SEED,
    # `file_store`: the container's store of bytes (adapters/files/local.py, under
    # APP_FILE_DIR); `file_max_bytes`: APP_FILE_MAX_MIB; `image_normaliser`: Pillow.
    services=(
        Provide("files", FileService, ("uow", "clock", "file_store", "file_max_bytes")),
        Provide(
            "avatars",
            AvatarService,
            ("uow", "clock", "file_store", "image_normaliser", "access"),
        ),
    ),
    # The administration list: the files and their uploaders' usernames.
    lists={"files": ("t_file", "t_users")},
    messages={
        "file_not_found": Text("文件不存在", "no such file"),
        "file_missing": Text("文件内容已丢失", "the stored file is missing"),
        "file_type_refused": Text("不接受此类型的文件", "files of this type are not accepted"),
        "file_type_mismatch": Text(
            "文件内容与其扩展名不符", "the file's content does not match its extension"
        ),
        "file_empty": Text("文件为空", "the file is empty"),
        "file_too_large": Text("文件超过大小上限", "the file is larger than the limit"),
        "avatar_too_large": Text("头像不能超过 2 MiB", "an avatar is at most 2 MiB"),
        "avatar_type_unsupported": Text(
            "头像须为 PNG、JPEG 或 WebP 图片", "an avatar is a PNG, JPEG or WebP picture"
        ),
        "avatar_not_found": Text("头像不存在", "no such avatar"),
        "image_invalid": Text(
            "图片已损坏或与其类型不符", "the picture is damaged or not what it claims"
        ),
        "image_too_large": Text("图片像素过多", "the picture has too many pixels"),
    },
    summaries_zh={
        "upload a file": "上传文件",
        "delete a file": "删除文件",
        "upload my avatar": "上传头像",
    },
)
