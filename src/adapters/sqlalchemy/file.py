"""Tables and SQLAlchemy repository of the file module."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    String,
    Table,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.base import contains, in_range, live, locked
from adapters.sqlalchemy.rbac import users
from adapters.sqlalchemy.tables import audit_columns, metadata
from core.file.model import StoredFile
from core.file.ports import FileFilter, FileRepository, FileRow
from core.shared.pagination import Page, PageRequest

# --- tables ---
files = Table(
    "t_file",
    metadata,
    *audit_columns(),
    # Generated (`files/<32 hex>`, never reused); unique with is_deleted like every key (decision 2).
    Column("storage_key", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    UniqueConstraint("storage_key", "is_deleted"),
)


class SqlAlchemyFileRepository(FileRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, file: StoredFile) -> None:
        self._s.add(file)
        await self._s.flush()

    async def get(self, file_id: int, *, lock: bool = False) -> StoredFile | None:
        query = select(StoredFile).where(files.c.id == file_id, live(files))
        return await self._s.scalar(locked(query, lock))

    async def creator_of(self, file: StoredFile) -> str | None:
        if file.creator_id is None:
            return None
        name: str | None = await self._s.scalar(
            select(users.c.username).where(users.c.id == file.creator_id)
        )
        return name

    async def search(self, flt: FileFilter, page: PageRequest) -> Page[FileRow]:
        c, u = files.c, users.c
        where: list[ColumnElement[bool]] = [live(files), *contains(c.name, flt.name)]
        if flt.media_type is not None:
            where.append(c.media_type == flt.media_type)
        where += in_range(c.created_time, flt.created)
        sortable: dict[str, Any] = {
            "id": c.id,
            "created_time": c.created_time,
            "size": c.size,
            "name": c.name,
        }
        if page.sort not in sortable:
            raise ValueError(f"cannot sort by {page.sort}")
        column = sortable[page.sort]
        order = [column.desc() if page.descending else column.asc(), c.id.desc()]
        total = await self._s.scalar(select(func.count()).select_from(files).where(*where)) or 0
        query = (
            select(StoredFile, u.username)
            .outerjoin(users, u.id == c.creator_id)
            .where(*where)
            .order_by(*order)
            .offset(page.offset)
            .limit(page.size)
        )
        items = [FileRow(f, name) for f, name in await self._s.execute(query)]
        return Page(items, total, page.page, page.size)


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "files": SqlAlchemyFileRepository,
}
MAPPINGS = ((StoredFile, files),)
