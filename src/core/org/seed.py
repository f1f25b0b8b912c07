"""Initial data of the organisation module: labels, menus, a sample company and its posts.

The labels and pages are seeded like every module's. The sample tree, the posts and the
placing of the demo users are a seeder: seeders run after every bundle's users exist, so the
demo accounts (seeded by rbac, later in the list) are there to be placed. Each department is
found by its parent and its name in either language and each post by its code, so a second
run adds nothing; a user is placed only by the run that created the department, and only if
the user has no department yet (decision 9: an operator's later edits are never undone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.org.model import ROOT, Dept, Post
from core.rbac.model import MenuType
from core.rbac.seed import SeedBundle, SeedMenu, crud_buttons, crud_labels
from core.shared.language import Text

READERS = ("opt",)
SYSTEM_DIR = SeedMenu(
    "system",
    "系统管理",
    "System",
    MenuType.DIR,
    path="/system",
    icon="Setting",
    sort=20,
    roles=READERS,
)


@dataclass(frozen=True)
class SeedDept:
    key: str
    name: Text
    parent: str | None = None
    sort: int = 0
    users: tuple[str, ...] = ()  # demo usernames placed here
    posts: tuple[str, ...] = ()  # the post codes those users hold


TREE = (
    SeedDept("head", Text("总公司", "Head office"), None, 1, ("admin",), ("ceo",)),
    SeedDept("rnd", Text("研发部", "R&D"), "head", 1, ("opt",), ("manager",)),
    SeedDept("platform", Text("平台组", "Platform team"), "rnd", 1, ("user",), ("staff",)),
    SeedDept("marketing", Text("市场部", "Marketing"), "head", 2),
)
POSTS = (
    ("ceo", Text("总经理", "General manager"), 1),
    ("manager", Text("经理", "Manager"), 2),
    ("staff", Text("员工", "Staff"), 3),
)


async def seed_company(uow: Any, now: datetime, lang: str) -> dict[str, int]:
    """The sample tree and posts, and the demo users placed in it (see the module's docstring)."""
    posts: dict[str, int] = {}
    added_posts = 0
    for code, name, sort in POSTS:
        post = await uow.posts.get_by_code(code)
        if post is None:
            post = Post(code=code, name=name.in_(lang), sort=sort)
            post.stamp_created(None, now)
            await uow.posts.add(post)
            added_posts += 1
        posts[code] = post.id
    made: dict[str, Dept] = {}
    added = 0
    for node in TREE:
        parent = made.get(node.parent) if node.parent else None
        if node.parent and parent is None:
            continue  # the parent is gone (deleted by an operator): nothing below it is seeded
        parent_id = ROOT if parent is None or parent.id is None else parent.id
        dept = None
        for candidate in {node.name.zh, node.name.en}:
            dept = dept or await uow.depts.get_by_name(parent_id, candidate)
        created = dept is None
        if dept is None:
            dept = Dept(name=node.name.in_(lang), parent_id=parent_id, sort=node.sort)
            dept.stamp_created(None, now)
            await uow.depts.add(dept)
            dept.place(parent)
            added += 1
        made[node.key] = dept
        if created:
            for username in node.users:
                user = await uow.users.get_by_username(username)
                if user is None or user.dept_id is not None:
                    continue
                user.dept_id = dept.id
                held = frozenset(posts[c] for c in node.posts if posts.get(c) is not None)
                await uow.users.set_posts(user.id, held, None, now)
    return {"departments": added, "posts": added_posts}


ORG_SEED = SeedBundle(
    labels=(
        *crud_labels("dept", Text("部门", "departments"), READERS),
        *crud_labels("post", Text("岗位", "posts"), READERS),
    ),
    menus=(
        SYSTEM_DIR,
        SeedMenu(
            "system_dept",
            "部门管理",
            "Departments",
            MenuType.MENU,
            "system",
            "dept",
            "org/dept/index",
            "OfficeBuilding",
            5,
            "perm:dept:get",
            READERS,
        ),
        *crud_buttons("system_dept", "dept", "部门", "department"),
        SeedMenu(
            "system_post",
            "岗位管理",
            "Posts",
            MenuType.MENU,
            "system",
            "post",
            "org/post/index",
            "Postcard",
            6,
            "perm:post:get",
            READERS,
        ),
        *crud_buttons("system_post", "post", "岗位", "post"),
    ),
    seeders=(seed_company,),
)
