"""In-memory fakes of the file module: its repository (FakeUnitOfWork opens it by convention),
the file store and an upload."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterable, AsyncIterator

from core.file.model import StoredFile
from core.file.ports import FileFilter, FileRepository, FileRow, Upload
from core.shared.errors import NotFound
from core.shared.files import FileStore, PendingFile
from core.shared.pagination import Page, PageRequest
from tests.unit.fakes import _page, _Repo


class FakeFileRepository(_Repo[StoredFile], FileRepository):
    kind = StoredFile

    async def creator_of(self, file: StoredFile) -> str | None:
        return None

    async def search(self, flt: FileFilter, page: PageRequest) -> Page[FileRow]:
        rows = [
            f
            for f in self.s.live(StoredFile)
            if (not flt.name or flt.name.casefold() in f.name.casefold())
            and flt.media_type in (None, f.media_type)
        ]
        result = _page(rows, page)
        return Page([FileRow(f, None) for f in result.items], result.total, page.page, page.size)


REPOSITORIES = {"files": FakeFileRepository}


class InMemoryPendingFile(PendingFile):
    def __init__(self, store: InMemoryFileStore, key: str, data: bytes) -> None:
        self._store, self._key, self._data = store, key, data
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()

    async def keep(self) -> None:
        self._store.temporary.pop(self._key, None)
        self._store.kept[self._key] = self._data

    async def discard(self) -> None:
        self._store.temporary.pop(self._key, None)


class InMemoryFileStore(FileStore):
    """`temporary`: written and not kept yet; `kept`: readable by key."""

    def __init__(self) -> None:
        self.temporary: dict[str, bytes] = {}
        self.kept: dict[str, bytes] = {}

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> PendingFile:
        parts = []
        try:
            async for chunk in chunks:
                parts.append(chunk)
                self.temporary[key] = b"".join(parts)
        except BaseException:
            self.temporary.pop(key, None)
            raise
        return InMemoryPendingFile(self, key, b"".join(parts))

    async def open(self, key: str) -> AsyncIterator[bytes]:
        if key not in self.kept:
            raise NotFound("the stored file is missing", "file_missing")
        data = self.kept[key]

        async def chunks() -> AsyncIterator[bytes]:
            yield data

        return chunks()

    async def delete(self, key: str) -> None:
        self.kept.pop(key, None)


class BytesUpload(Upload):
    """An upload of these bytes; `fail_after` bytes read, the next read breaks (a client gone)."""

    def __init__(self, data: bytes, fail_after: int | None = None) -> None:
        self._buf = io.BytesIO(data)
        self._fail_after = fail_after

    async def read(self, size: int = -1) -> bytes:
        if self._fail_after is not None and self._buf.tell() >= self._fail_after:
            raise OSError("the client went away")
        return self._buf.read(size)

    async def seek(self, offset: int) -> None:
        self._buf.seek(offset)
