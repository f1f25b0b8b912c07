"""The backup archive format: one CSV file per table and a manifest, in one zip.

Each table is a CSV file (UTF-8 with a BOM so spreadsheet programs read it, RFC 4180
quoting, CRLF line ends) whose first row names the columns and whose rows come in
id order. A value is written as text by its column's kind:

- NULL is `\\N`; a string that begins with a backslash gets one more in front, so the
  string "\\N" is written `\\\\N` and NULL, "" and "\\N" all read back as they were;
- integers in decimal; booleans 1/0; floats by `repr`; decimals by `str`;
- datetimes in ISO 8601 with microseconds, in UTC (`2026-05-01T08:30:00.000000+00:00`);
  dates as `2026-05-01`; JSON compact with sorted keys; bytes in base64.

The same data therefore always makes the same bytes, and the manifest's sha256 of each
file proves a file is the one the backup wrote.
"""

from __future__ import annotations

import base64
import enum
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from core.shared.errors import BadRequest

FORMAT = "fastapi-vue-admin backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NULL = "\\N"
KINDS = frozenset({"int", "str", "bool", "float", "decimal", "datetime", "date", "json", "bytes"})


@dataclass(frozen=True)
class RestoreLimits:
    """How much a restore may unpack: the zip-bomb limits, as an Excel import has them.

    Judged on the sizes the zip's directory declares, before a byte is inflated, and again
    while reading, so an archive that lies about its sizes is stopped at the limit too.
    """

    max_uncompressed: int = 10 << 30
    max_ratio: int = 100
    # Below this size an entry's ratio is not judged: small files compress extremely well.
    ratio_floor: int = 1 << 20


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str


@dataclass(frozen=True)
class TableSpec:
    """A table as the archive sees it: its name and its columns with the kind of their values."""

    name: str
    columns: tuple[ColumnSpec, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class TableEntry:
    name: str
    file: str
    rows: int
    sha256: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    """What an archive holds: the schema revision, the tables in foreign-key order, counts, sums."""

    revision: str
    created_time: datetime
    tables: tuple[TableEntry, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "revision": self.revision,
                "created_time": encode("datetime", self.created_time),
                "tables": [
                    {
                        "name": t.name,
                        "file": t.file,
                        "rows": t.rows,
                        "sha256": t.sha256,
                        "columns": list(t.columns),
                    }
                    for t in self.tables
                ],
            },
            ensure_ascii=False,
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Raises BadRequest `backup_invalid` for anything but a manifest this format writes."""
        try:
            raw = json.loads(text)
            if raw.get("format") != FORMAT or raw.get("format_version") != FORMAT_VERSION:
                raise ValueError("unknown format")
            tables = tuple(
                TableEntry(
                    name=str(t["name"]),
                    file=str(t["file"]),
                    rows=int(t["rows"]),
                    sha256=str(t["sha256"]),
                    columns=tuple(str(c) for c in t["columns"]),
                )
                for t in raw["tables"]
            )
            return cls(
                revision=str(raw["revision"]),
                created_time=decode("datetime", str(raw["created_time"])),
                tables=tables,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadRequest(
                "this file is not a backup made by this application (bad manifest)",
                "backup_invalid",
            ) from exc


def encode(kind: str, value: Any) -> str:
    """The text of a value in a CSV cell; NULL is distinct from every string."""
    if value is None:
        return NULL
    if kind == "str":
        text = str(value.value if isinstance(value, enum.Enum) else value)
        return "\\" + text if text.startswith("\\") else text
    if kind == "bool":
        return "1" if value else "0"
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return repr(float(value))
    if kind == "decimal":
        return str(value)
    if kind == "datetime":
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return str(aware.astimezone(UTC).isoformat(timespec="microseconds"))
    if kind == "date":
        return str(value.isoformat())
    if kind == "json":
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    raise ValueError(f"unknown kind {kind}")


def decode(kind: str, text: str) -> Any:
    """The value of a CSV cell; raises ValueError on text this format never writes."""
    if text == NULL:
        return None
    if kind == "str":
        return text[1:] if text.startswith("\\") else text
    if kind == "bool":
        if text not in ("0", "1"):
            raise ValueError(f"not a boolean: {text!r}")
        return text == "1"
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "decimal":
        return Decimal(text)
    if kind == "datetime":
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ValueError(f"a datetime without its UTC offset: {text!r}")
        return value.astimezone(UTC)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "json":
        return json.loads(text)
    if kind == "bytes":
        return base64.b64decode(text.encode("ascii"), validate=True)
    raise ValueError(f"unknown kind {kind}")
