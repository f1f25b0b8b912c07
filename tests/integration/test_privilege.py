"""Nobody ends with more privilege than they had: actors x escalation routes, on MariaDB + Redis.

Runs on a database of its own (the attempts lock accounts and would change admin's account
if a guard failed), with the seeded accounts plus two limited administrators:
`useradmin` (perm:user:get and perm:user:put only) and `roleadmin` (perm:role:put only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import App, unique

P = "/api/v1/permission"
PASSWORD = "a fine passphrase"


@dataclass
class World:
    app: App
    admin: dict[str, str]
    role_ids: dict[str, int]  # role code -> id
    label_ids: dict[str, int]  # label -> id
    menu_ids: list[int]
    victim: int  # a second account holding the admin role
    default_role_setting: int  # id of sys.account.default_role
    actors: dict[str, tuple[int, dict[str, str]]]  # name -> (user id, headers)

    def get(self, path: str) -> dict:  # type: ignore[type-arg]
        r = self.app.client.get(path, headers=self.admin)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


def _role(app: App, admin: dict[str, str], code: str, label_ids: list[int]) -> int:
    r = app.client.post(f"{P}/role", headers=admin, json={"code": code, "name": code})
    assert r.status_code == 201, r.text
    rid = int(r.json()["id"])
    r = app.client.put(f"{P}/role/{rid}/perm-labels", headers=admin, json={"label_ids": label_ids})
    assert r.status_code == 204, r.text
    return rid


def _user(app: App, admin: dict[str, str], name: str, role_ids: list[int]) -> int:
    r = app.client.post(
        f"{P}/user",
        headers=admin,
        json={"username": name, "password": PASSWORD, "role_ids": role_ids},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@pytest.fixture(scope="module")
def world(
    make_seeded_database: Callable[[], str], make_app: Callable[..., App], redis_prefix: str
) -> World:
    url = make_seeded_database()
    app = make_app(database_url=url, prefix=f"{redis_prefix}priv:")
    admin = app.login("admin", "admin123")
    labels = app.client.get(f"{P}/perm-label", headers=admin, params={"size": 100}).json()
    label_ids = {i["label"]: i["id"] for i in labels["items"]}
    roles = app.client.get(f"{P}/role", headers=admin, params={"size": 100}).json()["items"]
    role_ids = {r["code"]: r["id"] for r in roles}
    menus: list[int] = []
    stack = app.client.get(f"{P}/menu", headers=admin).json()
    while stack:
        node = stack.pop()
        menus.append(node["id"])
        stack.extend(node.get("children") or [])
    role_ids["useradmin"] = _role(
        app, admin, "useradmin", [label_ids["perm:user:get"], label_ids["perm:user:put"]]
    )
    role_ids["roleadmin"] = _role(app, admin, "roleadmin", [label_ids["perm:role:put"]])
    # A non-admin role stronger than any limited actor: what they must not hand out.
    role_ids["power"] = _role(
        app, admin, "power", [label_ids["perm:role:put"], label_ids["perm:user:delete"]]
    )
    victim = _user(app, admin, unique("admin2"), [role_ids["admin"]])
    actors = {}
    for name, code in (("useradmin", "useradmin"), ("roleadmin", "roleadmin")):
        uid = _user(app, admin, name, [role_ids[code]])
        actors[name] = (uid, app.login(name, PASSWORD))
    opt = app.client.get(f"{P}/user", headers=admin, params={"username": "opt"}).json()
    actors["opt"] = (opt["items"][0]["id"], app.login("opt", "opt123"))
    found = app.client.get(
        "/api/v1/system/config-setting",
        headers=admin,
        params={"key": "sys.account.default_role", "size": 100},
    ).json()["items"]
    setting = next(i["id"] for i in found if i["key"] == "sys.account.default_role")
    return World(app, admin, role_ids, label_ids, menus, victim, setting, actors)


def _own_role(w: World, actor: str) -> int:
    return w.role_ids["opt" if actor == "opt" else actor]


# Each route: what the actor sends. The guard must answer 403 (or 422 for a value no one
# may save) and leave everything as it was.
ROUTES: dict[str, Callable[[World, str], tuple[str, str, dict | None]]] = {  # type: ignore[type-arg]
    "grant self the admin role": lambda w, a: (
        "PUT",
        f"{P}/user/{w.actors[a][0]}/roles",
        {"role_ids": [_own_role(w, a), w.role_ids["admin"]]},
    ),
    "grant self a stronger role": lambda w, a: (
        "PUT",
        f"{P}/user/{w.actors[a][0]}/roles",
        {"role_ids": [_own_role(w, a), w.role_ids["power"]]},
    ),
    "create a user with the admin role": lambda w, a: (
        "POST",
        f"{P}/user",
        {"username": unique("sneak"), "password": PASSWORD, "role_ids": [w.role_ids["admin"]]},
    ),
    "reset an admin's password": lambda w, a: (
        "PUT",
        f"{P}/user/{w.victim}/password",
        {"new_password": "taken over now"},
    ),
    "change an admin's e-mail": lambda w, a: (
        "PUT",
        f"{P}/user/{w.victim}",
        {"email": "attacker@example.com"},
    ),
    "disable an admin": lambda w, a: ("PUT", f"{P}/user/{w.victim}/active", {"status": 0}),
    "delete an admin": lambda w, a: ("DELETE", f"{P}/user/{w.victim}", None),
    "strip an admin's roles": lambda w, a: (
        "PUT",
        f"{P}/user/{w.victim}/roles",
        {"role_ids": []},
    ),
    "give own role every label": lambda w, a: (
        "PUT",
        f"{P}/role/{_own_role(w, a)}/perm-labels",
        {"label_ids": sorted(w.label_ids.values())},
    ),
    "give own role every menu": lambda w, a: (
        "PUT",
        f"{P}/role/{_own_role(w, a)}/menus",
        {"menu_ids": sorted(w.menu_ids)},
    ),
    "sign-ups get ADMIN": lambda w, a: (
        "PUT",
        f"/api/v1/system/config-setting/{w.default_role_setting}",
        {"value": "ADMIN"},
    ),
    "sign-ups get Admin": lambda w, a: (
        "PUT",
        f"/api/v1/system/config-setting/{w.default_role_setting}",
        {"value": "Admin"},
    ),
    "sign-ups get admin": lambda w, a: (
        "PUT",
        f"/api/v1/system/config-setting/{w.default_role_setting}",
        {"value": "admin"},
    ),
    "sign-ups get a stronger role": lambda w, a: (
        "PUT",
        f"/api/v1/system/config-setting/{w.default_role_setting}",
        {"value": "power"},
    ),
}


def _state(w: World) -> dict[str, object]:
    """Everything an escalation would change."""
    victim = w.get(f"{P}/user/{w.victim}")
    state: dict[str, object] = {
        "victim": (victim["status"], victim.get("email"), [r["id"] for r in victim["roles"]]),
        "default_role": w.get(f"/api/v1/system/config-setting/{w.default_role_setting}")["value"],
        "users": w.get(f"{P}/user?size=100")["total"],
    }
    for name, (uid, _) in w.actors.items():
        user = w.get(f"{P}/user/{uid}")
        own = _own_role(w, name)
        role = w.get(f"{P}/role/{own}")
        state[name] = (
            [r["id"] for r in user["roles"]],
            sorted(role["label_ids"]),
            sorted(role["menu_ids"]),
        )
    return state


@pytest.mark.parametrize("actor", ["useradmin", "roleadmin", "opt"])
@pytest.mark.parametrize("route", list(ROUTES))
def test_no_actor_escalates(world: World, actor: str, route: str) -> None:
    before = _state(world)
    method, path, body = ROUTES[route](world, actor)
    r = world.app.client.request(method, path, headers=world.actors[actor][1], json=body)
    assert r.status_code in (403, 422), (r.status_code, r.text)
    assert r.json()["code"] in {
        "permission_denied",
        "admin_account_protected",
        "privilege_exceeded",
        "admin_only",
        "default_role_invalid",
    }
    assert _state(world) == before
    # The victim still signs in with its password: nothing was reset.
    victim = world.get(f"{P}/user/{world.victim}")["username"]
    assert _login(world.app.client, victim, PASSWORD) == 200


def test_sign_up_role_values_are_checked_by_what_they_name(world: World) -> None:
    path = f"/api/v1/system/config-setting/{world.default_role_setting}"
    for value in ("ADMIN", "Admin", " admin", "no-such-role", "USER"):
        r = world.app.client.put(path, headers=world.admin, json={"value": value})
        assert r.status_code == 422 and r.json()["code"] == "default_role_invalid", value
    # An exact, enabled, non-admin role is fine, for admin and for opt, who covers it.
    for headers in (world.admin, world.actors["opt"][1]):
        assert (
            world.app.client.put(path, headers=headers, json={"value": "user"}).status_code == 204
        )
    # Admin may make sign-ups stronger than opt, but never admins.
    r = world.app.client.put(path, headers=world.admin, json={"value": "power"})
    assert r.status_code == 204
    assert (
        world.app.client.put(path, headers=world.admin, json={"value": "user"}).status_code == 204
    )


def test_a_look_alike_key_cannot_carry_the_admin_role(world: World) -> None:
    r = world.app.client.post(
        "/api/v1/system/config-setting",
        headers=world.actors["opt"][1],
        json={"name": "look-alike", "key": "SYS.ACCOUNT.DEFAULT_ROLE", "value": "admin"},
    )
    assert r.status_code == 422 and r.json()["code"] == "default_role_invalid"


def test_limited_admins_may_still_grant_what_they_hold(world: World) -> None:
    """The guard is not a wall: each actor can hand out what it has, admin everything."""
    _, headers = world.actors["useradmin"]
    readers = _role(world.app, world.admin, unique("readers"), [world.label_ids["perm:user:get"]])
    target = _user(world.app, world.admin, unique("plain"), [])
    r = world.app.client.put(
        f"{P}/user/{target}/roles", headers=headers, json={"role_ids": [readers]}
    )
    assert r.status_code == 204, r.text
    # roleadmin may give its role a label it holds (already has it: a no-op), not another.
    _, rheaders = world.actors["roleadmin"]
    own = world.role_ids["roleadmin"]
    ok = world.app.client.put(
        f"{P}/role/{own}/perm-labels",
        headers=rheaders,
        json={"label_ids": [world.label_ids["perm:role:put"]]},
    )
    assert ok.status_code == 204
    # Removing is never an escalation.
    strip = world.app.client.put(
        f"{P}/role/{readers}/perm-labels", headers=rheaders, json={"label_ids": []}
    )
    assert strip.status_code == 204
    # Admin grants the admin role, and acts on admins.
    r = world.app.client.put(
        f"{P}/user/{target}/roles",
        headers=world.admin,
        json={"role_ids": [world.role_ids["admin"]]},
    )
    assert r.status_code == 204
    r = world.app.client.put(f"{P}/user/{target}/active", headers=world.admin, json={"status": 0})
    assert r.status_code == 204


def test_a_stronger_account_is_out_of_reach(world: World) -> None:
    """useradmin could become opt by resetting its password or redirecting its mail."""
    opt_id = world.actors["opt"][0]
    _, headers = world.actors["useradmin"]
    before = world.get(f"{P}/user/{opt_id}")
    for method, path, body in (
        ("PUT", f"{P}/user/{opt_id}/password", {"new_password": "taken over now"}),
        ("PUT", f"{P}/user/{opt_id}", {"email": "attacker@example.com"}),
        ("PUT", f"{P}/user/{opt_id}/active", {"status": 0}),
    ):
        r = world.app.client.request(method, path, headers=headers, json=body)
        assert r.status_code == 403 and r.json()["code"] == "privilege_exceeded", r.text
    assert world.get(f"{P}/user/{opt_id}") == before
    assert _login(world.app.client, "opt", "opt123") == 200


def test_a_label_rename_or_re_enable_is_for_admins(world: World) -> None:
    """Renaming a label re-grants every role linked to it; roleadmin holds label rights here."""
    label_put = world.label_ids["perm:label:put"]
    own = world.role_ids["roleadmin"]
    # Give roleadmin the right to edit labels, then try to rename its own label to a stronger one.
    r = world.app.client.put(
        f"{P}/role/{own}/perm-labels",
        headers=world.admin,
        json={"label_ids": [world.label_ids["perm:role:put"], label_put]},
    )
    assert r.status_code == 204
    _, headers = world.actors["roleadmin"]
    mine = world.label_ids["perm:role:put"]
    try:
        r = world.app.client.put(
            f"{P}/perm-label/{mine}", headers=headers, json={"label": "perm:user:delete2"}
        )
        assert r.status_code == 403 and r.json()["code"] == "admin_only"
        # A name or remark is not a grant.
        r = world.app.client.put(f"{P}/perm-label/{mine}", headers=headers, json={"remark": "ok"})
        assert r.status_code == 204
    finally:
        world.app.client.put(
            f"{P}/role/{own}/perm-labels",
            headers=world.admin,
            json={"label_ids": [world.label_ids["perm:role:put"]]},
        )


def test_natural_keys_are_exact_on_the_server(world: World) -> None:
    world.app.run(_natural_keys_are_exact, world.app)


async def _natural_keys_are_exact(app: App) -> None:
    async with app.container.uow() as uow:
        assert await uow.roles.get_by_code("ADMIN") is None
        assert await uow.roles.get_by_code("admin") is not None
        for name in ("OPT", "öpt", "Öpt", "\uff4f\uff50\uff54"):
            assert await uow.users.get_by_username(name) is None, name
        assert await uow.users.get_by_username("opt") is not None


def _login(client: TestClient, username: str, password: str) -> int:
    r = client.post("/api/v1/user/login", data={"username": username, "password": password})
    return int(r.status_code)


def test_look_alike_names_share_the_lock_of_the_account(world: World) -> None:
    """After `opt` is locked for a client, no spelling of it signs in from there."""
    attacker = world.app.peer(("203.0.113.7", 40000))
    owner = world.app.peer(("198.51.100.9", 40000))
    for _ in range(5):
        assert _login(attacker, "opt", "wrong password") == 401
    assert _login(attacker, "opt", "opt123") == 429
    for name in ("OPT", "Opt", "\uff4f\uff50\uff54", " opt ", "öpt", "Öpt", "opt\u200b"):
        assert _login(attacker, name, "opt123") in (401, 429), name
    # The lock is per account and client: the owner elsewhere still signs in.
    assert _login(owner, "OPT", "opt123") == 200


def test_many_clients_reach_the_account_ceiling(world: World) -> None:
    """Per account from all clients the ceiling is higher than one client can reach alone."""
    name = unique("target")
    _user(world.app, world.admin, name, [])
    ceiling = world.app.container.settings().account_failure_ceiling
    per_client = world.app.container.settings().max_failed_logins
    clients = [world.app.peer((f"192.0.2.{i}", 40000)) for i in range(ceiling // per_client + 1)]
    for c in clients[:-1]:
        for _ in range(per_client):
            assert _login(c, name, "wrong password") == 401
        assert _login(c, name, PASSWORD) == 429
    # Every client spent its share: the account is now locked for all, owner included.
    assert _login(clients[-1], name, PASSWORD) == 429
    fresh = world.app.peer(("192.0.2.250", 40000))
    assert _login(fresh, name, PASSWORD) == 429
