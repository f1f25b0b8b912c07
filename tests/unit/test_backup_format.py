"""The backup format: value encoding, determinism, the manifest's checks, and restore's guarantees."""

from __future__ import annotations

import copy
import io
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from core.backup.model import NULL, ColumnSpec, Manifest, RestoreLimits, TableSpec, decode, encode
from core.backup.service import BackupService
from core.shared.errors import BadRequest
from tests.unit.fakes import FakeClock

TRICKY = [
    None,
    "",
    "\\N",
    "\\",
    "\\\\N",
    "N",
    "a,b",
    'say "hi"',
    "line\nbreak",
    "cr\r",
    "\r\n",
    " ",
    "中文",
    "=1+2",
    "\t",
]


class FakeSnapshot:
    """Tables of rows in memory; `replace` is all or nothing like a transaction."""

    def __init__(
        self, tables: list[TableSpec], data: dict[str, list[list[Any]]], revision: str = "0003"
    ) -> None:
        self.specs = tables
        self.data = data
        self.rev = revision

    def revision(self) -> str:
        return self.rev

    def tables(self) -> list[TableSpec]:
        return self.specs

    @contextmanager
    def reading(self) -> Iterator[FakeSnapshot]:
        yield self

    def count(self, table: str) -> int:
        return len(self.data[table])

    def rows(self, table: str) -> Iterator[Sequence[Any]]:
        yield from sorted(self.data[table], key=lambda r: r[0])

    def replace(self, rows_of: Callable[[TableSpec], Iterable[dict[str, Any]]]) -> None:
        fresh = {
            t.name: [[row[c] for c in t.column_names] for row in rows_of(t)] for t in self.specs
        }
        self.data = fresh  # only once every table was read without an error


class Resets:
    def __init__(self) -> None:
        self.cleared = 0
        self.revoked = 0

    async def clear(self) -> None:
        self.cleared += 1

    async def revoke_everyone(self) -> int:
        self.revoked += 1
        return 0


PARENT = TableSpec(
    "t_parent",
    (
        ColumnSpec("id", "int"),
        ColumnSpec("name", "str"),
        ColumnSpec("at", "datetime"),
        ColumnSpec("ok", "bool"),
    ),
)
CHILD = TableSpec(
    "t_child", (ColumnSpec("id", "int"), ColumnSpec("parent_id", "int"), ColumnSpec("doc", "json"))
)


def snapshot() -> FakeSnapshot:
    at = datetime(2026, 5, 1, 8, 30, 0, 123456, tzinfo=UTC)
    parents: list[list[Any]] = [
        [i + 1, text, at if i % 2 else None, bool(i % 3)] for i, text in enumerate(TRICKY)
    ]
    children: list[list[Any]] = [[1, 1, {"b": [1, 2], "a": "中"}], [2, 2, None]]
    return FakeSnapshot([PARENT, CHILD], {"t_parent": parents, "t_child": children})


async def backup_bytes(snap: FakeSnapshot) -> tuple[bytes, Manifest]:
    resets = Resets()
    out = io.BytesIO()
    manifest = await BackupService(snap, resets, resets, FakeClock()).backup(out)
    return out.getvalue(), manifest


@pytest.mark.parametrize("text", [t for t in TRICKY if t is not None])
def test_strings_round_trip_and_never_read_as_null(text: str) -> None:
    assert decode("str", encode("str", text)) == text
    assert encode("str", text) != NULL


def test_null_empty_and_backslash_n_are_three_different_cells() -> None:
    assert [encode("str", v) for v in (None, "", "\\N")] == ["\\N", "", "\\\\N"]
    assert [decode("str", c) for c in ("\\N", "", "\\\\N")] == [None, "", "\\N"]


def test_values_are_written_the_same_way_every_time() -> None:
    shanghai = datetime(2026, 5, 1, 16, 30, 0, 5, tzinfo=timezone(timedelta(hours=8)))
    assert encode("datetime", shanghai) == "2026-05-01T08:30:00.000005+00:00"
    assert encode("datetime", datetime(2026, 5, 1, 8, 30)) == "2026-05-01T08:30:00.000000+00:00"
    assert decode("datetime", "2026-05-01T08:30:00.000005+00:00") == shanghai
    assert (encode("bool", True), encode("bool", False), encode("int", 7)) == ("1", "0", "7")
    assert encode("json", {"b": 1, "a": [1, "中"]}) == '{"a":[1,"中"],"b":1}'
    assert decode("decimal", encode("decimal", Decimal("1.10"))) == Decimal("1.10")
    assert decode("date", encode("date", date(2026, 5, 1))) == date(2026, 5, 1)
    assert decode("bytes", encode("bytes", b"\x00\xff")) == b"\x00\xff"
    with pytest.raises(ValueError):
        decode("bool", "yes")


async def test_a_backup_restores_every_value_exactly_and_twice_gives_the_same_checksums() -> None:
    original = snapshot()
    raw, manifest = await backup_bytes(original)
    assert [t.name for t in manifest.tables] == ["t_parent", "t_child"]
    assert [t.rows for t in manifest.tables] == [len(TRICKY), 2]
    target = FakeSnapshot([PARENT, CHILD], {"t_parent": [], "t_child": []})
    resets = Resets()
    await BackupService(target, resets, resets, FakeClock()).restore(io.BytesIO(raw))
    assert target.data == original.data
    assert (resets.cleared, resets.revoked) == (1, 1)
    _, again = await backup_bytes(target)
    assert [t.sha256 for t in again.tables] == [t.sha256 for t in manifest.tables]


