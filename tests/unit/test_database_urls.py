"""The URLs users write map to the project's drivers, in one function (no connection is made)."""

from __future__ import annotations

import pytest

from adapters.sqlalchemy.urls import async_driver_url, driver_url


@pytest.mark.parametrize(
    ("written", "driver", "backend"),
    [
        ("mysql://u:p@db:3306/app", "mysql+pymysql", "mysql"),
        ("mysql+pymysql://u:p@db:3306/app", "mysql+pymysql", "mysql"),
        ("mariadb://u:p@db:3306/app", "mariadb+pymysql", "mariadb"),
        ("postgresql://u:p@db:5432/app", "postgresql+psycopg", "postgresql"),
        ("postgres://u:p@db:5432/app", "postgresql+psycopg", "postgresql"),
        ("sqlite:///var/app.db", "sqlite+pysqlite", "sqlite"),
    ],
)
def test_each_scheme_gets_its_driver(written: str, driver: str, backend: str) -> None:
    url = driver_url(written)
    assert url.drivername == driver
    assert url.get_backend_name() == backend


def test_the_rest_of_the_url_is_kept() -> None:
    url = driver_url("postgresql://app:s%40cret@db.example:6543/admin?sslmode=require")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "app",
        "s@cret",
        "db.example",
        6543,
        "admin",
    )
    assert url.query == {"sslmode": "require"}
    assert driver_url("sqlite:////srv/data/app.db").database == "/srv/data/app.db"


def test_a_named_driver_is_left_alone() -> None:
    assert driver_url("postgresql+psycopg2://u@db/app").drivername == "postgresql+psycopg2"


def test_an_unknown_scheme_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="oracle"):
        driver_url("oracle://u@db/app")


@pytest.mark.parametrize(
    ("written", "driver", "backend"),
    [
        ("mysql://u:p@db:3306/app", "mysql+aiomysql", "mysql"),
        ("mysql+pymysql://u:p@db:3306/app", "mysql+aiomysql", "mysql"),
        ("mariadb://u:p@db:3306/app", "mysql+aiomysql", "mysql"),
        ("mariadb+pymysql://u:p@db:3306/app", "mysql+aiomysql", "mysql"),
        ("postgresql://u:p@db:5432/app", "postgresql+asyncpg", "postgresql"),
        ("postgres://u:p@db:5432/app", "postgresql+asyncpg", "postgresql"),
        ("postgresql+psycopg://u:p@db:5432/app", "postgresql+asyncpg", "postgresql"),
        ("sqlite:///var/app.db", "sqlite+aiosqlite", "sqlite"),
        ("sqlite+pysqlite:///var/app.db", "sqlite+aiosqlite", "sqlite"),
        ("mysql+aiomysql://u:p@db:3306/app", "mysql+aiomysql", "mysql"),
    ],
)
def test_each_form_gets_its_async_driver(written: str, driver: str, backend: str) -> None:
    url = async_driver_url(written)
    assert url.drivername == driver
    assert url.get_backend_name() == backend


def test_the_async_url_keeps_the_rest() -> None:
    url = async_driver_url("mysql://app:s%40cret@db.example:3307/admin?charset=utf8mb4")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "app",
        "s@cret",
        "db.example",
        3307,
        "admin",
    )
    assert url.query == {"charset": "utf8mb4"}
    assert async_driver_url("sqlite:////srv/data/app.db").database == "/srv/data/app.db"


@pytest.mark.parametrize("written", ["oracle://u@db/app", "mysql+mysqldb://u@db/app"])
def test_the_app_refuses_a_form_it_has_no_async_driver_for(written: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        async_driver_url(written)


def test_libpqs_sslmode_becomes_asyncpgs_ssl() -> None:
    url = async_driver_url("postgresql://u@db/app?sslmode=require&application_name=admin")
    assert url.query == {"ssl": "require", "application_name": "admin"}
    # The synchronous driver (Alembic's psycopg) keeps libpq's own name.
    assert driver_url("postgresql://u@db/app?sslmode=require").query == {"sslmode": "require"}
