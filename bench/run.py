"""`make bench`: the product's hot paths against a bare FastAPI /ping, measured in one run.

Starts a bare FastAPI app and the product (MariaDB + Redis profile, seeded, one uvicorn worker
each, the same uvicorn settings), loads each route with wrk one after the other, interleaved and
repeated, and prints req/s, p50, p99 and each route's ratio to the bare async /ping of the same
round. Then: GET /user/info while logins run, GET /user/info with 10,000 users, 100 roles and
1,000 labels, the user list scoped to a subtree of 1,000 departments against the same list for
admin, and the reg-code export against openpyxl alone. Results go to the terminal and to
bench/results/<time>.md (docs/benchmarks.md, with --write-docs; it holds the curated figures).
Run by hand; never part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


class Server:
    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, port: int) -> None:
        self.port = port
        environ = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
        environ.update(env)
        environ["PYTHONPATH"] = f"{ROOT / 'src'}:{ROOT / 'bench'}"
        self.proc = subprocess.Popen(
            args,
            env=environ,
            cwd=cwd,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)

    def peak_rss_mb(self) -> float:
        """Peak resident memory of the server process so far (VmHWM)."""
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]

    def reset_peak(self) -> None:
        """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
        Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")

    def rss_mb(self) -> float:
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


UVICORN = ["--host", "127.0.0.1", "--workers", "1", "--no-access-log", "--log-level", "warning"]


# Appended to a list URL, a `created_start` that matches every row but differs per request:
# each request is a new query, so the list is computed, never a kept answer.
VARY = "&vary=1"


