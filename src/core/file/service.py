"""Use cases of the file module: attachments (upload, list, download, delete) and avatars."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from core.file.model import (
    AVATAR_MAX_BYTES,
    AVATAR_MAX_SIDE,
    AVATAR_NAME,
    AVATAR_PATH,
    HEAD_BYTES,
    StoredFile,
    accepted_type,
    avatar_key,
    clean_name,
    image_kind,
    new_avatar_name,
    new_file_key,
    stored_avatar,
)
from core.file.ports import FileFilter, FileUnitOfWork, Upload
from core.rbac.service import AccessService
from core.shared.clock import Clock
from core.shared.entity import require
from core.shared.errors import NotFound, TooLarge
from core.shared.files import FileStore, PendingFile
from core.shared.images import ImageNormaliser
from core.shared.pagination import Page, PageRequest

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileView:
    file: StoredFile
    creator: str | None


async def _chunks(source: Upload) -> AsyncIterator[bytes]:
    while chunk := await source.read(CHUNK):
        yield chunk


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _keep_after(pending: PendingFile, commit: Callable[[], Awaitable[None]]) -> None:
    """Runs the row's transaction; the bytes are kept only once it committed, and removed
    whatever went wrong before."""
    try:
        await commit()
    except BaseException:
        await pending.discard()
        raise
    await pending.keep()


class FileService:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        clock: Clock,
        store: FileStore,
        max_bytes: int,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._store = store
        self._max_bytes = max_bytes

    async def upload(self, actor: int, filename: str | None, source: Upload) -> int:
        """A new attachment: the name cleaned, the type judged from the bytes, at most the
        configured size; the bytes are kept under a generated key once the row commits."""
        name = clean_name(filename)
        head = await source.read(HEAD_BYTES)
        await source.seek(0)
        media_type = accepted_type(name, head)
        key = new_file_key()
        pending = await self._store.put(key, _chunks(source))
        file = StoredFile(
            storage_key=key,
            name=name,
            media_type=media_type,
            size=pending.size,
            sha256=pending.sha256,
        )

        async def commit() -> None:
            if pending.size > self._max_bytes:
                raise TooLarge(
                    f"the file is larger than {self._max_bytes >> 20} MiB",
                    "file_too_large",
                )
            file.stamp_created(actor, self._clock.now())
            async with self._uow() as uow:
                await uow.files.add(file)
                await uow.commit()

        await _keep_after(pending, commit)
        assert file.id is not None
        return file.id

    async def search(self, flt: FileFilter, page: PageRequest) -> Page[FileView]:
        async with self._uow() as uow:
            rows = await uow.files.search(flt, page)
        items = [FileView(r.file, r.creator) for r in rows.items]
        return Page(items, rows.total, rows.page, rows.size)

    async def get(self, file_id: int) -> FileView:
        async with self._uow() as uow:
            file = require(await uow.files.get(file_id), "file")
            return FileView(file, await uow.files.creator_of(file))

    async def download(self, file_id: int) -> tuple[StoredFile, AsyncIterator[bytes]]:
        """The row and its bytes; NotFound `file_missing` if the store lost them."""
        async with self._uow() as uow:
            file = require(await uow.files.get(file_id), "file")
        return file, await self._store.open(file.storage_key)

    async def delete(self, actor: int, file_id: int) -> None:
        """The row goes first; then the bytes (a crash between leaves unreferenced bytes,
        never a row without its file)."""
        async with self._uow() as uow:
            file = require(await uow.files.get(file_id, lock=True), "file")
            file.soft_delete(actor, self._clock.now())
            await uow.commit()
        await _forget(self._store, file.storage_key)


async def _forget(store: FileStore, key: str) -> None:
    try:
        await store.delete(key)
    except OSError:
        log.warning("could not remove the stored file %s; it is no longer referenced", key)


class AvatarService:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        clock: Clock,
        store: FileStore,
        images: ImageNormaliser,
        access: AccessService,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._store = store
        self._images = images
        self._access = access

    async def upload(self, user_id: int, source: Upload) -> str:
        """The user's new avatar: a PNG, JPEG or WebP (judged from the bytes) of at most
        2 MiB, encoded again so only its pixels remain; the old stored avatar is removed.
        Answers the new `avatar` link."""
        data = await source.read(AVATAR_MAX_BYTES + 1)
        if len(data) > AVATAR_MAX_BYTES:
            raise TooLarge("an avatar is at most 2 MiB", "avatar_too_large")
        kind = image_kind(data[:HEAD_BYTES])
        clean = await self._images.normalise(data, kind, AVATAR_MAX_SIDE)
        name = new_avatar_name(kind)
        link = AVATAR_PATH + name
        pending = await self._store.put(avatar_key(name), _once(clean))
        old: str | None = None

        async def commit() -> None:
            nonlocal old
            async with self._uow() as uow:
                user = require(await uow.users.get(user_id, lock=True), "user")
                old = user.avatar
                user.change_contact(avatar=link)
                user.stamp_modified(user_id, self._clock.now())
                await uow.commit()

        await _keep_after(pending, commit)
        await self._access.forget_users(user_id)
        previous = stored_avatar(old)
        if previous is not None:
            await _forget(self._store, avatar_key(previous))
        return link

    async def open(self, name: str) -> AsyncIterator[bytes]:
        """A stored avatar's bytes by its name; a name of another shape is not found."""
        if not AVATAR_NAME.match(name):
            raise NotFound("no such avatar", "avatar_not_found")
        return await self._store.open(avatar_key(name))