async def test_the_csv_files_are_utf8_with_bom_and_crlf() -> None:
    raw, _ = await backup_bytes(snapshot())
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        data = archive.read("t_parent.csv")
        assert set(archive.namelist()) == {"t_parent.csv", "t_child.csv", "manifest.json"}
    assert data.startswith(b"\xef\xbb\xbfid,name,at,ok\r\n")
    assert b'"say ""hi"""' in data and "中文".encode() in data


def _tampered(raw: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item.filename, change(data) if item.filename == name else data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (
            lambda raw: _tampered(raw, "t_child.csv", lambda d: d.replace(b"\xe4\xb8\xad", b"x")),
            "backup_checksum_mismatch",
        ),
        (
            lambda raw: _tampered(raw, "manifest.json", lambda d: d.replace(b'"0003"', b'"0002"')),
            "backup_revision_mismatch",
        ),
        (lambda raw: _tampered(raw, "manifest.json", lambda d: b"{not json"), "backup_invalid"),
        (lambda raw: b"PK\x03\x04 definitely not a zip", "backup_invalid"),
        (
            lambda raw: _tampered(
                raw, "manifest.json", lambda d: d.replace(b'"t_child"', b'"t_other"')
            ),
            "backup_tables_mismatch",
        ),
    ],
)
async def test_restore_refuses_a_bad_archive_and_changes_nothing(
    mutate: Callable[[bytes], bytes], code: str
) -> None:
    raw, _ = await backup_bytes(snapshot())
    target = snapshot()
    target.data["t_parent"] = [[99, "kept", None, True]]
    before = copy.deepcopy(target.data)
    resets = Resets()
    with pytest.raises(BadRequest) as exc:
        await BackupService(target, resets, resets, FakeClock()).restore(io.BytesIO(mutate(raw)))
    assert exc.value.code == code
    assert target.data == before and resets.cleared == 0


async def test_a_revision_mismatch_names_both_revisions() -> None:
    raw, _ = await backup_bytes(snapshot())
    target = FakeSnapshot([PARENT, CHILD], {"t_parent": [], "t_child": []}, revision="0004")
    with pytest.raises(BadRequest) as exc:
        await BackupService(target, Resets(), Resets(), FakeClock()).restore(io.BytesIO(raw))
    assert "0003" in exc.value.detail and "0004" in exc.value.detail


async def test_a_row_count_that_disagrees_with_the_manifest_fails_the_whole_restore() -> None:
    raw, manifest = await backup_bytes(snapshot())
    text = manifest.to_json().replace('"rows": 2', '"rows": 3')
    forged = _tampered(raw, "manifest.json", lambda _: text.encode())
    target = FakeSnapshot([PARENT, CHILD], {"t_parent": [[5, "kept", None, False]], "t_child": []})
    with pytest.raises(BadRequest) as exc:
        await BackupService(target, Resets(), Resets(), FakeClock()).restore(io.BytesIO(forged))
    assert exc.value.code == "backup_invalid"
    assert target.data["t_parent"] == [[5, "kept", None, False]]


async def test_manifest_round_trip() -> None:
    _, manifest = await backup_bytes(snapshot())
    assert Manifest.from_json(manifest.to_json()) == manifest


def _with_entry(raw: bytes, name: str, data: bytes) -> bytes:
    """The archive with `name` replaced by `data` (deflated) and its checksum made to match."""
    import hashlib
    import json

    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        manifest = json.loads(src.read("manifest.json"))
        files = {i.filename: src.read(i) for i in src.infolist()}
    for table in manifest["tables"]:
        if table["file"] == name:
            table["sha256"] = hashlib.sha256(data).hexdigest()
    files[name] = data
    files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n, content in files.items():
            dst.writestr(n, content)
    return out.getvalue()


async def _refused(archive: bytes, limits: RestoreLimits | None = None) -> BadRequest:
    target = snapshot()
    before = copy.deepcopy(target.data)
    resets = Resets()
    service = BackupService(target, resets, resets, FakeClock(), limits)
    with pytest.raises(BadRequest) as exc:
        await service.restore(io.BytesIO(archive))
    assert target.data == before and resets.cleared == resets.revoked == 0
    return exc.value


async def test_a_zip_bomb_with_a_matching_checksum_is_refused_before_it_is_inflated() -> None:
    # 64 MiB of one byte deflates to about 64 KiB (ratio ~1000); its checksum matches, so only
    # the ratio of the declared sizes can refuse it, and it does so before reading it.
    raw, _ = await backup_bytes(snapshot())
    bomb = _with_entry(raw, "t_child.csv", b"0" * (64 << 20))
    assert len(bomb) < 1 << 20
    err = await _refused(bomb)
    assert err.code == "zip_bomb" and "t_child.csv" in err.detail


async def test_a_restore_larger_than_its_unpacked_limit_is_refused() -> None:
    raw, _ = await backup_bytes(snapshot())
    big = _with_entry(raw, "t_child.csv", os.urandom(3 << 20))  # incompressible: ratio ~1
    err = await _refused(big, RestoreLimits(max_uncompressed=2 << 20))
    assert err.code == "backup_too_large"


async def test_a_csv_field_over_the_csv_limit_is_a_bad_request_not_a_crash() -> None:
    raw, _ = await backup_bytes(snapshot())
    field = "x" * (200 << 10)  # csv refuses fields over 128 KiB with _csv.Error
    data = f'\ufeffid,parent_id,doc\r\n1,1,"{field}"\r\n'.encode()
    err = await _refused(_with_entry(raw, "t_child.csv", data))
    assert err.code == "backup_invalid" and "t_child.csv" in err.detail


async def test_a_table_file_that_is_not_utf8_is_a_bad_request() -> None:
    raw, _ = await backup_bytes(snapshot())
    err = await _refused(_with_entry(raw, "t_child.csv", b"id,parent_id,doc\r\n1,1,\xff\xfe\r\n"))
    assert err.code == "backup_invalid"
