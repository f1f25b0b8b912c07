"""The ASGI factory uvicorn imports in each worker: settings are read when a worker starts."""

from __future__ import annotations

from fastapi import FastAPI

from bootstrap import Settings, build_container, configure_logging
from entrypoints.http.app import create_app


def create() -> FastAPI:
    settings = Settings()
    configure_logging(settings)
    return create_app(build_container(settings))
