"""Files and avatars over HTTP on the database server + Redis, with the local-disk store in a
directory of the test's own: upload, list, download, delete, bad input that leaves nothing
behind, labels, avatars served without a token and cleaned, two instances on one directory."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from adapters.files.local import LocalDiskFileStore
from adapters.sqlalchemy.file import files
from adapters.sqlalchemy.rbac import users
from core.file.service import FileService
from core.shared.errors import NotFound, TooLarge
from tests.integration.conftest import App, execute, unique
from tests.unit.file.fakes import BytesUpload

FILES = "/api/v1/system/file"
AVATAR = "/api/v1/user/avatar"
PASSWORD = "a fine password 1"
PDF = b"%PDF-1.7\n" + b"0123456789" * 1000


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="module")
def app(make_app: Callable[..., App], root: Path) -> App:
    return make_app(file_dir=str(root), file_max_mib=1)


@pytest.fixture(scope="module")
def admin_h(app: App) -> dict[str, str]:
    return app.login("admin", "admin123")


def _stored(root: Path) -> list[Path]:
    """Every file under the store's directory, temporary ones included."""
    return sorted(p for p in root.rglob("*") if p.is_file())


def _upload(app: App, h: dict[str, str], name: str, data: bytes, mime: str = "x/y") -> Any:
    return app.client.post(FILES, headers=h, files={"file": (name, data, mime)})


def _rows_named(app: App, name: str) -> int:
    return int(execute(app, select(func.count()).where(files.c.name == name))[0][0])


def _user(
    app: App, admin: dict[str, str], role_codes: tuple[str, ...] = ()
) -> tuple[int, dict[str, str]]:
    roles = app.client.get("/api/v1/permission/role", headers=admin, params={"size": 100}).json()
    ids = [r["id"] for r in roles["items"] if r["code"] in role_codes]
    name = unique("up")
    r = app.client.post(
        "/api/v1/permission/user",
        headers=admin,
        json={"username": name, "password": PASSWORD, "role_ids": ids},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"]), app.login(name, PASSWORD)


def _picture(fmt: str, **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, fmt, **save)
    return out.getvalue()


def test_upload_list_download_and_delete(app: App, admin_h: dict[str, str], root: Path) -> None:
    name = unique("Quarterly report ") + " 季度.pdf"
    r = _upload(app, admin_h, "../../../" + name, PDF, "text/html")
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    got = app.client.get(f"{FILES}/{fid}", headers=admin_h).json()
    # The path is gone from the name; the type is the bytes', not the header's.
    assert (got["name"], got["media_type"], got["size"]) == (name, "application/pdf", len(PDF))
    assert got["creator"] == "admin"
    listed = app.client.get(FILES, headers=admin_h, params={"name": name[:20]}).json()
    assert [f["id"] for f in listed["items"]] == [fid]
    by_type = app.client.get(FILES, headers=admin_h, params={"media_type": "application/pdf"})
    assert fid in [f["id"] for f in by_type.json()["items"]]

    down = app.client.get(f"{FILES}/{fid}/download", headers=admin_h)
    assert down.status_code == 200 and down.content == PDF
    assert down.headers["content-type"] == "application/pdf"
    assert down.headers["x-content-type-options"] == "nosniff"
    disposition = down.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"download.pdf\"; filename*=UTF-8''")
    assert "%E5%AD%A3%E5%BA%A6.pdf" in disposition and "/" not in disposition.split("''")[1]
    # The bytes are under the store's own directory, under a generated name.
    stored = [p for p in _stored(root) if p.read_bytes() == PDF]
    assert len(stored) == 1 and root in stored[0].parents and "report" not in str(stored[0])

    assert app.client.delete(f"{FILES}/{fid}", headers=admin_h).status_code == 204
    assert not stored[0].exists()
    # The kept list follows the delete (the table's generation moved on).
    listed = app.client.get(FILES, headers=admin_h, params={"name": name[:20]}).json()
    assert listed["items"] == [] and listed["total"] == 0
    for path in (f"{FILES}/{fid}", f"{FILES}/{fid}/download"):
        r = app.client.get(path, headers=admin_h)
        assert (r.status_code, r.json()["code"]) == (404, "file_not_found")


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("big.txt", b"a" * ((1 << 20) + 100_000), 413, "payload_too_large"),
        ("setup.exe", b"MZ\x90\x00", 415, "file_type_refused"),
        ("page.html", b"<script>alert(1)</script>", 415, "file_type_refused"),
        ("photo.png", b"<script>alert(1)</script>", 422, "file_type_mismatch"),
        ("notes.txt", b"MZ\x90\x00\x03", 422, "file_type_mismatch"),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(
    app: App, admin_h: dict[str, str], root: Path, name: str, data: bytes, status: int, code: str
) -> None:
    before = _stored(root)
    tagged = unique("bad") + name
    r = _upload(app, admin_h, tagged, data)
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert _rows_named(app, tagged) == 0
    assert _stored(root) == before


