"""Files over HTTP: uploads read with a size limit, downloads streamed from a temporary file."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from core.shared.errors import BadRequest

CHUNK = 64 * 1024
# What multipart framing (boundaries, part headers) may add around the file itself.
FRAMING = 64 * 1024

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


def content_disposition(fallback: str, name: str) -> str:
    """`attachment` with an ASCII filename for old clients and the real one per RFC 5987/6266."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", fallback) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def temporary(suffix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix="fva-", suffix=suffix)
    os.close(fd)
    return Path(name)


def download(path: Path, fallback: str, name: str, media_type: str) -> StreamingResponse:
    """Streams the file in chunks and deletes it, whether the client reads it all or not."""
    size = path.stat().st_size
    return StreamingResponse(
        _chunks(path),
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(fallback, name),
            "Content-Length": str(size),
            "Cache-Control": "no-store",
        },
    )


def _chunks(path: Path) -> Iterator[bytes]:
    handle = path.open("rb")
    # On POSIX the open handle keeps the data readable after the name is gone, so nothing is
    # left behind even when the client disconnects halfway; elsewhere, delete at the end.
    with contextlib.suppress(OSError):
        path.unlink()
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the file is larger than {limit >> 20} MiB")


async def receive_upload(request: Request, limit: int, field: str = "file") -> UploadFile:
    """The one file of a multipart request; 413 as soon as more than `limit` bytes arrive.

    The declared Content-Length is judged before any byte is read, and the body is
    counted while it streams in, so an oversized upload is never stored whole.
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise BadRequest(
            f"send the file as multipart/form-data in the field `{field}`", "upload_missing"
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FRAMING:
        raise _too_large(limit)

    async def counted() -> AsyncGenerator[bytes, None]:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + FRAMING:
                raise _too_large(limit)
            yield chunk

    parser = MultiPartParser(request.headers, counted(), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(exc.message, "upload_invalid") from exc
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        raise BadRequest(f"the request has no file in the field `{field}`", "upload_missing")
    if upload.size is not None and upload.size > limit:
        await upload.close()
        raise _too_large(limit)
    return upload
