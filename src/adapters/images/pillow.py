"""The image normaliser, with Pillow: decode, orient, shrink, encode again without metadata.

Only the decoded pixels reach the new file: EXIF (with its GPS position), comments, XMP,
colour profiles and anything appended after the image's end (a script behind a JPEG, a zip
behind a PNG) stay behind. The size in pixels is judged from the header before anything is
decoded, so a small file that unpacks to a huge bitmap is refused without the memory.
"""

from __future__ import annotations

import asyncio
import io

from PIL import Image, ImageOps, UnidentifiedImageError

from core.shared.errors import InvalidInput
from core.shared.images import ImageNormaliser

FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# 40 megapixels: any camera's picture, well below what would strain the worker's memory.
MAX_PIXELS = 40_000_000


def _invalid() -> InvalidInput:
    return InvalidInput("the picture is damaged or not what it claims", "image_invalid", "file")


def normalise(data: bytes, kind: str, max_side: int) -> bytes:
    fmt = FORMATS[kind]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as source:
            width, height = source.size
            if width * height > MAX_PIXELS:
                raise InvalidInput("the picture has too many pixels", "image_too_large", "file")
            source.load()  # the first frame only: an avatar does not move
            picture = ImageOps.exif_transpose(source)  # as the camera meant it, then no EXIF
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _invalid() from exc
    except Image.DecompressionBombError as exc:
        raise InvalidInput("the picture has too many pixels", "image_too_large", "file") from exc
    alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    picture = picture.convert("RGBA" if alpha and fmt != "JPEG" else "RGB")
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    picture.info.clear()  # encoders fall back to info for the ICC profile and more
    out = io.BytesIO()
    if fmt == "JPEG":
        picture.save(out, fmt, quality=90, optimize=True)
    elif fmt == "PNG":
        picture.save(out, fmt, optimize=True)
    else:
        picture.save(out, fmt, quality=90)
    return out.getvalue()


class PillowImageNormaliser(ImageNormaliser):
    async def normalise(self, data: bytes, kind: str, max_side: int) -> bytes:
        return await asyncio.to_thread(normalise, data, kind, max_side)