def test_an_upload_that_is_not_multipart_is_a_clear_400(app: App, admin_h: dict[str, str]) -> None:
    r = app.client.post(FILES, headers=admin_h, json={"file": "x"})
    assert (r.status_code, r.json()["code"]) == (400, "upload_missing")


def test_a_failed_upload_leaves_no_file_on_the_disk(app: App, root: Path) -> None:
    """Through the service on the real store and database: a stream that breaks, and a file
    over the service's own limit, each leave no row and no temporary file."""
    before = _stored(root)
    service = app.container.files()
    name = unique("broken") + ".txt"

    async def broken() -> None:
        await service.upload(1, name, BytesUpload(b"a" * 500_000, fail_after=200_000))

    with pytest.raises(OSError):
        app.run(broken)
    # The same store and database, with a limit below the upload's size.
    strict = FileService(
        app.container.uow.provider, app.container.clock(), app.container.file_store(), 1000
    )

    async def too_big() -> None:
        await strict.upload(1, name, BytesUpload(b"a" * 2000))

    with pytest.raises(TooLarge):
        app.run(too_big)
    assert _rows_named(app, name) == 0
    assert _stored(root) == before


def test_labels_the_operator_reads_and_downloads_but_does_not_upload_or_delete(
    app: App, admin_h: dict[str, str]
) -> None:
    fid = _upload(app, admin_h, "shared.txt", b"for everyone").json()["id"]
    _, opt = _user(app, admin_h, ("opt",))
    assert app.client.get(f"{FILES}/{fid}/download", headers=opt).content == b"for everyone"
    for r in (
        _upload(app, opt, "mine.txt", b"x"),
        app.client.delete(f"{FILES}/{fid}", headers=opt),
    ):
        assert (r.status_code, r.json()["code"]) == (403, "permission_denied")
    _, nobody = _user(app, admin_h)
    r = app.client.get(f"{FILES}/{fid}/download", headers=nobody)
    assert (r.status_code, r.json()["code"]) == (403, "permission_denied")


def test_two_instances_on_one_directory_share_the_files(
    make_app_for_test: Callable[..., App], root: Path
) -> None:
    a = make_app_for_test(file_dir=str(root))
    b = make_app_for_test(file_dir=str(root))
    h = a.login("admin", "admin123")
    fid = _upload(a, h, "both.txt", b"seen by both").json()["id"]
    assert b.client.get(f"{FILES}/{fid}/download", headers=h).content == b"seen by both"
    assert b.client.delete(f"{FILES}/{fid}", headers=h).status_code == 204
    assert a.client.get(f"{FILES}/{fid}/download", headers=h).status_code == 404


# --- avatars ----------------------------------------------------------------------------------
def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    return exif.tobytes()


