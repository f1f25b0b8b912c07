"""Organisation rules on fakes: the tree's paths, moves, cycles, usable departments, posts,
users' departments and posts, and the sample company of the seed."""

from __future__ import annotations

import pytest

from bootstrap import Container
from core.org.commands import CreateDept, CreatePost, UpdateDept, UpdatePost
from core.org.model import Dept, DeptFilter, DeptNode, build_tree, check_usable, ids_of, path_of
from core.org.ports import PostFilter
from core.rbac.commands import CreateUser, UpdateUser
from core.rbac.model import User
from core.rbac.ports import UserFilter
from core.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.shared.pagination import PageRequest
from core.shared.scope import RowScope
from tests.unit.fakes import Store, id_of

# --- the entity's rules ---------------------------------------------------------------------


def _dept(dept_id: int, path: str, status: int = 1, name: str = "") -> Dept:
    parents = ids_of(path)
    parent = parents[-2] if len(parents) > 1 else 0
    return Dept(id=dept_id, name=name or f"d{dept_id}", parent_id=parent, path=path, status=status)


def test_a_path_names_the_ids_from_the_root_down() -> None:
    assert path_of("", 1) == "/1/"
    assert path_of("/1/4/", 9) == "/1/4/9/"
    assert ids_of("/1/4/9/") == [1, 4, 9]
    assert _dept(9, "/1/4/9/").ancestor_ids == [1, 4]


def test_placing_a_department_writes_its_path_and_parent() -> None:
    root, child = _dept(1, "/1/"), Dept(id=5, name="x")
    child.place(root)
    assert (child.parent_id, child.path) == (1, "/1/5/")
    child.place(None)
    assert (child.parent_id, child.path) == (0, "/5/")


@pytest.mark.parametrize("target", ["/1/4/", "/1/4/9/", "/1/4/9/12/"])
def test_a_department_never_moves_under_itself_or_below_itself(target: str) -> None:
    moving = _dept(4, "/1/4/")
    with pytest.raises(Conflict) as refused:
        moving.move_under(_dept(ids_of(target)[-1], target))
    assert refused.value.code == "dept_cycle"
    assert (moving.parent_id, moving.path) == (1, "/1/4/")


def test_a_move_answers_the_old_path_and_takes_the_new_one() -> None:
    moving = _dept(4, "/1/4/")
    assert moving.move_under(_dept(7, "/1/7/")) == "/1/4/"
    assert (moving.parent_id, moving.path) == (7, "/1/7/4/")
    # A sibling whose id starts with the same digits is not "below": paths end in a slash.
    assert not _dept(40, "/1/40/").is_within(_dept(4, "/1/4/"))


def test_renaming_changes_only_the_fields_given() -> None:
    dept = _dept(4, "/1/4/", name="old")
    dept.change(name="new", leader="Li")
    assert (dept.name, dept.leader, dept.path, dept.phone) == ("new", "Li", "/1/4/", "")


def test_a_usable_department_exists_and_nothing_above_it_is_disabled() -> None:
    root, mid, leaf = _dept(1, "/1/"), _dept(2, "/1/2/", status=0), _dept(3, "/1/2/3/")
    assert check_usable(root, []) is root
    for dept, above, code in [
        (None, [], "dept_not_found"),
        (mid, [root], "dept_disabled"),
        (leaf, [root, mid], "dept_disabled"),  # enabled itself, under a disabled one
    ]:
        with pytest.raises(InvalidInput) as refused:
            check_usable(dept, above)
        assert refused.value.code == code


def _names(nodes: list[DeptNode]) -> list[object]:
    return [(n.dept.name, _names(n.children)) if n.children else n.dept.name for n in nodes]


def test_the_tree_orders_siblings_by_sort_then_id() -> None:
    a, b, c = _dept(1, "/1/"), _dept(2, "/1/2/"), _dept(3, "/1/3/")
    b.sort, c.sort = 2, 1
    assert _names(build_tree([b, a, c])) == [("d1", ["d3", "d2"])]


