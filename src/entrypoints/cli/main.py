"""The command line: serve, migrate, seed. Each command calls the same services the API uses."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from loguru import logger

from bootstrap import Container, Settings, build_container
from core.rbac.seed import SeedReport
from entrypoints.cli import backup as backup_commands
from entrypoints.cli.run import with_container
from entrypoints.logs import configure_logging


async def _check_admin(settings: Settings, container: Container) -> None:
    # Before any worker starts: the key generated on a first start is then there for them all.
    container.token_codec()
    if not settings.embedded and await container.seed().admin_uses_demo_password():
        logger.warning("the account 'admin' still has its published demo password: change it now")


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    with_container(settings, lambda c: _check_admin(settings, c))
    uvicorn.run(
        "entrypoints.http.asgi:create",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        access_log=settings.access_log,
        proxy_headers=False,
        # Uvicorn's loggers go through loguru (configure_logging), not its own config.
        log_config=None,  # the app decides which proxies to believe (APP_TRUSTED_PROXIES)
        timeout_graceful_shutdown=20,
    )
    return 0


async def _seeded(settings: Settings, container: Container) -> SeedReport:
    return await container.seed().run(production=settings.production)


def _seed(settings: Settings, _: argparse.Namespace) -> int:
    report = with_container(settings, lambda c: _seeded(settings, c))
    added = (
        ", ".join(f"{n} {k}" for k, n in sorted(report.created.items()))
        or "nothing (already seeded)"
    )
    print(f"seed: added {added}")
    if report.generated_admin_password:
        # Printed once to the operator's terminal, never logged.
        print(f"seed: 'admin' was created with the password: {report.generated_admin_password}")
        print("seed: store it now; it is not shown again.")
    return 0


def _db(settings: Settings, args: argparse.Namespace) -> int:
    migrations = build_container(settings).migrations()
    if args.action == "upgrade":
        migrations.upgrade(args.revision or "head")
    elif args.action == "downgrade":
        migrations.downgrade(args.revision or "-1")
    print(f"db: {args.action} done")
    return 0


def _init(settings: Settings, args: argparse.Namespace) -> int:
    build_container(settings).migrations().upgrade()
    return _seed(settings, args)


def _prestart(settings: Settings, args: argparse.Namespace) -> int:
    """What a container runs before serving: wait for the database, migrate, seed."""
    migrations = build_container(settings).migrations()
    if not migrations.wait(timeout_seconds=float(getattr(args, "wait", 60))):
        print("prestart: the database did not answer in time", file=sys.stderr)
        return 1
    return _init(settings, args)


def _prestart_and_serve(settings: Settings, args: argparse.Namespace) -> int:
    code = _prestart(settings, args)
    return code if code else _serve(settings, args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fva", description="FastAPI Vue Admin")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API (and the built dashboard)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(handler=_serve)
    sub.add_parser("seed", help="add the missing initial data (idempotent)").set_defaults(
        handler=_seed
    )
    sub.add_parser("init", help="migrate to head, then seed").set_defaults(handler=_init)
    prestart = sub.add_parser("prestart", help="wait for the database, migrate, seed")
    prestart.add_argument("--wait", type=float, default=60, help="seconds to wait for the database")
    prestart.set_defaults(handler=_prestart)
    both = sub.add_parser(
        "prestart-and-serve", help="prestart, then serve (the container's command)"
    )
    both.add_argument("--wait", type=float, default=60)
    both.add_argument("--host")
    both.add_argument("--port", type=int)
    both.add_argument("--workers", type=int)
    both.set_defaults(handler=_prestart_and_serve)
    backup_commands.add_commands(sub)  # backup, restore
    db = sub.add_parser("db", help="schema migrations (Alembic)")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?")
    db.set_defaults(handler=_db)
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValueError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    return int(args.handler(settings, args))


if __name__ == "__main__":
    sys.exit(main())
