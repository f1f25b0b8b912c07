"""Use cases of backup and restore: every table to a zip of CSV files, and back, losslessly.

The snapshot, the CSV and the zip are bulk synchronous work: each backup, inspection or
restore runs it in ONE worker thread (`asyncio.to_thread`), so the event loop never waits on
it; `progress` is called in that thread. What a restore resets afterwards (caches, sessions)
is awaited on the loop, once the thread's transaction has committed.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

from core.backup.model import (
    MANIFEST,
    Manifest,
    RestoreLimits,
    TableEntry,
    TableSpec,
    decode,
    encode,
)
from core.backup.ports import CacheReset, DatabaseSnapshot, Progress, SessionReset
from core.shared.clock import Clock
from core.shared.errors import BadRequest

BOM = b"\xef\xbb\xbf"
BATCH = 1000
MANIFEST_MAX_BYTES = 1 << 20


def _silent(_table: str, _done: int, _total: int) -> None:
    return None


class BackupService:
    def __init__(
        self,
        snapshot: DatabaseSnapshot,
        caches: CacheReset,
        sessions: SessionReset,
        clock: Clock,
        limits: RestoreLimits | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._caches = caches
        self._sessions = sessions
        self._clock = clock
        self._limits = limits or RestoreLimits()

    async def backup(self, target: BinaryIO, progress: Progress | None = None) -> Manifest:
        """Every row of every table, deleted ones included, read at one instant, into one zip."""
        return await asyncio.to_thread(self._backup, target, progress or _silent)

    def _backup(self, target: BinaryIO, report: Progress) -> Manifest:
        revision = self._snapshot.revision()
        tables = self._snapshot.tables()
        now = self._clock.now()
        stamp = now.timetuple()[:6]
        entries: list[TableEntry] = []
        with (
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
            self._snapshot.reading() as reader,
        ):
            for table in tables:
                total = reader.count(table.name)
                report(table.name, 0, total)
                info = zipfile.ZipInfo(table.file, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=True) as out:
                    rows, digest = _write_csv(out, table, reader.rows(table.name), total, report)
                entries.append(
                    TableEntry(table.name, table.file, rows, digest, tuple(table.column_names))
                )
            manifest = Manifest(revision=revision, created_time=now, tables=tuple(entries))
            info = zipfile.ZipInfo(MANIFEST, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, manifest.to_json().encode("utf-8"))
        return manifest

    async def inspect(self, source: BinaryIO) -> Manifest:
        """The manifest of an archive, after every check a restore makes before writing."""
        return await asyncio.to_thread(self._inspect, source)

    def _inspect(self, source: BinaryIO) -> Manifest:
        with _open_zip(source) as archive:
            return self._checked(archive)

    async def restore(self, source: BinaryIO, progress: Progress | None = None) -> Manifest:
        """Replaces every row of every table with the archive's, in one transaction.

        Refused, with nothing changed, when the archive's schema revision is not the
        database's, when a file does not match its checksum, or when anything fails on
        the way. Afterwards every cache is dropped and every sign-in token revoked: the
        rows they were made from are gone.
        """
        manifest = await asyncio.to_thread(self._restore, source, progress or _silent)
        await self._caches.clear()
        await self._sessions.revoke_everyone()
        return manifest

    def _restore(self, source: BinaryIO, report: Progress) -> Manifest:
        with _open_zip(source) as archive:
            manifest = self._checked(archive)
            by_name = {t.name: t for t in manifest.tables}

            def rows_of(table: TableSpec) -> Iterator[dict[str, Any]]:
                entry = by_name[table.name]
                return _read_csv(archive, table, entry, report, self._limits)

            self._snapshot.replace(rows_of)
        return manifest

    def _checked(self, archive: zipfile.ZipFile) -> Manifest:
        manifest = _manifest(archive)
        current = self._snapshot.revision()
        if manifest.revision != current:
            raise BadRequest(
                f"the backup is at schema revision {manifest.revision or '(none)'} and the "
                f"database at {current or '(none)'}; restore it into a database at the "
                "backup's revision, then upgrade",
                "backup_revision_mismatch",
            )
        tables = {t.name: t for t in self._snapshot.tables()}
        listed = {t.name: t for t in manifest.tables}
        if set(tables) != set(listed):
            missing = sorted(set(tables) - set(listed))
            extra = sorted(set(listed) - set(tables))
            raise BadRequest(
                f"the backup's tables differ from the database's (missing {missing}, "
                f"unknown {extra})",
                "backup_tables_mismatch",
            )
        for name, spec in tables.items():
            if set(listed[name].columns) != set(spec.column_names):
                raise BadRequest(
                    f"the columns of {name} in the backup differ from the database's",
                    "backup_tables_mismatch",
                )
        _check_sizes(archive, manifest, self._limits)
        for entry in manifest.tables:
            if _sha256(archive, entry.file, self._limits) != entry.sha256:
                raise BadRequest(
                    f"the file of table {entry.name} does not match its checksum",
                    "backup_checksum_mismatch",
                )
        return manifest


def _write_csv(
    out: IO[bytes],
    table: TableSpec,
    rows: Iterator[Any],
    total: int,
    report: Progress,
) -> tuple[int, str]:
    """Writes the CSV of one table; returns its row count and the sha256 of its bytes."""
    digest = hashlib.sha256()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush(prefix: bytes = b"") -> None:
        data = prefix + buffer.getvalue().encode("utf-8")
        digest.update(data)
        out.write(data)
        buffer.seek(0)
        buffer.truncate()

    writer.writerow(table.column_names)
    flush(BOM)
    kinds = [c.kind for c in table.columns]
    count = 0
    for row in rows:
        writer.writerow([encode(k, v) for k, v in zip(kinds, row, strict=True)])
        count += 1
        if count % BATCH == 0:
            flush()
            report(table.name, count, total)
    flush()
    report(table.name, count, max(total, count))
    return count, digest.hexdigest()


def _read_csv(
    archive: zipfile.ZipFile,
    table: TableSpec,
    entry: TableEntry,
    report: Progress,
    limits: RestoreLimits,
) -> Iterator[dict[str, Any]]:
    try:
        yield from _csv_rows(archive, table, entry, report, limits)
    except csv.Error as exc:
        # A field beyond csv's limit (128 KiB), a NUL byte, a stray quote: not a file we wrote.
        raise BadRequest(f"{entry.file}: {exc}", "backup_invalid") from exc
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{entry.file} is not UTF-8 text", "backup_invalid") from exc


def _csv_rows(
    archive: zipfile.ZipFile,
    table: TableSpec,
    entry: TableEntry,
    report: Progress,
    limits: RestoreLimits,
) -> Iterator[dict[str, Any]]:
    kinds = {c.name: c.kind for c in table.columns}
    with (
        io.BufferedReader(_Bounded(archive, entry.file, limits), 1 << 16) as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
    ):
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None or set(header) != set(kinds) or len(header) != len(kinds):
            raise BadRequest(
                f"the header of {entry.file} does not name the table's columns", "backup_invalid"
            )
        count = 0
        report(table.name, 0, entry.rows)
        for line, cells in enumerate(reader, start=2):
            if len(cells) != len(header):
                raise BadRequest(
                    f"{entry.file} line {line}: wrong number of cells", "backup_invalid"
                )
            try:
                row = {
                    name: decode(kinds[name], cell)
                    for name, cell in zip(header, cells, strict=True)
                }
            except ValueError as exc:
                raise BadRequest(f"{entry.file} line {line}: {exc}", "backup_invalid") from exc
            yield row
            count += 1
            if count % BATCH == 0:
                report(table.name, count, entry.rows)
        if count != entry.rows:
            raise BadRequest(
                f"{entry.file} holds {count} rows, its manifest says {entry.rows}", "backup_invalid"
            )
        report(table.name, count, entry.rows)


def _open_zip(source: BinaryIO) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadRequest("this file is not a zip archive", "backup_invalid") from exc


def _manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError as exc:
        raise BadRequest("the archive has no manifest.json", "backup_invalid") from exc
    if info.file_size > MANIFEST_MAX_BYTES:
        raise BadRequest("the manifest is too large", "backup_invalid")
    try:
        text = archive.read(info).decode("utf-8")
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
        raise BadRequest("the manifest cannot be read", "backup_invalid") from exc
    manifest = Manifest.from_json(text)
    names = set(archive.namelist())
    for entry in manifest.tables:
        if entry.file not in names:
            raise BadRequest(f"the archive lacks {entry.file}", "backup_invalid")
    return manifest


def _check_sizes(archive: zipfile.ZipFile, manifest: Manifest, limits: RestoreLimits) -> None:
    """Refuses a zip bomb on the sizes its directory declares, before inflating anything."""
    infos = [archive.getinfo(entry.file) for entry in manifest.tables]
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed:
        raise BadRequest(
            f"the backup unpacks to more than {limits.max_uncompressed >> 20} MiB",
            "backup_too_large",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise BadRequest(
                f"{info.filename} is compressed beyond any real backup (zip bomb)", "zip_bomb"
            )


class _Bounded(io.RawIOBase):
    """An entry of the archive that stops with `backup_too_large` once it passes its limits.

    zipfile already stops at the size the directory declares; this also holds when the
    declared size itself is over the limit, and keeps the rule next to the check above.
    """

    def __init__(self, archive: zipfile.ZipFile, name: str, limits: RestoreLimits) -> None:
        super().__init__()
        self._raw = archive.open(name)
        self._left = min(limits.max_uncompressed, archive.getinfo(name).file_size)
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        data = self._raw.read(min(len(view), self._left + 1))
        if len(data) > self._left:
            raise BadRequest(f"{self._name} unpacks to more than it declares", "backup_too_large")
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _sha256(archive: zipfile.ZipFile, name: str, limits: RestoreLimits) -> str:
    digest = hashlib.sha256()
    try:
        with _Bounded(archive, name, limits) as raw:
            while chunk := raw.read(1 << 20):
                digest.update(chunk)
    except (zipfile.BadZipFile, OSError) as exc:
        # A corrupted entry fails its CRC check: the same verdict as a wrong checksum.
        raise BadRequest(f"{name} is damaged", "backup_checksum_mismatch") from exc
    return digest.hexdigest()