def test_the_enabled_filter_hides_everything_below_a_disabled_department() -> None:
    depts = [_dept(1, "/1/"), _dept(2, "/1/2/", status=0), _dept(3, "/1/2/3/"), _dept(4, "/1/4/")]
    by_id = {d.id: d for d in depts if d.id is not None}
    enabled = DeptFilter(status=1)
    assert [d.id for d in depts if enabled.matches(d, by_id)] == [1, 4]
    assert [d.id for d in depts if DeptFilter(status=0).matches(d, by_id)] == [2]
    assert [d.id for d in depts if DeptFilter(name="D3").matches(d, by_id)] == [3]


# --- departments through the service -------------------------------------------------------


def _admin_of(store: Store) -> int:
    return id_of(next(u for u in store.live(User) if u.username == "admin"))


async def _tree(c: Container, store: Store) -> dict[str, int]:
    """A fresh tree beside the seed's: A -> (B -> C), D."""
    actor = _admin_of(store)
    depts = c.depts()
    a = await depts.create(actor, CreateDept(name="A"))
    b = await depts.create(actor, CreateDept(name="B", parent_id=a))
    cc = await depts.create(actor, CreateDept(name="C", parent_id=b))
    d = await depts.create(actor, CreateDept(name="D", parent_id=a, sort=-1))
    return {"A": a, "B": b, "C": cc, "D": d}


