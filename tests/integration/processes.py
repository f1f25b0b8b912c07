"""Real server processes for deployment and fault tests: app instances, nginx, MariaDB.

Each runs in a process group of its own and is stopped with that whole group: by `stop()`, by
leaving its `with` block, when its start fails (so a failed test leaves no server behind), and
at the latest when the test run's interpreter exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} not ready after {seconds}s")


_LIVE: set[ServerProcess] = set()


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_LIVE):
        server.stop(grace=2)


class ServerProcess:
    """A server a test starts: its own process group, stopped as a whole whatever happens."""

    proc: subprocess.Popen[bytes] | None = None

    def _spawn(self, args: list[str], **options: Any) -> None:
        self.proc = subprocess.Popen(args, start_new_session=True, **options)
        _LIVE.add(self)

    def _ready(self, check: Any, seconds: float, what: str) -> None:
        """Waits for the server; a server that does not come up is stopped before the error."""
        try:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"{what} exited with {self.proc.returncode}")
            wait_until(check, seconds, what)
        except BaseException:
            self.stop()
            raise

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)

    def stop(self, grace: float = 30) -> None:
        proc, self.proc = self.proc, None
        _LIVE.discard(self)
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)  # the group: workers too, even if the leader is gone
            except ProcessLookupError:
                break
            try:
                proc.wait(wait)
                # The leader is gone; children of the group may linger a moment.
                os.killpg(proc.pid, 0)
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break
            time.sleep(0.2)
        if proc.poll() is None:
            proc.wait(10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class OwnRedis(ServerProcess):
    """A redis-server of a test's own, so stopping it disturbs nobody else."""

    def __init__(self, *options: str) -> None:
        self.port = free_port()
        self.options = options
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None
        self._spawn(
            [
                *(binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", *self.options),
            ],
            stdout=subprocess.DEVNULL,
        )
        self._ready(self._answers, 5, "redis-server")

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))

    def stop(self, grace: float = 10) -> None:
        super().stop(grace)


class AppProcess(ServerProcess):
    """`fva serve` in a process of its own, as production runs it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.env = env
        self.log = log
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppProcess:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
        environ.update(self.env)
        environ["PYTHONPATH"] = str(ROOT / "src")
        with self.log.open("ab") as out:
            self._spawn(
                [
                    sys.executable,
                    "-m",
                    "entrypoints.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=environ,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self._ready(
            lambda: httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code in (200, 503),
            60,
            "app",
        )
        return self


class NginxProcess(ServerProcess):
    """nginx with the project's config/nginx.conf, its placeholders filled for this test."""

    def __init__(self, workdir: Path, dist: Path, upstreams: list[str]) -> None:
        self.port = free_port()
        self.dir = workdir
        self.dist = dist
        self.upstreams = upstreams
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> NginxProcess:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        site = (ROOT / "config" / "nginx.conf").read_text("utf-8")
        for name, value in {
            "LISTEN_PORT": f"127.0.0.1:{self.port}",
            "DIST_DIR": str(self.dist),
            "APP_UPSTREAMS": " ".join(f"server {u};" for u in self.upstreams),
        }.items():
            site = site.replace("${" + name + "}", value)
        (self.dir / "site.conf").write_text(site, "utf-8")
        mime = "/etc/nginx/mime.types"
        (self.dir / "nginx.conf").write_text(
            f"""
{_worker_user()}
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    {"include " + mime + ";" if Path(mime).exists() else ""}
    access_log {self.dir}/access.log;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    include {self.dir}/site.conf;
}}
""",
            "utf-8",
        )
        with (self.dir / "stderr.log").open("ab") as err:
            self._spawn(
                [
                    *(binary, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")),
                    *("-g", "daemon off;"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        self._ready(
            lambda: httpx.get(f"{self.url}/index.html", timeout=2).status_code == 200, 20, "nginx"
        )
        return self

    def stop(self, grace: float = 10) -> None:
        super().stop(grace)


def _worker_user() -> str:
    """nginx's workers as the user running the test, when that is root.

    Run by root, nginx hands its workers to an unprivileged user (nobody, www-data), which may
    not read a checkout (or a pytest temp dir) of mode 0700: the dashboard's files and nginx's
    own temp files would then be refused. Run by anyone else, nginx cannot switch users at all.
    """
    if os.geteuid() != 0:
        return ""
    import grp
    import pwd

    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name
    return f"user {user} {group};"


class MariaDbProcess(ServerProcess):
    """A MariaDB server of the test's own (own datadir and port), so it can be restarted."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.dir = workdir
        self.proc = None

    @property
    def url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/app"

    def install(self) -> MariaDbProcess:
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={self.dir}/data",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--user=root",
            ],
            check=True,
            capture_output=True,
        )
        return self

    def start(self) -> MariaDbProcess:
        with (self.dir / "server.log").open("ab") as out:
            self._spawn(
                [
                    "/usr/sbin/mariadbd",
                    "--no-defaults",
                    f"--datadir={self.dir}/data",
                    f"--port={self.port}",
                    "--bind-address=127.0.0.1",
                    f"--socket={self.dir}/sock",
                    f"--pid-file={self.dir}/pid",
                    "--user=root",
                    "--skip-log-bin",
                    "--innodb-buffer-pool-size=32M",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        import pymysql

        def ready() -> bool:
            try:
                pymysql.connect(
                    host="127.0.0.1", port=self.port, user="root", connect_timeout=1
                ).close()
            except pymysql.err.OperationalError:
                return False
            return True

        self._ready(ready, 30, "mariadb")
        return self
