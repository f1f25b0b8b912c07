"""The lean request paths of issue 9 keep their answers exact.

Pages count only when they must, a user list reads roles in one join, DATETIME columns take
the fast parser, and pooled connections are pinged only after sitting idle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adapters.sqlalchemy import uow
from tests.integration.conftest import App, counting, execute, seed, settings_for, unique
from tests.schema import migrate


def _counts(statements: list[str]) -> int:
    return sum("count(" in s.lower() for s in statements)


@pytest.mark.parametrize(
    ("page", "size", "items", "counted"),
    [
        (1, 10, 7, False),  # a short first page is the whole list
        (2, 5, 2, False),  # a short later page is the last one
        (1, 7, 7, True),  # a full page cannot tell whether more follow
        (1, 3, 3, True),
        (3, 3, 1, False),
        (4, 3, 0, True),  # past the end: only the count knows the total
    ],
)
def test_every_page_reports_the_exact_total(
    api: App, admin: dict[str, str], page: int, size: int, items: int, counted: bool
) -> None:
    key = unique("lean.page.")
    for i in range(7):
        r = api.client.post(
            "/api/v1/system/config-setting",
            headers=admin,
            json={"name": f"n{i}", "key": f"{key}.{i}", "value": str(i)},
        )
        assert r.status_code == 201, r.text
    with counting(api) as statements:
        r = api.client.get(
            "/api/v1/system/config-setting",
            headers=admin,
            params={"key": key, "page": page, "size": size, "sort": "key"},
        )
    body = r.json()
    assert r.status_code == 200
    assert body["total"] == 7 and len(body["items"]) == items
    assert [x["key"] for x in body["items"]] == [
        f"{key}.{i}" for i in range(7)[(page - 1) * size : page * size]
    ]
    assert _counts(statements) == (1 if counted else 0), statements


def test_a_user_list_reads_every_users_roles_posts_and_department_in_one_query(
    api: App, admin: dict[str, str]
) -> None:
    prefix = unique("lean")

    def made(path: str, body: dict[str, object]) -> int:
        r = api.client.post(f"/api/v1{path}", headers=admin, json=body)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    roles = {
        code: made("/permission/role", {"code": f"{prefix}{code}", "name": code, "sort": sort})
        for code, sort in (("b", 2), ("a", 1))
    }
    posts = {
        code: made("/system/post", {"code": f"{prefix}{code}", "name": code, "sort": sort})
        for code, sort in (("y", 2), ("x", 1))
    }
    dept = made("/system/dept", {"parent_id": 0, "name": f"{prefix}dept"})
    # u2 has two roles and two posts: four joined rows, one user, each role and post once.
    wanted = {"u0": ([], [], None), "u1": (["a"], [], dept), "u2": (["b", "a"], ["y", "x"], dept)}
    for name, (codes, held, home) in wanted.items():
        made(
            "/permission/user",
            {
                "username": f"{prefix}{name}",
                "password": "Long-enough-pass-1",
                "nickname": name,
                "role_ids": [roles[c] for c in codes],
                "post_ids": [posts[p] for p in held],
                "dept_id": home,
            },
        )
    with counting(api) as statements:
        r = api.client.get(
            "/api/v1/permission/user",
            headers=admin,
            params={"username": prefix, "size": 10, "sort": "username", "order": "asc"},
        )
    assert r.status_code == 200
    got = {
        u["username"][len(prefix) :]: (
            [x["code"][len(prefix) :] for x in u["roles"]],
            u["post_ids"],
            u["dept_name"],
        )
        for u in r.json()["items"]
    }
    # roles and posts in their sort order: a (1) before b (2), x (1) before y (2)
    assert got == {
        "u0": ([], [], None),
        "u1": (["a"], [], f"{prefix}dept"),
        "u2": (["a", "b"], [posts["x"], posts["y"]], f"{prefix}dept"),
    }
    # The page, then the roles, posts and department of all its users in one query: a fixed
    # number per page, none per user.
    assert len(statements) == 2, statements


def test_datetimes_read_back_exactly(api: App, admin: dict[str, str]) -> None:
    if api.container.engine().dialect.name not in ("mysql", "mariadb"):
        pytest.skip("the fast DATETIME parser is PyMySQL's; psycopg parses in C already")
    for literal in ("2026-01-02 03:04:05.123456", "2026-01-02 03:04:05"):
        [(value,)] = execute(api, text(f"SELECT CAST('{literal}' AS DATETIME(6))"))
        assert value == datetime.fromisoformat(literal)
    assert uow._fast_datetime("0000-00-00 00:00:00") == "0000-00-00 00:00:00"  # PyMySQL's way
    assert uow._fast_datetime(b"2026-01-02 03:04:05.5") == datetime(2026, 1, 2, 3, 4, 5, 500000)


@pytest.fixture
def own_app(
    make_database: Callable[[], str], redis_prefix: str, make_app: Callable[..., App]
) -> Iterator[tuple[App, str]]:
    """An app on a database of its own: this test kills that database's connections."""
    url = make_database()
    migrate(settings_for(url, None))
    seed(settings_for(url, None))
    yield make_app(database_url=url, prefix=f"{redis_prefix}{unique('lean')}:"), url


def _kill_connections_to(url: str) -> int:
    """Ends every server connection to the database of `url`, as a server restart would."""
    target = make_url(url)
    name = target.database
    maintenance = "postgres" if target.get_backend_name() == "postgresql" else None
    server = create_engine(target.set(database=maintenance), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if server.dialect.name == "postgresql":
            killed = len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": name},
                ).all()
            )
        else:
            ids = conn.execute(
                text(
                    "SELECT ID FROM information_schema.PROCESSLIST"
                    " WHERE DB = :db AND ID <> CONNECTION_ID()"
                ),
                {"db": name},
            ).scalars()
            killed = 0
            for connection_id in list(ids):
                conn.execute(text(f"KILL CONNECTION {int(connection_id)}"))
                killed += 1
    server.dispose()
    return killed


def test_an_idle_connection_that_died_is_replaced_quietly(
    own_app: tuple[App, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, url = own_app
    headers = app.login("admin", "admin123")
    assert app.client.get("/api/v1/permission/user", headers=headers).status_code == 200
    assert _kill_connections_to(url) >= 1
    monkeypatch.setattr(uow, "IDLE_PING_SECONDS", 0.0)  # every pooled connection counts as idle
    statuses = [
        app.client.get("/api/v1/permission/user", headers=headers).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 200]


def test_a_busy_connection_that_died_costs_one_503(own_app: tuple[App, str]) -> None:
    app, url = own_app
    headers = app.login("admin", "admin123")
    assert app.client.get("/api/v1/permission/user", headers=headers).status_code == 200
    assert _kill_connections_to(url) >= 1
    new_query = {"created_start": 1_000_000_000}  # not the answer kept above: computed
    first = app.client.get("/api/v1/permission/user", headers=headers, params=new_query)
    assert first.status_code == 503 and first.json()["code"] == "database_unavailable"
    # the failure invalidated the whole pool: from now on, fresh connections
    again = app.client.get("/api/v1/permission/user", headers=headers, params=new_query)
    assert again.status_code == 200
