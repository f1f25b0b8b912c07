"""Stored files (attachments) and avatars: the rules on names, types and keys.

A stored file's bytes live in the file store under a generated key; the name the uploader
gave is kept as data only (cleaned: no path, no control or bidi characters), so no name can
reach the store's paths or spoof an extension. Its type is judged from the bytes: the name's
extension must be one of the accepted types, and the bytes must be what that extension says.
The media type answered on download is the accepted type's, never the one the client sent.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from core.shared.errors import InvalidInput, UnsupportedType
from core.shared.model import Entity

MAX_NAME = 200
# How much of an upload the type check reads.
HEAD_BYTES = 512

# --- avatars ---
AVATAR_MAX_BYTES = 2 << 20
# Larger pictures are scaled down to this many pixels on their longer side: an avatar is shown
# at 30 to 88 CSS pixels, so 512 is sharp on any screen and keeps each file small.
AVATAR_MAX_SIDE = 512
# What the user's `avatar` field holds: the public route that serves the file by its name.
AVATAR_PATH = "/api/v1/user/avatar/"
AVATAR_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|webp)$")
AVATAR_MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_AVATAR_EXTENSION = {"png": "png", "jpeg": "jpg", "webp": "webp"}


@dataclass(kw_only=True, eq=False)
class StoredFile(Entity):
    """An attachment: the store's key, the uploader's cleaned name, the accepted type."""

    storage_key: str
    name: str
    media_type: str
    size: int
    sha256: str


def new_file_key() -> str:
    """128 random bits: nobody guesses another file's key."""
    return f"files/{secrets.token_hex(16)}"


# --- names ----------------------------------------------------------------------------------
_UNSAFE = re.compile(r'[<>:"/\\|?*]')
# Controls, format characters (bidi overrides such as U+202E that spoof an extension,
# zero-width ones), surrogates, private-use and unassigned code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_name(raw: str | None) -> str:
    """The uploader's file name as data: its last path segment, NFC, without control, bidi or
    reserved characters and leading dots, at most MAX_NAME characters (the extension kept);
    `file` when nothing is left."""
    text = unicodedata.normalize("NFC", raw or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES or ch.isspace()
    )
    text = _UNSAFE.sub("_", " ".join(text.split())).lstrip(". ").rstrip(". ")
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            text = stem[: MAX_NAME - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            text = text[:MAX_NAME].rstrip(". ")
    return text or "file"


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# --- accepted types: extension -> (media type, check of the first bytes) -------------------
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
GIF = (b"GIF87a", b"GIF89a")
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy Office formats
PDF = b"%PDF-"
# Signatures no text file starts with (a renamed executable or archive is not text).
_BINARY = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", PNG, JPEG, PDF, OLE, *GIF, *ZIP)

Check = Callable[[bytes], bool]


def _starts(*prefixes: bytes) -> Check:
    return lambda head: head.startswith(prefixes)


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _text(head: bytes) -> bool:
    """No NUL byte and no binary signature: text in any 8-bit encoding (UTF-8, GBK, ...)."""
    return b"\x00" not in head and not head.startswith(_BINARY)


TYPES: dict[str, tuple[str, Check]] = {
    "png": ("image/png", _starts(PNG)),
    "jpg": ("image/jpeg", _starts(JPEG)),
    "jpeg": ("image/jpeg", _starts(JPEG)),
    "gif": ("image/gif", _starts(*GIF)),
    "webp": ("image/webp", _webp),
    "pdf": ("application/pdf", _starts(PDF)),
    "zip": ("application/zip", _starts(*ZIP)),
    "7z": ("application/x-7z-compressed", _starts(b"7z\xbc\xaf\x27\x1c")),
    "gz": ("application/gzip", _starts(b"\x1f\x8b")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _starts(*ZIP),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _starts(*ZIP)),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _starts(*ZIP),
    ),
    "doc": ("application/msword", _starts(OLE)),
    "xls": ("application/vnd.ms-excel", _starts(OLE)),
    "ppt": ("application/vnd.ms-powerpoint", _starts(OLE)),
    "txt": ("text/plain", _text),
    "csv": ("text/csv", _text),
    "md": ("text/markdown", _text),
    "log": ("text/plain", _text),
}


def accepted_type(name: str, head: bytes) -> str:
    """The media type of an upload named `name` whose bytes start with `head`.

    An extension outside TYPES (executables, HTML, SVG, scripts...) is UnsupportedType
    (`file_type_refused`, 415); bytes that are not what the extension says are InvalidInput
    (`file_type_mismatch`, 422).
    """
    ext = extension_of(name)
    if ext not in TYPES:
        raise UnsupportedType(
            f"files of type .{ext or '(none)'} are not accepted", "file_type_refused"
        )
    media_type, check = TYPES[ext]
    if not head:
        raise InvalidInput("the file is empty", "file_empty", "file")
    if not check(head):
        raise InvalidInput(f"the file's content is not a .{ext} file", "file_type_mismatch", "file")
    return media_type


# --- avatars ----------------------------------------------------------------------------------
def image_kind(head: bytes) -> str:
    """`png`, `jpeg` or `webp` from the bytes alone (the name and the header are not asked);
    anything else is UnsupportedType (`avatar_type_unsupported`, 415)."""
    if head.startswith(PNG):
        return "png"
    if head.startswith(JPEG):
        return "jpeg"
    if _webp(head):
        return "webp"
    raise UnsupportedType("an avatar is a PNG, JPEG or WebP picture", "avatar_type_unsupported")


def new_avatar_name(kind: str) -> str:
    """128 random bits: served without a token, an avatar is found only by its holder's link."""
    return f"{secrets.token_hex(16)}.{_AVATAR_EXTENSION[kind]}"


def avatar_key(name: str) -> str:
    if not AVATAR_NAME.match(name):
        raise ValueError("not an avatar name")
    return f"avatars/{name}"


def stored_avatar(avatar: str | None) -> str | None:
    """The name of the stored avatar a user's `avatar` field points at (None: a link elsewhere,
    or none)."""
    if avatar and avatar.startswith(AVATAR_PATH):
        name = avatar[len(AVATAR_PATH) :]
        if AVATAR_NAME.match(name):
            return name
    return None
