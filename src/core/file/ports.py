"""Ports of the file module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.file.model import StoredFile
from core.rbac.ports import RbacUnitOfWork
from core.shared.pagination import Page, PageRequest, TimeRange


class Upload(Protocol):
    """An uploaded file as the edge received it (spooled), read from its start."""

    async def read(self, size: int = -1) -> bytes: ...
    async def seek(self, offset: int) -> None: ...


@dataclass(frozen=True, kw_only=True)
class FileFilter:
    """`name`: the text anywhere in the name, case-blind; `media_type`: exactly."""

    name: str | None = None
    media_type: str | None = None
    created: TimeRange = TimeRange()


@dataclass(frozen=True)
class FileRow:
    """A stored file as a list shows it: with its uploader's username."""

    file: StoredFile
    creator: str | None


class FileRepository(Protocol):
    """Live stored files; a deleted one is invisible to every method."""

    async def add(self, file: StoredFile) -> None: ...
    async def get(self, file_id: int, *, lock: bool = False) -> StoredFile | None: ...
    async def search(self, flt: FileFilter, page: PageRequest) -> Page[FileRow]: ...
    async def creator_of(self, file: StoredFile) -> str | None: ...


class FileUnitOfWork(RbacUnitOfWork, Protocol):
    """The files, and the users whose `avatar` an upload sets."""

    files: FileRepository
