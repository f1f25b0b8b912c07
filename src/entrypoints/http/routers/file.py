"""Routes of the file module: attachments (`/system/file`) and the signed-in user's avatar
(`/user/avatar`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from core.file.model import AVATAR_MAX_BYTES, AVATAR_MEDIA_TYPES, extension_of
from core.file.module import MODULE
from core.file.ports import FileFilter
from core.file.service import AvatarService, FileService, FileView
from core.rbac.model import Principal
from entrypoints.http.deps import Caller, provided, require
from entrypoints.http.files import UPLOAD_BODY, content_disposition, receive_upload
from entrypoints.http.pages import Fresh, Pages
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Created, ErrorOut, Id, ListQuery, PageOut, fields_of
from entrypoints.http.schemas.file import AvatarOut, FileOut

admin = ApiRouter(prefix="/system/file", tags=["file"])
mine = ApiRouter(prefix="/user/avatar", tags=["file"])

Files = Annotated[FileService, Depends(provided(lambda c: c.files()))]
Avatars = Annotated[AvatarService, Depends(provided(lambda c: c.avatars()))]
MaxBytes = Annotated[int, Depends(provided(lambda c: c.file_max_bytes()))]

LIST_TABLES = MODULE.list_tables("files")
# Refused or lying types: 415 for a type not taken, 422 for bytes that are not what they claim.
UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    415: {"model": ErrorOut, "description": "a type that is not accepted"},
}
_BYTES = {"schema": {"type": "string", "format": "binary"}}
# A download answers the file's accepted type; an avatar one of the three picture types.
DOWNLOAD: dict[int | str, dict[str, Any]] = {200: {"content": {"*/*": _BYTES}}}
PICTURE: dict[int | str, dict[str, Any]] = {
    200: {"content": {t: _BYTES for t in ("image/png", "image/jpeg", "image/webp")}}
}
AvatarName = Annotated[str, Path(pattern=r"^[0-9a-f]{32}\.(png|jpg|webp)$", max_length=40)]


class FileQuery(ListQuery):
    name: str | None = Query(default=None, max_length=200)
    media_type: str | None = Query(default=None, max_length=100)
    sort: Literal["created_time", "id", "size", "name"] = "created_time"

    def filter(self) -> FileFilter:
        return FileFilter(name=self.name, media_type=self.media_type, created=self.created())


def _out(view: FileView) -> FileOut:
    return FileOut.model_validate({**fields_of(view.file), "creator": view.creator})


@admin.get("", response_model=PageOut[FileOut], summary="list files")
async def list_files(
    request: Request,
    q: Annotated[FileQuery, Query()],
    _: Annotated[Principal, require("perm:file:get")],
    files: Files,
    pages: Pages,
) -> Response:
    async def compute() -> Fresh:
        page = await files.search(q.filter(), q.page_request(q.sort))
        items = [_out(v) for v in page.items]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), None

    return await pages.answer(request, LIST_TABLES, compute)


@admin.post(
    "",
    response_model=Created,
    status_code=201,
    summary="upload a file",
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_ERRORS,
)
async def upload_file(
    request: Request,
    caller: Annotated[Principal, require("perm:file:post")],
    files: Files,
    limit: MaxBytes,
) -> Created:
    upload = await receive_upload(request, limit)
    try:
        return Created(id=await files.upload(caller.user_id, upload.filename, upload))
    finally:
        await upload.close()


@admin.get("/{file_id}", response_model=FileOut, summary="read a file's details")
async def get_file(
    file_id: Id, _: Annotated[Principal, require("perm:file:get")], files: Files
) -> FileOut:
    return _out(await files.get(file_id))


@admin.get(
    "/{file_id}/download",
    response_class=StreamingResponse,
    responses=DOWNLOAD,
    summary="download a file",
)
async def download_file(
    file_id: Id, _: Annotated[Principal, require("perm:file:get")], files: Files
) -> StreamingResponse:
    file, chunks = await files.download(file_id)
    return StreamingResponse(
        chunks,
        media_type=file.media_type,
        headers={
            # Always a download under the cleaned name, never rendered by the browser.
            "Content-Disposition": content_disposition(_fallback(file.name), file.name),
            "Content-Length": str(file.size),
            "Cache-Control": "private, no-store",
        },
    )


@admin.delete("/{file_id}", status_code=204, summary="delete a file")
async def delete_file(
    file_id: Id, caller: Annotated[Principal, require("perm:file:delete")], files: Files
) -> None:
    await files.delete(caller.user_id, file_id)


@mine.post(
    "",
    response_model=AvatarOut,
    summary="upload my avatar",
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_ERRORS,
)
async def upload_avatar(request: Request, caller: Caller, avatars: Avatars) -> AvatarOut:
    upload = await receive_upload(request, AVATAR_MAX_BYTES)
    try:
        return AvatarOut(avatar=await avatars.upload(caller.user_id, upload))
    finally:
        await upload.close()


@mine.get("/{name}", response_class=StreamingResponse, responses=PICTURE, summary="an avatar")
async def get_avatar(name: AvatarName, avatars: Avatars) -> StreamingResponse:
    """Public by an unguessable name (128 random bits), so `<img>` shows it without a token;
    a new avatar has a new name, so each is kept by browsers for good."""
    chunks = await avatars.open(name)
    return StreamingResponse(
        chunks,
        media_type=AVATAR_MEDIA_TYPES[extension_of(name)],
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


def _fallback(name: str) -> str:
    """The ASCII name old clients see: the extension kept."""
    ext = extension_of(name)
    return f"download.{ext}" if ext and ext.isascii() else "download"
