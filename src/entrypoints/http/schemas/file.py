"""Request and response shapes of the file module."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from entrypoints.http.schemas.common import Output


class FileOut(Output):
    id: int
    name: str = Field(description="the uploader's file name, cleaned; data only")
    media_type: str = Field(description="the accepted type, judged from the bytes")
    size: int
    sha256: str
    creator_id: int | None
    creator: str | None
    created_time: datetime | None


class AvatarOut(Output):
    avatar: str = Field(description="the new avatar's link, now the user's `avatar`")