def wrk(
    url: str, seconds: int, connections: int, token: str | None = None, body: str | None = None
) -> dict[str, float]:
    script = None
    if token or body or url.endswith(VARY):
        lines = []
        if url.endswith(VARY):
            path = url.split("/", 3)[3].removesuffix(VARY)
            lines += [  # a counter per wrk thread and per run (the clock): no query twice
                "local threads = 0",
                "setup = function(thread) thread:set('id', threads); threads = threads + 1 end",
                "init = function(args)",
                "  counter = 1000000000 + (os.time() % 10000) * 10000 + id * 5000",
                "end",
                "request = function()",
                "  counter = counter + 1",
                f'  return wrk.format(nil, "/{path}&created_start=" .. counter)',
                "end",
            ]
        if token:
            lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
        if body:
            lines += [
                'wrk.method = "POST"',
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
                f'wrk.body = "{body}"',
            ]
        script = Path(f"/tmp/fva-bench-{os.getpid()}.lua")
        script.write_text("\n".join(lines) + "\n")
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        *(["-s", str(script)] if script else []),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
        "non2xx": float(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out))
        else 0.0,
    }


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def login(base: str, username: str = "admin", password: str = "admin123") -> str:
    r = httpx.post(
        f"{base}/api/v1/user/login", data={"username": username, "password": password}, timeout=30
    )
    r.raise_for_status()
    return str(r.json()["access_token"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--export-rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument(
        "--skip-big", action="store_true", help="skip the 10k-user data set and the exports"
    )
    parser.add_argument(
        "--only-big",
        action="store_true",
        help="only the 10k-user comparison (no throughput table, no exports)",
    )
    parser.add_argument(
        "--write-docs", action="store_true", help="also replace docs/benchmarks.md with the report"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    server_url = os.environ.get("TEST_DATABASE_URL", "mysql+pymysql://root@127.0.0.1:3306").rstrip(
        "/"
    )
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    name = f"fva_bench_{secrets.token_hex(4)}"
    prefix = f"bench:{secrets.token_hex(4)}:"
    from sqlalchemy import create_engine, text

    admin_engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(
            text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        )
    db_url = f"{server_url}/{name}"
    env = {
        "APP_ENV": "production",
        "APP_DATABASE_URL": db_url,
        "APP_REDIS_URL": redis_url,
        "APP_REDIS_PREFIX": prefix,
        "APP_SECRET_KEY": secrets.token_urlsafe(48),
        "APP_LOG_LEVEL": "WARNING",
        "APP_ACCESS_LOG": "false",
        "APP_SCHEDULER_ENABLED": "false",
        "APP_FRONTEND_DIST": "/nonexistent",
        "PYTHONPATH": str(ROOT / "src"),
    }
    servers: list[Server] = []
    results: list[str] = []
    try:
        _init(env)
        # production seeds only admin with a random password: set a known one for the bench
        _set_admin_password(db_url)
        bare_port, app_port = free_port(), free_port()
        bare = Server(
            [PY, "-m", "uvicorn", "bare:app", "--port", str(bare_port), *UVICORN],
            {},
            ROOT / "bench",
            bare_port,
        )
        app = _app_server(env, app_port)
        # The same app with the token check on redis-py: what the pipelined client saves.
        plain_port = free_port()
        plain = _app_server({**env, "APP_REDIS_PIPELINED": "false"}, plain_port)
        servers += [bare, app, plain]
        wait_http(f"http://127.0.0.1:{bare_port}/ping")
        wait_http(f"http://127.0.0.1:{app_port}/api/v1/health")
        wait_http(f"http://127.0.0.1:{plain_port}/api/v1/health")
        base = f"http://127.0.0.1:{app_port}"
        token = login(base, "admin", "bench-admin-password")
        _prepare_data(base, token)

        routes: list[tuple[str, str, str | None, str | None]] = [
            ("bare async /ping", f"http://127.0.0.1:{bare_port}/ping", None, None),
            ("bare sync /ping", f"http://127.0.0.1:{bare_port}/ping-sync", None, None),
            ("GET /user/info", f"{base}/api/v1/user/info", token, None),
            (
                "GET /user/info (token check on redis.asyncio)",
                f"http://127.0.0.1:{plain_port}/api/v1/user/info",
                token,
                None,
            ),
            (
                "GET /system/config-setting/key/{key}",
                f"{base}/api/v1/system/config-setting/key/sys.account.default_role",
                token,
                None,
            ),
            (
                "GET /system/dict/{type}",
                f"{base}/api/v1/system/dict/sys_reg_code_state",
                token,
                None,
            ),
            ("GET /permission/user?size=10", f"{base}/api/v1/permission/user?size=10", token, None),
            (
                "GET /permission/user?size=10 (new query each time)",
                f"{base}/api/v1/permission/user?size=10{VARY}",
                token,
                None,
            ),
            (
                "GET /business/reg-code?size=10 (deadline range)",
                f"{base}/api/v1/business/reg-code?size=10&deadline_start=2020-01-01&deadline_end=2099-12-31",
                token,
                None,
            ),
            (
                "GET /business/reg-code?size=10 (deadline range, new query each time)",
                f"{base}/api/v1/business/reg-code?size=10&deadline_start=2020-01-01&deadline_end=2099-12-31{VARY}",
                token,
                None,
            ),
            (
                "POST /user/login",
                f"{base}/api/v1/user/login",
                None,
                "username=admin&password=bench-admin-password",
            ),
        ]
        table: dict[str, list[dict[str, float]]] = {r[0]: [] for r in routes}
        bare_ping = routes[0][1]
        for round_no in range(0 if args.only_big else args.rounds):
            for label, url, tok, body in routes:
                conns = 4 if body else args.connections
                # The previous route may have left requests queued in its server (a slow
                # route's 32 in flight): let them drain, then warm this route up unrecorded.
                time.sleep(1)
                if label.startswith("bare"):
                    wrk(url, 1, conns, tok, body)
                    m = wrk(url, args.seconds, conns, tok, body)
                else:
                    # The machine's speed drifts within a round (by a third, seen here): each
                    # route's ratio is to a bare /ping measured right before it.
                    wrk(bare_ping, 1, args.connections)
                    beside = wrk(bare_ping, args.seconds, args.connections)
                    time.sleep(1)
                    wrk(url, 1, conns, tok, body)
                    m = wrk(url, args.seconds, conns, tok, body)
                    m["bare"] = beside["rps"]
                table[label].append(m)
                print(
                    f"round {round_no + 1} {label:<48} {m['rps']:>9.0f} req/s  p50 {m['p50']:>7.1f} ms  p99 {m['p99']:>7.1f} ms",
                    flush=True,
                )
        if not args.only_big:
            results.append(_table(table, args))
            results.append(_info_during_logins(base, token, args))
        if not args.skip_big:
            big_name = f"{name}_big"
            with admin_engine.connect() as conn:
                conn.execute(
                    text(
                        f"CREATE DATABASE `{big_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                    )
                )
            big_env = {
                **env,
                "APP_DATABASE_URL": f"{server_url}/{big_name}",
                "APP_REDIS_PREFIX": f"{prefix}big:",
            }
            _init(big_env)
            _set_admin_password(big_env["APP_DATABASE_URL"])
            _load_large_data_set(big_env["APP_DATABASE_URL"])
            big_port = free_port()
            big_app = _app_server(big_env, big_port)
            servers.append(big_app)
            wait_http(f"http://127.0.0.1:{big_port}/api/v1/health")
            results.append(_big_dataset(base, f"http://127.0.0.1:{big_port}", args))
            if _has_route(base, token, "/api/v1/system/dept"):
                _load_department_tree(big_env["APP_DATABASE_URL"])
                results.append(_scoped_list(f"http://127.0.0.1:{big_port}", args))
            big_app.stop()
            servers.remove(big_app)
            if _has_route(base, token, "/api/v1/report") and not args.only_big:
                for rows in args.export_rows:
                    results.append(_export(base, token, db_url, app, rows))
    finally:
        for s in servers:
            s.stop()
        with admin_engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}_big`"))
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
    report = _report(results, args)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md").write_text(report)
    print(f"written to {out}/")
    if args.write_docs:
        (ROOT / "docs" / "benchmarks.md").write_text(report)


def _init(env: dict[str, str]) -> None:
    """Migrate and seed the database of `env`, as `fva init` does for an operator."""
    subprocess.run(
        [PY, "-m", "entrypoints.cli", "init"],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def _app_server(env: dict[str, str], port: int) -> Server:
    """The product under uvicorn, with the same settings as the bare app."""
    factory = ["-m", "uvicorn", "entrypoints.http.asgi:create", "--factory"]
    return Server([PY, *factory, "--port", str(port), *UVICORN], env, ROOT, port)


def _set_admin_password(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    sys.path.insert(0, str(ROOT / "src"))
    from adapters.security.passwords import Argon2PasswordHasher

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE t_users SET password_hash = :h WHERE username = 'admin'"),
            {"h": asyncio.run(Argon2PasswordHasher().hash("bench-admin-password"))},
        )
    engine.dispose()


def _prepare_data(base: str, _token: str) -> None:
    # The seeded admin has the bench password now; log in again for a token that works.
    token = login(base, "admin", "bench-admin-password")
    h = {"Authorization": f"Bearer {token}"}
    for _ in range(3):
        httpx.post(
            f"{base}/api/v1/business/reg-code",
            headers=h,
            json={"count": 100, "reg_times": 30},
            timeout=30,
        ).raise_for_status()
    globals()["TOKEN"] = token


def _has_route(base: str, token: str, path: str) -> bool:
    return (
        httpx.get(
            f"{base}{path}", headers={"Authorization": f"Bearer {globals()['TOKEN']}"}, timeout=10
        ).status_code
        == 200
    )


def _ratio_rows(
    table: dict[str, list[dict[str, float]]],
) -> list[tuple[str, list[float], list[float], list[float], list[float]]]:
    rows = []
    baseline = [m["rps"] for m in table["bare async /ping"]]
    for label, ms in table.items():
        # to the bare /ping measured right before the route, where there is one
        ratios = [m["rps"] / m.get("bare", b) for m, b in zip(ms, baseline, strict=True)]
        rows.append(
            (label, [m["rps"] for m in ms], [m["p50"] for m in ms], [m["p99"] for m in ms], ratios)
        )
    return rows


def _table(table: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> str:
    lines = [
        f"## Throughput ({args.rounds} interleaved rounds, wrk -t2 -c{args.connections} -d{args.seconds}s, 1 uvicorn worker each)",
        "",
        "| route | req/s per round | p50 ms | p99 ms | ratio to a bare async /ping run just before it (per round) |",
        "|---|---|---|---|---|",
    ]
    for label, rps, p50, p99, ratios in _ratio_rows(table):
        fmt = lambda xs, f: " / ".join(f.format(x) for x in xs)  # noqa: E731
        lines.append(
            f"| {label} | {fmt(rps, '{:.0f}')} | {fmt(p50, '{:.1f}')} | {fmt(p99, '{:.1f}')} | {fmt(ratios, '{:.2f}')} |"
        )
    lines.append("")
    lines.append(
        "Login runs at 4 connections (argon2id is deliberately slow); its ratio is not a target."
    )
    return "\n".join(lines)


def _info_during_logins(base: str, _token: str, args: argparse.Namespace) -> str:
    token = globals()["TOKEN"]
    stop = threading.Event()
    done: list[float] = []

    def logins() -> None:
        while not stop.is_set():
            started = time.monotonic()
            httpx.post(
                f"{base}/api/v1/user/login",
                data={"username": "admin", "password": "bench-admin-password"},
                timeout=30,
            )
            done.append(time.monotonic() - started)
            stop.wait(max(0.0, 0.25 - (time.monotonic() - started)))

    worker = threading.Thread(target=logins)
    worker.start()
    try:
        m = wrk(f"{base}/api/v1/user/info", args.seconds, args.connections, token)
    finally:
        stop.set()
        worker.join()
    rate = len(done) / args.seconds
    return (
        "## GET /user/info while logins run\n\n"
        f"{rate:.1f} logins/s alongside: /user/info {m['rps']:.0f} req/s, p50 {m['p50']:.1f} ms, p99 {m['p99']:.1f} ms "
        f"(target p99 < 100 ms); login p50 {statistics.median(done) * 1000:.0f} ms.\n"
    )


def _load_large_data_set(db_url: str) -> None:
    """10,000 users, 100 roles and 1,000 labels, linked, written straight into the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO t_users (username, password_hash, nickname, status, is_deleted, created_time) VALUES (:u, 'x', 'bench', 1, 0, :t)"
            ),
            [{"u": f"bench{i}", "t": now} for i in range(10_000)],
        )
        conn.execute(
            text(
                "INSERT INTO t_roles (code, name, status, sort, remark, is_deleted, created_time) VALUES (:c, :c, 1, 0, '', 0, :t)"
            ),
            [{"c": f"bench_role_{i}", "t": now} for i in range(100)],
        )
        conn.execute(
            text(
                "INSERT INTO t_perm_label (label, name, status, remark, is_deleted, created_time) VALUES (:l, :l, 1, '', 0, :t)"
            ),
            [{"l": f"perm:bench{i}:get", "t": now} for i in range(1000)],
        )
        roles = [
            r[0]
            for r in conn.execute(text("SELECT id FROM t_roles WHERE code LIKE 'bench_role_%'"))
        ]
        labels = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM t_perm_label WHERE label LIKE 'perm:bench%'")
            )
        ]
        users = [
            r[0] for r in conn.execute(text("SELECT id FROM t_users WHERE username LIKE 'bench%'"))
        ]
        conn.execute(
            text(
                "INSERT INTO t_perm_label_role (label_id, role_id, is_deleted, created_time) VALUES (:l, :r, 0, :t)"
            ),
            [{"l": lab, "r": roles[i % len(roles)], "t": now} for i, lab in enumerate(labels)],
        )
        conn.execute(
            text(
                "INSERT INTO t_user_role (user_id, role_id, is_deleted, created_time) VALUES (:u, :r, 0, :t)"
            ),
            [{"u": u, "r": roles[i % len(roles)], "t": now} for i, u in enumerate(users)],
        )
    engine.dispose()


def _big_dataset(seed_base: str, big_base: str, args: argparse.Namespace, rounds: int = 3) -> str:
    """The same /user/info on two servers at once, one on the seed data and one on the large
    data set, measured in turn (A, B, A, B...): both meet the same machine at the same time,
    which drifts too much here for a before-and-after minutes apart."""
    seed_token = globals()["TOKEN"]
    big_token = login(big_base, "admin", "bench-admin-password")
    seed: list[dict[str, float]] = []
    big: list[dict[str, float]] = []
    for _ in range(rounds):
        for base, token, out in ((seed_base, seed_token, seed), (big_base, big_token, big)):
            url = f"{base}/api/v1/user/info"
            time.sleep(1)
            wrk(url, 1, args.connections, token)
            out.append(wrk(url, args.seconds, args.connections, token))
    p50s, p50b = (statistics.median(m["p50"] for m in runs) for runs in (seed, big))
    rps_s, rps_b = (statistics.median(m["rps"] for m in runs) for runs in (seed, big))
    change = (p50b - p50s) / p50s * 100
    return (
        "## GET /user/info with 10,000 users, 100 roles and 1,000 labels\n\n"
        f"Two servers, one on the seed data and one on the large data set, measured in turn "
        f"({rounds} rounds, medians): p50 {p50s:.2f} ms → {p50b:.2f} ms, {change:+.1f} % "
        f"(target: under 10 %); req/s {rps_s:.0f} → {rps_b:.0f}.\n"
    )


def _load_department_tree(db_url: str) -> None:
    """1,000 departments (a root, 9 below it, 10 below each of those, 10 below each of those)
    and the 10,000 bench users spread over the 900 departments of the lowest level."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    now = datetime.now(UTC).replace(tzinfo=None)
    insert = text(
        "INSERT INTO t_dept (parent_id, path, name, sort, leader, phone, email, status,"
        " is_deleted, created_time) VALUES (:p, '', :n, 0, '', '', '', 1, 0, :t)"
    )
    with engine.begin() as conn:
        level = [(0, "/")]
        for depth, fan in enumerate((1, 9, 10, 10)):
            below = []
            for parent, path in level:
                for i in range(fan):
                    name = f"bench-{depth}-{parent}-{i}"
                    conn.execute(insert, {"p": parent, "n": name, "t": now})
                    (dept_id,) = conn.execute(
                        text("SELECT id FROM t_dept WHERE name = :n"), {"n": name}
                    ).one()
                    below.append((dept_id, f"{path}{dept_id}/"))
            conn.execute(
                text("UPDATE t_dept SET path = :path WHERE id = :id"),
                [{"id": d, "path": path} for d, path in below],
            )
            level = below
        users = [
            r[0] for r in conn.execute(text("SELECT id FROM t_users WHERE username LIKE 'bench%'"))
        ]
        conn.execute(
            text("UPDATE t_users SET dept_id = :d WHERE id = :u"),
            [{"u": u, "d": level[i % len(level)][0]} for i, u in enumerate(users)],
        )
    engine.dispose()


def _scoped_list(big_base: str, args: argparse.Namespace, rounds: int = 3) -> str:
    """The user list (a new query each time) for admin, and for a user whose one role has the
    `dept_and_below` scope on a department of the second level (a ninth of the tree), in turn."""
    admin = login(big_base, "admin", "bench-admin-password")
    h = {"Authorization": f"Bearer {admin}"}
    tree = httpx.get(f"{big_base}/api/v1/system/dept", headers=h, timeout=60).json()
    dept = tree[0]["children"][0]["id"]
    role = httpx.post(
        f"{big_base}/api/v1/permission/role",
        headers=h,
        json={"code": "bench_scoped", "name": "bench scoped"},
        timeout=30,
    ).json()["id"]
    labels = httpx.get(
        f"{big_base}/api/v1/permission/perm-label?label=perm:user:get&size=10",
        headers=h,
        timeout=30,
    ).json()["items"]
    for path, body in (
        (f"/permission/role/{role}/perm-labels", {"label_ids": [labels[0]["id"]]}),
        (f"/permission/role/{role}/data-scope", {"data_scope": "dept_and_below", "dept_ids": []}),
    ):
        httpx.put(f"{big_base}/api/v1{path}", headers=h, json=body, timeout=30).raise_for_status()
    httpx.post(
        f"{big_base}/api/v1/permission/user",
        headers=h,
        json={
            "username": "bench_scoped",
            "password": "bench-scoped-Passw0rd",
            "role_ids": [role],
            "dept_id": dept,
        },
        timeout=30,
    ).raise_for_status()
    scoped = login(big_base, "bench_scoped", "bench-scoped-Passw0rd")
    url = f"{big_base}/api/v1/permission/user?size=10{VARY}"
    runs: dict[str, list[dict[str, float]]] = {"admin": [], "scoped": []}
    for _ in range(rounds):
        for who, token in (("admin", admin), ("scoped", scoped)):
            time.sleep(1)
            wrk(url, 1, args.connections, token)
            runs[who].append(wrk(url, args.seconds, args.connections, token))
    p50a, p50s = (statistics.median(m["p50"] for m in runs[w]) for w in ("admin", "scoped"))
    rps_a, rps_s = (statistics.median(m["rps"] for m in runs[w]) for w in ("admin", "scoped"))
    return (
        "## The user list scoped to `dept_and_below` (10,000 users, 1,000 departments)\n\n"
        f"A new query each request, {rounds} rounds in turn, medians: admin (all) p50 {p50a:.1f} ms,"
        f" {rps_a:.0f} req/s; a user scoped to a ninth of the tree p50 {p50s:.1f} ms,"
        f" {rps_s:.0f} req/s; ratio {p50s / p50a:.2f} (target: within 1.3).\n"
    )


def _export(base: str, _token: str, db_url: str, app: Server, rows: int) -> str:
    token = globals()["TOKEN"]
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        have = conn.execute(
            text("SELECT COUNT(*) FROM t_reg_code WHERE is_deleted = 0")
        ).scalar_one()
        now = datetime.now(UTC).replace(tzinfo=None)
        batch = 20_000
        for start in range(have, rows, batch):
            conn.execute(
                text(
                    "INSERT INTO t_reg_code (code, reg_times, state, remark, is_deleted, created_time, creator_id) VALUES (:c, 30, 0, 'bench', 0, :t, 1)"
                ),
                [{"c": f"B{i:019d}", "t": now} for i in range(start, min(rows, start + batch))],
            )
        total = conn.execute(
            text("SELECT COUNT(*) FROM t_reg_code WHERE is_deleted = 0")
        ).scalar_one()
    engine.dispose()
    app.reset_peak()
    rss_before = app.rss_mb()
    started = time.monotonic()
    size = 0
    with httpx.stream(
        "GET",
        f"{base}/api/v1/report/reg_codes/export",
        headers={"Authorization": f"Bearer {token}"},
        timeout=3600,
    ) as r:
        r.raise_for_status()
        for chunk in r.iter_bytes():
            size += len(chunk)
    seconds = time.monotonic() - started
    growth = app.peak_rss_mb() - rss_before
    raw = subprocess.run(
        [PY, str(ROOT / "bench" / "raw_openpyxl.py"), str(total)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    raw_rps, raw_rss = float(raw[0]), float(raw[1])
    ours = total / seconds
    return (
        f"## Reg-code export, {total:,} rows\n\n"
        f"product: {ours:,.0f} rows/s ({seconds:.1f} s, {size / 1e6:.1f} MB), peak RSS growth {growth:.0f} MB; "
        f"openpyxl write-only alone: {raw_rps:,.0f} rows/s, peak RSS growth {raw_rss:.0f} MB; "
        f"ratio {ours / raw_rps:.2f} (target ≥ 0.8, RSS growth < 100 MB).\n"
    )


def _report(sections: list[str], args: argparse.Namespace) -> str:
    head = (
        "# Benchmarks\n\n"
        f"Measured by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; "
        "MariaDB + Redis profile, one uvicorn worker per server. Figures vary between machines; "
        "the ratios within one run are what to compare.\n"
    )
    return "\n\n".join([head, *sections]) + "\n"


if __name__ == "__main__":
    main()
