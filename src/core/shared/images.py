"""The port of an image normaliser: an uploaded picture decoded and encoded again."""

from __future__ import annotations

from typing import Protocol


class ImageNormaliser(Protocol):
    """Decodes the image and encodes its pixels again in the same format, so only pixels are
    kept: no metadata (EXIF, comments, colour profiles), nothing appended after the image's end.

    `kind` is the format the bytes were sniffed as (`png`, `jpeg`, `webp`). Bytes that do not
    decode as that format are InvalidInput (`image_invalid`); pictures larger than
    `max_side` pixels on a side are scaled down to it. CPU work: off the event loop.
    """

    async def normalise(self, data: bytes, kind: str, max_side: int) -> bytes: ...
