"""Routes of backup and restore (`/system/backup`): a zip of every table, and back."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from core.rbac.model import Principal
from entrypoints.http.deps import container_of, require
from entrypoints.http.files import UPLOAD_BODY, download, receive_upload, temporary
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.report import RestoreOut, TableCountOut

router = ApiRouter(prefix="/system/backup", tags=["backup"])


@router.post(
    "",
    summary="download a backup: every table as CSV in one zip, with a manifest",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
def backup(
    request: Request, _: Annotated[Principal, require("perm:backup:post")]
) -> StreamingResponse:
    container = container_of(request)
    path = temporary(".zip")
    try:
        with path.open("wb") as out:
            manifest = container.backup().backup(out)
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
    request: Request, _: Annotated[Principal, require("perm:backup:restore")]
) -> RestoreOut:
    container = container_of(request)
    upload = await receive_upload(request, container.settings().restore_max_file_mib << 20)
    try:
        manifest = await run_in_threadpool(container.backup().restore, upload.file)
    finally:
        await upload.close()
    return RestoreOut(
        revision=manifest.revision,
        rows=manifest.rows,
        tables=[TableCountOut(name=t.name, rows=t.rows) for t in manifest.tables],
    )
