"""`fva backup [PATH]` and `fva restore PATH`: the same use cases as /system/backup, with progress."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bootstrap import Container, Settings
from core.backup.model import Manifest
from core.shared.errors import DomainError
from entrypoints.cli.run import with_container


class TableProgress:
    """One bar per table on stderr, redrawn in place on a terminal, one line per table otherwise."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self._stream = stream
        self._width = width
        self._tty = stream.isatty()
        self._current: str | None = None
        self._finished: set[str] = set()

    def __call__(self, table: str, done: int, total: int) -> None:
        if table != self._current:
            self._end_line()
            self._current = table
        if self._tty:
            self._stream.write("\r" + self._line(table, done, total))
            self._stream.flush()
        elif done >= total and table not in self._finished:
            self._stream.write(self._line(table, done, total) + "\n")
            self._finished.add(table)

    def close(self) -> None:
        self._end_line()
        self._current = None

    def _end_line(self) -> None:
        if self._tty and self._current is not None:
            self._stream.write("\n")
            self._stream.flush()

    def _line(self, table: str, done: int, total: int) -> str:
        share = 1.0 if total <= 0 else min(done / total, 1.0)
        filled = round(self._width * share)
        bar = "#" * filled + "-" * (self._width - filled)
        return f"{table:<24} [{bar}] {share:>4.0%} {done:>10,}/{total:,}"


def _masked(url: str) -> str:
    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


def _summary(verb: str, manifest: Manifest, where: Path) -> str:
    return (
        f"{verb}: {len(manifest.tables)} tables, {manifest.rows:,} rows, "
        f"schema revision {manifest.revision or '(none)'} {'->' if verb == 'backup' else '<-'} {where}"
    )


def backup(settings: Settings, args: argparse.Namespace) -> int:
    stamp = datetime.now(UTC).strftime("%Y%m%d_%H%M%S")
    target = Path(args.path) if args.path else Path(settings.backup_dir)
    if target.is_dir() or not args.path:
        target = target / f"backup_{stamp}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")  # never a half-written file under the name
    progress = TableProgress()

    async def write(container: Container) -> Manifest:
        with partial.open("wb") as out:
            return await container.backup().backup(out, progress)

    try:
        manifest = with_container(settings, write)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        progress.close()
    print(_summary("backup", manifest, target))
    return 0


def restore(settings: Settings, args: argparse.Namespace) -> int:
    source = Path(args.path)
    if not source.is_file():
        print(f"restore: no such file: {source}", file=sys.stderr)
        return 2
    progress = TableProgress()

    async def inspect(container: Container) -> Manifest:
        with source.open("rb") as f:
            return await container.backup().inspect(f)

    async def replace(container: Container) -> Manifest:
        with source.open("rb") as f:
            return await container.backup().restore(f, progress)

    try:
        found = with_container(settings, inspect)
        if not args.yes:
            if not sys.stdin.isatty():
                print("restore: pass --yes to restore without a terminal", file=sys.stderr)
                return 2
            print(
                f"This replaces every row of {_masked(settings.database_url)} with the "
                f"{found.rows:,} rows of {source} (made {found.created_time:%Y-%m-%d %H:%M} UTC)."
            )
            if input("Type yes to go on: ").strip().lower() != "yes":
                print("restore: cancelled, nothing changed")
                return 1
        manifest = with_container(settings, replace)
    except DomainError as exc:
        progress.close()
        print(f"restore: {exc.detail} ({exc.code}); nothing changed", file=sys.stderr)
        return 1
    finally:
        progress.close()
    print(_summary("restore", manifest, source))
    print("restore: caches dropped and every sign-in revoked; in the embedded profile, restart")
    print("         the server too (its in-process caches and tokens live in its own memory).")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    made = sub.add_parser("backup", help="write every table to a zip of CSV files")
    made.add_argument("path", nargs="?", help="a file or directory (default: APP_BACKUP_DIR)")
    made.set_defaults(handler=backup)
    back = sub.add_parser("restore", help="replace every table's rows with a backup's")
    back.add_argument("path", help="a zip made by `fva backup` or POST /system/backup")
    back.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    back.set_defaults(handler=restore)
