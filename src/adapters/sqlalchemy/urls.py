"""Which driver serves a database URL: the one place that maps what users write to a driver."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

# The URL forms users have, by scheme without a driver, and the (synchronous) driver of each.
# The async core will change only these targets (aiomysql, asyncpg, aiosqlite).
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


def backend_of(url: str | URL) -> str:
    """`mysql`, `mariadb`, `postgresql` or `sqlite`: the database a URL names."""
    return driver_url(url).get_backend_name()
