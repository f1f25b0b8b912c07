"""Routes of backup and restore (`/system/backup`): a zip of every table, and back."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import StreamingResponse

from core.backup.service import BackupService
from core.rbac.model import Principal
from entrypoints.http.deps import provided, require
from entrypoints.http.files import UPLOAD_BODY, download, receive_upload, temporary
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.backup import RestoreOut, TableCountOut

router = ApiRouter(prefix="/system/backup", tags=["backup"])

backup_service = provided(lambda c: c.backup())
restore_limit = provided(lambda c: c.settings().restore_max_file_mib << 20)

Backups = Annotated[BackupService, Depends(backup_service)]
# The largest upload a restore reads, in bytes.
RestoreLimit = Annotated[int, Depends(restore_limit)]


@router.post(
    "",
    summary="download a backup: every table as CSV in one zip, with a manifest",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def backup(
    _: Annotated[Principal, require("perm:backup:post")], backups: Backups
) -> StreamingResponse:
    path = temporary(".zip")
    try:
        with path.open("wb") as out:
            manifest = await backups.backup(out)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    stamp = manifest.created_time.strftime("%Y%m%d_%H%M%S")
    name = f"backup_{manifest.revision}_{stamp}.zip"
    return download(path, name, name, "application/zip")


@router.post(
    "/restore",
    response_model=RestoreOut,
    summary="replace every table's rows with a backup's (multipart field `file`); signs everyone out",
    openapi_extra=UPLOAD_BODY,
)
async def restore(
    request: Request,
    _: Annotated[Principal, require("perm:backup:restore")],
    backups: Backups,
    limit: RestoreLimit,
) -> RestoreOut:
    upload = await receive_upload(request, limit)
    try:
        manifest = await backups.restore(upload.file)
    finally:
        await upload.close()
    return RestoreOut(
        revision=manifest.revision,
        rows=manifest.rows,
        tables=[TableCountOut(name=t.name, rows=t.rows) for t in manifest.tables],
    )
