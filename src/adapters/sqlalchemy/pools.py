"""The connection pools of the app's engines, as the server monitor shows them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool, QueuePool

from core.monitor.model import PoolFigures
from core.monitor.ports import PoolGauge


def _figures(name: str, pool: Pool) -> PoolFigures:
    if isinstance(pool, QueuePool):  # the async adapted pool is one
        return PoolFigures(
            name=name, size=pool.size(), checked_out=pool.checkedout(), overflow=pool.overflow()
        )
    # SQLite's pools keep no count of their own beyond what is checked out.
    checked_out = getattr(pool, "checkedout", None)
    return PoolFigures(
        name=name,
        size=0,
        checked_out=int(checked_out()) if callable(checked_out) else 0,
        overflow=0,
    )


class SqlAlchemyPoolGauge(PoolGauge):
    """The writes' engine and the plain reads' engine (one engine on SQLite: listed once)."""

    def __init__(self, engine: AsyncEngine, read_engine: AsyncEngine) -> None:
        self._engines = [("write", engine)]
        if read_engine is not engine:
            self._engines.append(("read", read_engine))

    def pools(self) -> tuple[PoolFigures, ...]:
        return tuple(_figures(name, e.sync_engine.pool) for name, e in self._engines)
