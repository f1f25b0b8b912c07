"""Logging for the server and the CLI: loguru to stderr, the standard library's loggers through it."""

from __future__ import annotations

import logging
import sys
from types import FrameType

from loguru import logger

# Loggers that configure handlers of their own; theirs are dropped so records reach the root.
ROUTED = ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic", "apscheduler")


class ToLoguru(logging.Handler):
    """Hands each standard-library record to loguru, at its level, from the caller's frame."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        # Skip logging's own frames so loguru names the module that logged.
        depth = 0
        frame: FrameType | None = logging.currentframe()
        while frame is not None and (depth == 0 or frame.f_code.co_filename == logging.__file__):
            frame = frame.f_back
            depth += 1
        logger.opt(depth=depth, exception=record.exc_info).log(level, record.getMessage())


def configure_logging(level: str) -> None:
    """Loguru to stderr; the standard library's loggers (uvicorn, alembic) routed through it."""
    logger.remove()
    logger.add(sys.stderr, level=level.upper(), backtrace=False, diagnose=False)
    logging.basicConfig(
        handlers=[ToLoguru()], level=logging.getLevelName(level.upper()), force=True
    )
    for name in ROUTED:
        routed = logging.getLogger(name)
        routed.handlers = []
        routed.propagate = True
