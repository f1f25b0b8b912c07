"""File rules (names, types, keys) and the use cases through the container, on in-memory
fakes of the repository and the store; the avatar's re-encoding with the real Pillow."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from PIL import Image, PngImagePlugin

from adapters.images.pillow import normalise
from bootstrap import Container
from core.file.model import (
    AVATAR_MAX_BYTES,
    AVATAR_PATH,
    MAX_NAME,
    StoredFile,
    accepted_type,
    clean_name,
    image_kind,
    stored_avatar,
)
from core.file.ports import FileFilter
from core.rbac.model import Principal, User
from core.shared.errors import InvalidInput, NotFound, TooLarge, UnsupportedType
from core.shared.pagination import PageRequest
from tests.unit.fakes import Store
from tests.unit.fakes_jobs import FakeJobsUnitOfWork
from tests.unit.file.fakes import BytesUpload, InMemoryFileStore

ADMIN = 1
PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture
def files_store(container: Container) -> Iterator[InMemoryFileStore]:
    store = InMemoryFileStore()
    container.file_store.override(providers.Object(store))
    yield store
    container.file_store.reset_override()


def _picture(fmt: str, size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(out, fmt, **save)
    return out.getvalue()


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0131] = "tracker 1.0"  # Software
    return exif.tobytes()


async def _user(store: Store, avatar: str | None = None) -> int:
    user = User(username="pic", password_hash="x", nickname="pic", avatar=avatar)
    store.add(user)
    assert user.id is not None
    return user.id


# --- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/report.pdf", "report.pdf"),
        (".htaccess", "htaccess"),
        ("...", "file"),
        ("", "file"),
        (None, "file"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a bidi override cannot flip the extension
        ("a\x00b\r\nc.txt", "ab c.txt"),
        ('what<>:"|?*.txt', "what_______.txt"),
        ("  spaced   name .txt  ", "spaced name .txt"),
        ("e\u0301te\u0301.txt", "\u00e9t\u00e9.txt"),  # NFC
        ("zero\u200bwidth.txt", "zerowidth.txt"),
    ],
)
def test_names_are_cleaned_to_data_that_cannot_reach_a_path(raw: str | None, clean: str) -> None:
    assert clean_name(raw) == clean


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    name = clean_name("x" * 500 + ".pdf")
    assert len(name) == MAX_NAME and name.endswith(".pdf")


# --- types ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["run.exe", "page.html", "pic.svg", "x.js", "noextension", "a."])
def test_types_outside_the_list_are_refused(name: str) -> None:
    with pytest.raises(UnsupportedType) as exc:
        accepted_type(name, b"anything")
    assert exc.value.code == "file_type_refused"


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("photo.png", b"<script>alert(1)</script>"),
        ("doc.pdf", b"PK\x03\x04zip inside"),
        ("notes.txt", b"MZ\x90\x00 an executable"),
        ("notes.txt", b"text with a \x00 byte"),
        ("sheet.xlsx", b"%PDF-1.4"),
    ],
)
def test_bytes_that_are_not_what_the_extension_says_are_refused(name: str, head: bytes) -> None:
    with pytest.raises(InvalidInput) as exc:
        accepted_type(name, head)
    assert exc.value.code == "file_type_mismatch"


@pytest.mark.parametrize("name", ["empty.pdf", "empty.txt"])
def test_an_empty_file_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        accepted_type(name, b"")
    assert exc.value.code == "file_empty"


@pytest.mark.parametrize(
    ("name", "head", "media_type"),
    [
        ("A.PDF", PDF, "application/pdf"),
        ("t.txt", "中文 text".encode(), "text/plain"),
        (
            "s.xlsx",
            b"PK\x03\x04....",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("p.jpeg", b"\xff\xd8\xff\xe0", "image/jpeg"),
    ],
)
def test_the_media_type_is_the_accepted_types(name: str, head: bytes, media_type: str) -> None:
    assert accepted_type(name, head) == media_type


def test_avatar_kinds_are_sniffed_from_the_bytes() -> None:
    assert image_kind(_picture("PNG")) == "png"
    assert image_kind(_picture("JPEG")) == "jpeg"
    assert image_kind(_picture("WEBP")) == "webp"
    for other in (_picture("GIF"), b"<svg/>", b"", _picture("BMP")):
        with pytest.raises(UnsupportedType) as exc:
            image_kind(other)
        assert exc.value.code == "avatar_type_unsupported"


def test_only_a_link_of_ours_names_a_stored_avatar() -> None:
    name = "0" * 32 + ".png"
    assert stored_avatar(AVATAR_PATH + name) == name
    assert stored_avatar("https://example.com" + AVATAR_PATH + name) is None
    assert stored_avatar(AVATAR_PATH + "../../secret_key") is None
    assert stored_avatar(None) is None


# --- attachments ------------------------------------------------------------------------------
async def test_an_upload_keeps_the_cleaned_name_and_the_bytes_under_a_generated_key(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    service = container.files()
    file_id = await service.upload(ADMIN, "../../secret/Q1 report.pdf", BytesUpload(PDF))
    file = store.table(StoredFile)[file_id]
    assert (file.name, file.media_type, file.size) == ("Q1 report.pdf", "application/pdf", len(PDF))
    assert file.creator_id == ADMIN and len(file.sha256) == 64
    assert file.storage_key.startswith("files/") and "report" not in file.storage_key
    assert files_store.kept == {file.storage_key: PDF} and files_store.temporary == {}
    got, chunks = await service.download(file_id)
    assert got.id == file_id and b"".join([c async for c in chunks]) == PDF


async def test_a_refused_upload_leaves_no_row_and_no_bytes(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    service = container.files()
    with pytest.raises(UnsupportedType):
        await service.upload(ADMIN, "x.exe", BytesUpload(b"MZ..."))
    with pytest.raises(InvalidInput):
        await service.upload(ADMIN, "x.png", BytesUpload(b"not a png"))
    assert store.live(StoredFile) == [] and files_store.kept == files_store.temporary == {}


async def test_a_file_over_the_limit_is_refused_and_nothing_is_left(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    container.file_max_bytes.override(providers.Object(1024))
    with pytest.raises(TooLarge) as exc:
        await container.files().upload(ADMIN, "big.txt", BytesUpload(b"a" * 1025))
    assert exc.value.code == "file_too_large"
    assert store.live(StoredFile) == [] and files_store.kept == files_store.temporary == {}


async def test_an_upload_broken_halfway_leaves_nothing(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    with pytest.raises(OSError):
        await container.files().upload(
            ADMIN, "big.txt", BytesUpload(b"a" * 300_000, fail_after=100_000)
        )
    assert store.live(StoredFile) == [] and files_store.kept == files_store.temporary == {}


class FailingCommit(FakeJobsUnitOfWork):
    async def commit(self) -> None:
        raise RuntimeError("the database went away")


async def test_when_the_row_does_not_commit_the_bytes_are_removed(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    container.uow.override(providers.Factory(FailingCommit, store))
    with pytest.raises(RuntimeError):
        await container.files().upload(ADMIN, "a.pdf", BytesUpload(PDF))
    with pytest.raises(RuntimeError):
        await container.avatars().upload(await _user(store), BytesUpload(_picture("PNG")))
    assert files_store.kept == files_store.temporary == {}


async def test_delete_removes_the_row_then_the_bytes(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    service = container.files()
    file_id = await service.upload(ADMIN, "a.pdf", BytesUpload(PDF))
    await service.delete(ADMIN, file_id)
    assert files_store.kept == {}
    for call in (service.get(file_id), service.download(file_id), service.delete(ADMIN, file_id)):
        with pytest.raises(NotFound) as exc:
            await call
        assert exc.value.code == "file_not_found"


async def test_the_list_filters_by_name_and_type(
    container: Container, files_store: InMemoryFileStore
) -> None:
    service = container.files()
    await service.upload(ADMIN, "Budget.pdf", BytesUpload(PDF))
    await service.upload(ADMIN, "notes.txt", BytesUpload(b"hello"))
    page = await service.search(FileFilter(name="budget"), PageRequest())
    assert [v.file.name for v in page.items] == ["Budget.pdf"]
    page = await service.search(FileFilter(media_type="text/plain"), PageRequest())
    assert [v.file.name for v in page.items] == ["notes.txt"]


async def test_bytes_the_store_lost_answer_file_missing(
    container: Container, files_store: InMemoryFileStore
) -> None:
    service = container.files()
    file_id = await service.upload(ADMIN, "a.pdf", BytesUpload(PDF))
    files_store.kept.clear()
    with pytest.raises(NotFound) as exc:
        await service.download(file_id)
    assert exc.value.code == "file_missing"


# --- avatars ----------------------------------------------------------------------------------
async def test_an_avatar_becomes_the_users_and_the_old_one_is_removed(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    uid = await _user(store)
    avatars = container.avatars()
    first = await avatars.upload(uid, BytesUpload(_picture("PNG")))
    assert first.startswith(AVATAR_PATH) and first.endswith(".png")
    profile = await container.profiles().profile(Principal(uid, "sid"))
    assert profile.fields["avatar"] == first
    second = await avatars.upload(uid, BytesUpload(_picture("WEBP")))
    assert second.endswith(".webp") and second != first
    assert list(files_store.kept) == [f"avatars/{second.rsplit('/', 1)[1]}"]
    # The profile was cached with the first link: the upload dropped it.
    profile = await container.profiles().profile(Principal(uid, "sid"))
    assert profile.fields["avatar"] == second
    data = b"".join([c async for c in await avatars.open(second.rsplit("/", 1)[1])])
    assert Image.open(io.BytesIO(data)).format == "WEBP"


async def test_a_link_elsewhere_is_replaced_and_not_touched(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    uid = await _user(store, avatar="https://example.com/me.png")
    link = await container.avatars().upload(uid, BytesUpload(_picture("JPEG")))
    assert store.table(User)[uid].avatar == link and len(files_store.kept) == 1


async def test_a_jpeg_with_a_script_appended_and_exif_comes_back_clean(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    script = b"<script>alert(document.cookie)</script>"
    polyglot = _picture("JPEG", exif=_exif(), comment=b"hello") + script
    uid = await _user(store)
    await container.avatars().upload(uid, BytesUpload(polyglot))
    (data,) = files_store.kept.values()
    assert script not in data and b"SpyCam" not in data and b"tracker" not in data
    clean = Image.open(io.BytesIO(data))
    assert clean.format == "JPEG" and clean.size == (64, 48)
    assert not clean.getexif() and "comment" not in clean.info and "exif" not in clean.info
    assert data.endswith(b"\xff\xd9")  # the JPEG ends where its image ends


async def test_a_large_picture_is_scaled_down(
    container: Container, store: Store, files_store: InMemoryFileStore
) -> None:
    uid = await _user(store)
    await container.avatars().upload(uid, BytesUpload(_picture("PNG", (2000, 1000))))
    (data,) = files_store.kept.values()
    assert Image.open(io.BytesIO(data)).size == (512, 256)


def _png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 10))


@pytest.mark.parametrize(
    ("data", "error", "code"),
    [
        (b"GIF89a" + b"\0" * 100, UnsupportedType, "avatar_type_unsupported"),
        (b"<svg onload=alert(1)>", UnsupportedType, "avatar_type_unsupported"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, InvalidInput, "image_invalid"),
        (_picture("PNG")[:60], InvalidInput, "image_invalid"),  # cut short
        (_png_header_only(20_000, 20_000), InvalidInput, "image_too_large"),
        (b"\xff\xd8\xff" + b"\0" * (AVATAR_MAX_BYTES + 1), TooLarge, "avatar_too_large"),
    ],
)
async def test_bad_avatars_are_refused_and_change_nothing(
    container: Container,
    store: Store,
    files_store: InMemoryFileStore,
    data: bytes,
    error: type[Exception],
    code: str,
) -> None:
    uid = await _user(store, avatar=None)
    with pytest.raises(error) as exc:
        await container.avatars().upload(uid, BytesUpload(data))
    assert getattr(exc.value, "code", None) == code
    assert store.table(User)[uid].avatar is None
    assert files_store.kept == files_store.temporary == {}


async def test_an_avatar_name_of_another_shape_is_not_found(
    container: Container, files_store: InMemoryFileStore
) -> None:
    for name in ("../secret_key", "0" * 32 + ".png", "x.png"):
        with pytest.raises(NotFound):
            await container.avatars().open(name)


async def test_the_module_seeds_its_page_and_labels(seeded: Container, store: Store) -> None:
    from core.rbac.model import Menu, PermLabel

    labels = {label.label for label in store.live(PermLabel)}
    assert {"perm:file:get", "perm:file:post", "perm:file:delete"} <= labels
    assert "perm:file:put" not in labels
    menus = {m.name: m for m in store.live(Menu)}
    assert menus["system_file"].component == "file/index"
    assert menus["system_file:post"].perm == "perm:file:post"


def test_the_cameras_orientation_is_applied_before_the_exif_goes() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    data = normalise(_picture("JPEG", (40, 20), exif=exif.tobytes()), "jpeg", 512)
    clean = Image.open(io.BytesIO(data))
    assert clean.size == (20, 40) and not clean.getexif()


def test_transparency_survives_in_png_and_webp() -> None:
    for fmt, kind in (("PNG", "png"), ("WEBP", "webp")):
        out = io.BytesIO()
        Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(out, fmt)
        clean = Image.open(io.BytesIO(normalise(out.getvalue(), kind, 512)))
        pixel = clean.getpixel((0, 0))
        assert clean.mode == "RGBA" and isinstance(pixel, tuple) and pixel[3] == 0


def test_a_png_with_a_colour_profile_and_text_comes_back_without_them() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "tracking-id-123")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info, icc_profile=b"\0" * 200)
    data = normalise(out.getvalue(), "png", 512)
    assert b"tracking-id-123" not in data and b"iCCP" not in data