async def test_created_departments_carry_their_paths(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    c = await seeded.depts().get(t["C"])
    assert c.path == f"/{t['A']}/{t['B']}/{t['C']}/" and c.parent_id == t["B"]
    assert c.creator_id == _admin_of(store)


async def test_a_name_is_unique_among_its_siblings_only(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    actor, depts = _admin_of(store), seeded.depts()
    with pytest.raises(Conflict) as taken:
        await depts.create(actor, CreateDept(name="B", parent_id=t["A"]))
    assert taken.value.code == "dept_name_exists"
    assert await depts.create(actor, CreateDept(name="B", parent_id=t["D"])) > 0
    with pytest.raises(Conflict):
        await depts.update(actor, t["D"], UpdateDept(name="B"))
    with pytest.raises(Conflict):  # a move lands beside a sibling of the same name
        await depts.update(actor, t["C"], UpdateDept(parent_id=t["D"], name="B"))


async def test_a_missing_or_disabled_parent_is_refused(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    actor, depts = _admin_of(store), seeded.depts()
    before = len(store.live(Dept))
    with pytest.raises(InvalidInput) as missing:
        await depts.create(actor, CreateDept(name="X", parent_id=9999))
    assert (missing.value.code, missing.value.field) == ("dept_not_found", "parent_id")
    await depts.update(actor, t["B"], UpdateDept(status=0))
    for parent in (t["B"], t["C"]):  # disabled, and below a disabled one
        with pytest.raises(InvalidInput) as disabled:
            await depts.create(actor, CreateDept(name="X", parent_id=parent))
        assert disabled.value.code == "dept_disabled"
    with pytest.raises(InvalidInput):
        await depts.update(actor, t["D"], UpdateDept(parent_id=t["C"]))
    assert len(store.live(Dept)) == before


async def test_moving_rewrites_the_whole_subtree(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    actor, depts = _admin_of(store), seeded.depts()
    await depts.update(actor, t["B"], UpdateDept(parent_id=t["D"]))
    a, b, c, d = t["A"], t["B"], t["C"], t["D"]
    assert (await depts.get(b)).path == f"/{a}/{d}/{b}/"
    assert (await depts.get(c)).path == f"/{a}/{d}/{b}/{c}/"
    await depts.update(actor, b, UpdateDept(parent_id=0))
    assert (await depts.get(b)).path == f"/{b}/" and (await depts.get(b)).parent_id == 0
    assert (await depts.get(c)).path == f"/{b}/{c}/"
    assert (await depts.get(d)).path == f"/{a}/{d}/"


async def test_a_cycle_is_refused_and_nothing_moves(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    actor, depts = _admin_of(store), seeded.depts()
    for target in (t["A"], t["B"], t["C"]):
        with pytest.raises(Conflict) as refused:
            await depts.update(actor, t["A"], UpdateDept(parent_id=target))
        assert refused.value.code == "dept_cycle"
    assert (await depts.get(t["C"])).path == f"/{t['A']}/{t['B']}/{t['C']}/"


async def test_the_tree_keeps_ancestors_of_what_matches(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    depts = seeded.depts()
    found = await depts.tree(DeptFilter(name="c"))
    # Every name with a "c" (the seed's tree has none in the fakes' zh-CN names) and above it.
    assert _names(found) == [("A", [("B", ["C"])])]
    await depts.update(_admin_of(store), t["B"], UpdateDept(status=0))
    usable = _names(await depts.tree(DeptFilter(status=1)))
    assert ("A", ["D"]) in usable
    scoped = await depts.tree(DeptFilter(), RowScope(subtrees=frozenset({t["B"]})))
    assert _names(scoped) == [("A", [("B", ["C"])])]
    assert await depts.tree(DeptFilter(), RowScope()) == []


async def test_a_scoped_caller_sees_and_changes_only_their_subtree(
    seeded: Container, store: Store
) -> None:
    """The tree shows the scope's departments and the ancestors that hang them; a department
    outside is not found to read, change, delete or hang a child under; no new top level."""
    t = await _tree(seeded, store)
    actor, depts = _admin_of(store), seeded.depts()
    below_b = RowScope(subtrees=frozenset({t["B"]}))

    def names(nodes: list[DeptNode]) -> list[object]:
        return [[n.dept.name, names(n.children)] for n in nodes]

    assert names(await depts.tree(DeptFilter(), below_b)) == [["A", [["B", [["C", []]]]]]]
    assert (await depts.get(t["C"], below_b)).name == "C"
    outside = [
        depts.get(t["D"], below_b),
        depts.update(actor, t["D"], UpdateDept(name="D2"), below_b),
        depts.delete(actor, t["D"], below_b),
        depts.update(actor, t["C"], UpdateDept(parent_id=t["D"]), below_b),
        depts.create(actor, CreateDept(name="E", parent_id=t["D"]), below_b),
    ]
    for attempt in outside:
        with pytest.raises((NotFound, InvalidInput)) as refused:
            await attempt
        assert refused.value.code == "dept_not_found"
    with pytest.raises(Forbidden) as top:
        await depts.create(actor, CreateDept(name="E"), below_b)
    assert top.value.code == "data_scope_exceeded"
    assert (await depts.get(t["D"])).name == "D"  # nothing changed
    assert await depts.create(actor, CreateDept(name="E", parent_id=t["C"]), below_b) > 0


async def test_a_department_with_children_or_users_stays(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    actor, depts = _admin_of(store), seeded.depts()
    with pytest.raises(Conflict) as children:
        await depts.delete(actor, t["B"])
    assert children.value.code == "dept_has_children"
    user = await seeded.users().create(
        actor, CreateUser(username="member", password="a fine password", dept_id=t["C"])
    )
    with pytest.raises(Conflict) as users:
        await depts.delete(actor, t["C"])
    assert users.value.code == "dept_has_users"
    await seeded.users().update(actor, user, UpdateUser(dept_id=None))
    await depts.delete(actor, t["C"])
    with pytest.raises(NotFound) as gone:
        await depts.get(t["C"])
    assert gone.value.code == "dept_not_found"
    await depts.delete(actor, t["B"])  # its only child is gone


# --- posts ---------------------------------------------------------------------------------


async def test_post_codes_are_unique_and_a_held_post_stays(seeded: Container, store: Store) -> None:
    actor, posts = _admin_of(store), seeded.posts()
    first = await posts.create(actor, CreatePost(code="qa", name="QA", sort=9))
    with pytest.raises(Conflict) as taken:
        await posts.create(actor, CreatePost(code="qa", name="again"))
    assert taken.value.code == "post_code_exists"
    with pytest.raises(Conflict):
        await posts.update(actor, first, UpdatePost(code="ceo"))  # the seed's
    await posts.update(actor, first, UpdatePost(name="Quality", status=0))
    assert (await posts.get(first)).name == "Quality"
    page = await posts.search(PostFilter(code="qa"), PageRequest(sort="sort"))
    assert [p.code for p in page.items] == ["qa"]
    user = await seeded.users().create(
        actor, CreateUser(username="tester", password="a fine password", post_ids=[first])
    )
    with pytest.raises(Conflict) as held:
        await posts.delete(actor, first)
    assert held.value.code == "post_in_use"
    await seeded.users().delete(actor, user)  # a deleted holder holds nothing
    await posts.delete(actor, first)
    with pytest.raises(NotFound) as gone:
        await posts.get(first)
    assert gone.value.code == "post_not_found"


# --- users' departments and posts ----------------------------------------------------------


async def test_a_user_joins_a_usable_department_and_live_posts(
    seeded: Container, store: Store
) -> None:
    t = await _tree(seeded, store)
    actor, users = _admin_of(store), seeded.users()
    await seeded.depts().update(actor, t["D"], UpdateDept(status=0))
    before = len(store.live(User))
    for cmd, code in [
        (
            CreateUser(username="member1", password="a fine password", dept_id=9999),
            "dept_not_found",
        ),
        (
            CreateUser(username="member1", password="a fine password", dept_id=t["D"]),
            "dept_disabled",
        ),
        (
            CreateUser(username="member1", password="a fine password", post_ids=[9999]),
            "post_not_found",
        ),
    ]:
        with pytest.raises(InvalidInput) as refused:
            await users.create(actor, cmd)
        assert refused.value.code == code
    assert len(store.live(User)) == before
    post = await seeded.posts().create(actor, CreatePost(code="dev", name="Developer"))
    uid = await users.create(
        actor,
        CreateUser(username="member1", password="a fine password", dept_id=t["C"], post_ids=[post]),
    )
    view = await users.get(uid)
    assert (view.user.dept_id, view.dept_name, [p.id for p in view.posts]) == (t["C"], "C", [post])
    with pytest.raises(InvalidInput):
        await users.update(actor, uid, UpdateUser(dept_id=t["D"]))
    with pytest.raises(InvalidInput):
        await users.update(actor, uid, UpdateUser(post_ids=[post, 9999]))
    assert (await users.get(uid)).user.dept_id == t["C"]
    await seeded.depts().update(actor, t["C"], UpdateDept(status=0))
    # Keeping a department disabled since is no error: other fields still change.
    await users.update(actor, uid, UpdateUser(nickname="n", dept_id=t["C"], post_ids=[]))
    view = await users.get(uid)
    assert (view.user.nickname, view.posts) == ("n", [])


async def test_the_department_filter_lists_the_subtree(seeded: Container, store: Store) -> None:
    t = await _tree(seeded, store)
    actor, users = _admin_of(store), seeded.users()
    for name, dept in [("in_b", "B"), ("in_c", "C"), ("in_d", "D")]:
        await users.create(
            actor, CreateUser(username=name, password="a fine password", dept_id=t[dept])
        )

    async def listed(dept: str) -> list[str]:
        page = await users.search(UserFilter(dept_id=t[dept]), PageRequest(size=50, sort="id"))
        return sorted(v.user.username for v in page.items)

    assert await listed("B") == ["in_b", "in_c"]
    await seeded.depts().update(actor, t["C"], UpdateDept(parent_id=t["D"]))
    assert await listed("B") == ["in_b"]
    assert await listed("D") == ["in_c", "in_d"]


# --- the seed ------------------------------------------------------------------------------


async def test_the_seed_builds_the_company_once_and_places_the_demo_users(
    seeded: Container, store: Store
) -> None:
    tree = _names(await seeded.depts().tree(DeptFilter()))
    assert tree == [("总公司", [("研发部", ["平台组"]), "市场部"])]
    users = {u.username: u for u in store.live(User)}
    by_id = {d.id: d for d in store.live(Dept)}
    assert by_id[users["admin"].dept_id].name == "总公司"
    assert by_id[users["user"].dept_id].name == "平台组"
    view = await seeded.users().get(id_of(users["admin"]))
    assert [p.code for p in view.posts] == ["ceo"]
    depts, links = len(store.live(Dept)), set(store.links["user_post"])
    report = await seeded.seed().run()
    assert "departments" not in report.created and "posts" not in report.created
    assert (len(store.live(Dept)), store.links["user_post"]) == (depts, links)