def _avatar_of(app: App, uid: int) -> str | None:
    value: str | None = execute(app, select(users.c.avatar).where(users.c.id == uid))[0][0]
    return value


def test_an_avatar_polyglot_comes_back_clean_and_is_shown_everywhere(
    app: App, admin_h: dict[str, str], root: Path
) -> None:
    uid, me = _user(app, admin_h)
    script = b"<script>alert(document.cookie)</script>"
    polyglot = _picture("JPEG", exif=_exif()) + script
    r = app.client.post(AVATAR, headers=me, files={"file": ("me.html", polyglot, "text/html")})
    assert r.status_code == 200, r.text
    link = r.json()["avatar"]
    assert link.startswith(AVATAR + "/") and link.endswith(".jpg")
    assert app.client.get("/api/v1/user/info", headers=me).json()["avatar"] == link
    listed = app.client.get(f"/api/v1/permission/user/{uid}", headers=admin_h).json()
    assert listed["avatar"] == link

    shown = app.client.get(link)  # no token: <img> sends none
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in shown.headers["cache-control"]
    assert script not in shown.content and b"SpyCam" not in shown.content
    picture = Image.open(io.BytesIO(shown.content))
    assert picture.format == "JPEG" and not picture.getexif()

    # A new avatar replaces it, and the old one's file is gone.
    old_files = _stored(root)
    r = app.client.post(AVATAR, headers=me, files={"file": ("x.bin", _picture("PNG"), "a/b")})
    new = r.json()["avatar"]
    assert new.endswith(".png") and _avatar_of(app, uid) == new
    assert app.client.get(link).status_code == 404
    assert app.client.get(new).status_code == 200
    assert len(_stored(root)) == len(old_files)


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"GIF89a" + b"\0" * 50, 415, "avatar_type_unsupported"),
        (b"\x89PNG\r\n\x1a\n" + b"not really" * 10, 422, "image_invalid"),
        (b"\xff\xd8\xff" + b"\0" * ((2 << 20) + 100_000), 413, "payload_too_large"),
    ],
)
def test_bad_avatars_are_refused_and_keep_the_old_one(
    app: App, admin_h: dict[str, str], root: Path, data: bytes, status: int, code: str
) -> None:
    uid, me = _user(app, admin_h)
    before = _stored(root)
    r = app.client.post(AVATAR, headers=me, files={"file": ("a.png", data, "image/png")})
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert _avatar_of(app, uid) is None and _stored(root) == before


@pytest.mark.parametrize(
    "name", ["..%2F..%2Fsecret_key", "0" * 32 + ".svg", "0" * 32 + ".png", "x.png"]
)
def test_an_avatar_route_serves_only_avatar_names(app: App, name: str) -> None:
    r = app.client.get(f"{AVATAR}/{name}")
    assert r.status_code in (404, 422) and "code" in r.json()


# --- the local store itself -------------------------------------------------------------------
async def _chunks(*parts: bytes) -> Any:
    for part in parts:
        yield part


def test_the_local_store_keeps_only_what_is_kept_and_refuses_foreign_keys(tmp_path: Path) -> None:
    import asyncio

    store = LocalDiskFileStore(tmp_path)
    key = "files/" + "a" * 32

    async def run() -> None:
        pending = await store.put(key, _chunks(b"ab", b"cd"))
        assert pending.size == 4
        with pytest.raises(NotFound):
            await store.open(key)  # not visible before it is kept
        await pending.keep()
        assert b"".join([c async for c in await store.open(key)]) == b"abcd"
        dropped = await store.put("files/" + "b" * 32, _chunks(b"x"))
        await dropped.discard()
        await store.delete(key)
        await store.delete(key)  # twice: no error
        for bad in ("../../etc/passwd", "files/../../x", "files/" + "A" * 32, "/abs/" + "a" * 32):
            with pytest.raises(ValueError):
                await store.put(bad, _chunks(b"x"))

    asyncio.run(run())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
