"""Response shapes of the reports module."""

from __future__ import annotations

from pydantic import BaseModel


class ReportColumnOut(BaseModel):
    key: str
    header: str
    header_en: str
    type: str
    dictionary: str | None = None
    required: bool = False


class ReportOut(BaseModel):
    name: str
    title: str
    title_en: str
    can_export: bool
    can_import: bool
    columns: list[ReportColumnOut]
    import_columns: list[ReportColumnOut]


class ImportOut(BaseModel):
    count: int
