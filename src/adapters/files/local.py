"""The file store on a local disk: every key a file under one directory.

Writes go to `<root>/.tmp/` under a random name and become their key by a rename on the same
file system, so a reader never sees half a file, and several instances on one host (one
directory) share every key. Keys are checked against their one shape before they touch a
path, so no key, whoever made it, leaves the root.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO

from core.shared.errors import NotFound
from core.shared.files import FileStore, PendingFile

KEY = re.compile(r"^[a-z]{1,16}/[0-9a-f]{32}(\.[a-z0-9]{1,5})?$")
CHUNK = 64 * 1024


class LocalPendingFile(PendingFile):
    def __init__(self, temp: Path, final: Path, size: int, sha256: str) -> None:
        self._temp = temp
        self._final = final
        self.size = size
        self.sha256 = sha256

    async def keep(self) -> None:
        await asyncio.to_thread(self._rename)

    def _rename(self) -> None:
        self._final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._temp, self._final)

    async def discard(self) -> None:
        await asyncio.to_thread(self._temp.unlink, missing_ok=True)


class LocalDiskFileStore(FileStore):
    def __init__(self, root: str | Path) -> None:
        self._root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError("not a file store key")
        area, name = key.split("/")
        # Two hex digits of fan-out keep any one directory small.
        return self._root / area / name[:2] / name

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> PendingFile:
        final = self._path(key)
        temp_dir = self._root / ".tmp"
        await asyncio.to_thread(temp_dir.mkdir, parents=True, exist_ok=True)
        temp = temp_dir / f"{secrets.token_hex(16)}.part"
        handle: BinaryIO = await asyncio.to_thread(temp.open, "xb")
        digest = hashlib.sha256()
        size = 0
        try:
            try:
                async for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    await asyncio.to_thread(handle.write, chunk)
                await asyncio.to_thread(_flush, handle)
            finally:
                await asyncio.to_thread(handle.close)
        except BaseException:
            with contextlib.suppress(OSError):
                await asyncio.to_thread(temp.unlink, missing_ok=True)
            raise
        return LocalPendingFile(temp, final, size, digest.hexdigest())

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle: BinaryIO = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise NotFound("the stored file is missing", "file_missing") from None
        return _read(handle)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)


def _flush(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


async def _read(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)
