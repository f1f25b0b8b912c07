"""The host's and this process's figures, through psutil (read in a worker thread)."""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import threading
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import psutil

from core.monitor.model import HostFigures
from core.monitor.ports import HostProbe

# The versions the server monitor lists: the app, then the libraries an operator asks about.
PACKAGES = (
    "fastapi-vue-admin",
    "fastapi",
    "uvicorn",
    "pydantic",
    "sqlalchemy",
    "redis",
    "apscheduler",
    "psutil",
)


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


class PsutilHostProbe(HostProbe):
    """CPU % is the host's since the previous sample (the first one: since this was built)."""

    def __init__(self, disk_path: str | Path = ".") -> None:
        self._disk = str(Path(disk_path).resolve())
        self._process = psutil.Process(os.getpid())
        self._started = datetime.fromtimestamp(self._process.create_time(), UTC)
        self._packages = _versions()
        self._lock = threading.Lock()  # cpu_percent's "since the last call" is shared state
        psutil.cpu_percent(interval=None)

    async def sample(self) -> HostFigures:
        return await asyncio.to_thread(self._sample)

    def _sample(self) -> HostFigures:
        with self._lock:
            cpu = psutil.cpu_percent(interval=None)
        memory = psutil.virtual_memory()
        disk = psutil.disk_usage(self._disk)
        with self._process.oneshot():
            rss = self._process.memory_info().rss
            threads = self._process.num_threads()
        return HostFigures(
            hostname=socket.gethostname(),
            pid=self._process.pid,
            python=platform.python_version(),
            packages=dict(self._packages),
            started_at=self._started,
            cpu_percent=float(cpu),
            cpu_count=psutil.cpu_count() or 1,
            memory_total=int(memory.total),
            memory_used=int(memory.total - memory.available),
            memory_percent=float(memory.percent),
            disk_path=self._disk,
            disk_total=int(disk.total),
            disk_used=int(disk.used),
            disk_percent=float(disk.percent),
            process_rss=int(rss),
            process_threads=int(threads),
        )
