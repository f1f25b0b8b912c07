"""Response shapes of the backup module."""

from __future__ import annotations

from pydantic import BaseModel


class TableCountOut(BaseModel):
    name: str
    rows: int


class RestoreOut(BaseModel):
    revision: str
    rows: int
    tables: list[TableCountOut]
