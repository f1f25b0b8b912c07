"""Which driver serves a database URL: the one place that maps what users write to a driver."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

# The URL forms users have, by scheme without a driver, and the synchronous driver of each:
# what Alembic migrates with (and, until the core is async, what the app runs on).
DRIVERS = {
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",  # Heroku-style URLs; SQLAlchemy itself refuses the name
    "sqlite": "sqlite+pysqlite",
}


def driver_url(url: str | URL) -> URL:
    """The URL with the project's driver for its database.

    `mysql://`, `mysql+pymysql://`, `mariadb://`, `postgresql://`, `postgres://` and
    `sqlite:///` are accepted; a URL that names another driver keeps it.
    """
    parsed = make_url(url)
    if "+" in parsed.drivername:
        return parsed
    target = DRIVERS.get(parsed.drivername)
    if target is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: "
            "use mysql://, postgresql:// or sqlite:///"
        )
    return parsed.set(drivername=target)


# The async driver of each database, for the app on SQLAlchemy's asyncio engine.
ASYNC_DRIVERS = {
    "mysql": "mysql+aiomysql",
    "mariadb": "mysql+aiomysql",  # the mysql dialect finds MariaDB from the server's version
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}

# The synchronous drivers users' URLs name today: each keeps working, on its async twin.
ASYNC_FOR_SYNC = {
    "mysql+pymysql": "mysql+aiomysql",
    "mariadb+pymysql": "mysql+aiomysql",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "sqlite+pysqlite": "sqlite+aiosqlite",
}


def async_driver_url(url: str | URL) -> URL:
    """The URL with the project's async driver for its database.

    The same forms as `driver_url`; a URL naming one of the synchronous drivers users have
    (`mysql+pymysql://`, `postgresql+psycopg://`, ...) gets that driver's async twin, and a URL
    naming an async driver keeps it. Any other named driver is refused: the app cannot run on
    a synchronous one.
    """
    parsed = make_url(url)
    name = parsed.drivername
    target = ASYNC_FOR_SYNC.get(name) if "+" in name else ASYNC_DRIVERS.get(name)
    if target is None and name in ASYNC_DRIVERS.values():
        return parsed
    if target is None:
        raise ValueError(
            f"unsupported database URL scheme {name!r}: use mysql://, postgresql:// or sqlite:///"
        )
    parsed = parsed.set(drivername=target)
    if target == "postgresql+asyncpg" and "sslmode" in parsed.query:
        # libpq's (and psycopg's) `sslmode` is asyncpg's `ssl`, with the same values.
        query = dict(parsed.query)
        query["ssl"] = query.pop("sslmode")
        parsed = parsed.set(query=query)
    return parsed


def backend_of(url: str | URL) -> str:
    """`mysql`, `mariadb`, `postgresql` or `sqlite`: the database a URL names."""
    return driver_url(url).get_backend_name()
