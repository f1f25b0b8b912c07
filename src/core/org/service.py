"""Use cases of the organisation module: the department tree and the posts."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from core.org.commands import CreateDept, CreatePost, UpdateDept, UpdatePost
from core.org.model import (
    ROOT,
    Dept,
    DeptFilter,
    DeptNode,
    Post,
    build_tree,
    check_usable,
    with_ancestors,
)
from core.org.ports import OrgUnitOfWork, PostFilter
from core.shared.clock import Clock
from core.shared.commands import UNSET, given
from core.shared.entity import require
from core.shared.errors import Conflict, Forbidden, InvalidInput
from core.shared.pagination import Page, PageRequest
from core.shared.scope import EVERY_ROW, RowScope

UowFactory = Callable[[], OrgUnitOfWork]


async def usable_dept(
    uow: OrgUnitOfWork, dept_id: int, what: str = "dept_id", scope: RowScope | None = None
) -> Dept:
    """The department `dept_id` if a user may join it or a child hang under it (check_usable);
    one outside the caller's `scope` is not found: nobody places rows where they cannot see."""
    dept = await uow.depts.get(dept_id, scope=scope)
    above = await uow.depts.get_many(dept.ancestor_ids) if dept is not None else []
    return check_usable(dept, above, what)


async def existing_posts(uow: OrgUnitOfWork, post_ids: Iterable[int]) -> frozenset[int]:
    """These post ids, each naming a live post (else 422 `post_not_found`)."""
    wanted = frozenset(post_ids)
    found = frozenset(p.id for p in await uow.posts.get_many(wanted) if p.id is not None)
    if missing := wanted - found:
        raise InvalidInput(f"no such posts: {sorted(missing)}", "post_not_found", "post_ids")
    return wanted


class DeptService:
    """Administration of the department tree."""

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def tree(self, flt: DeptFilter, scope: RowScope = EVERY_ROW) -> list[DeptNode]:
        """The departments the filter and the scope select, each with its ancestors (so the
        answer stays a tree), siblings by sort then id.

        The scope is a query condition; the ancestors of what it selects are read after, by
        id, only to hang the tree on."""
        async with self._uow() as uow:
            inside = await uow.depts.all(None if scope.everything else scope)
            known = {d.id for d in inside}
            missing = {a for d in inside for a in d.ancestor_ids if a not in known}
            depts = sorted(
                [*inside, *await uow.depts.get_many(missing)], key=lambda d: (d.sort, d.id or 0)
            )
        if scope.everything and flt.empty:
            return build_tree(depts)
        by_id = {d.id: d for d in depts if d.id is not None}
        chosen = [d.id for d in inside if d.id is not None and flt.matches(d, by_id)]
        return build_tree(depts, with_ancestors(depts, chosen))

    async def get(self, dept_id: int, scope: RowScope = EVERY_ROW) -> Dept:
        async with self._uow() as uow:
            return require(await uow.depts.get(dept_id, scope=_given(scope)), "dept")

    async def create(self, actor: int, cmd: CreateDept, scope: RowScope = EVERY_ROW) -> int:
        """A name is unique among its live siblings; the parent exists, is usable and is in
        the caller's scope (a new root only for a caller who sees every row)."""
        now = self._clock.now()
        async with self._uow() as uow:
            parent = None
            if cmd.parent_id == ROOT:
                _require_everything(scope)
            else:
                # Locked first: a move of the parent that commits first is read here at once.
                await uow.depts.get(cmd.parent_id, lock=True)
                parent = await usable_dept(uow, cmd.parent_id, "parent_id", _given(scope))
            if await uow.depts.get_by_name(cmd.parent_id, cmd.name) is not None:
                raise Conflict("this name is taken under this parent", "dept_name_exists")
            dept = Dept(
                name=cmd.name,
                parent_id=cmd.parent_id,
                sort=cmd.sort,
                leader=cmd.leader,
                phone=cmd.phone,
                email=cmd.email,
            )
            dept.set_status(cmd.status)
            dept.stamp_created(actor, now)
            await uow.depts.add(dept)
            dept.place(parent)  # the path holds the new id: known once the row is added
            await uow.commit()
            assert dept.id is not None
            return dept.id

    async def update(
        self, actor: int, dept_id: int, cmd: UpdateDept, scope: RowScope = EVERY_ROW
    ) -> None:
        """A move takes the whole subtree along, in this transaction; never under itself.

        The department and its new parent are locked together (in id order), so two moves
        that would each hang one under the other wait for each other: the second sees the
        first's paths and answers 409 `dept_cycle`.
        """
        now = self._clock.now()
        async with self._uow() as uow:
            ids = [dept_id]
            if cmd.parent_id is not UNSET and cmd.parent_id != ROOT:
                ids.append(cmd.parent_id)
            locked = {d.id: d for d in await uow.depts.get_many(ids, lock=True)}
            dept = require(locked.get(dept_id), "dept")
            require(await uow.depts.get(dept_id, scope=_given(scope)), "dept")
            parent_id = given(cmd.parent_id, dept.parent_id)
            name = given(cmd.name, dept.name)
            if parent_id != dept.parent_id or name != dept.name:
                taken = await uow.depts.get_by_name(parent_id, name)
                if taken is not None and taken.id != dept.id:
                    raise Conflict("this name is taken under this parent", "dept_name_exists")
            if parent_id != dept.parent_id:
                parent = None
                if parent_id == ROOT:
                    _require_everything(scope)
                else:
                    if parent_id == dept.id:
                        raise Conflict(
                            "a department cannot move under itself or a department below it",
                            "dept_cycle",
                        )
                    parent = await usable_dept(uow, parent_id, "parent_id", _given(scope))
                old = dept.move_under(parent)
                dept.stamp_modified(actor, now)
                await uow.depts.move_subtree(old, dept.path, now)
            dept.change(
                name=cmd.name, sort=cmd.sort, leader=cmd.leader, phone=cmd.phone, email=cmd.email
            )
            if cmd.status is not UNSET:
                dept.set_status(cmd.status)
            dept.stamp_modified(actor, now)
            await uow.commit()

    async def delete(self, actor: int, dept_id: int, scope: RowScope = EVERY_ROW) -> None:
        """Only a department with no live child and no user in it is deleted."""
        now = self._clock.now()
        async with self._uow() as uow:
            dept = require(await uow.depts.get(dept_id, lock=True, scope=_given(scope)), "dept")
            if await uow.depts.has_children(dept_id):
                raise Conflict(
                    "this department still has departments below it", "dept_has_children"
                )
            if await uow.depts.has_users(dept_id):
                raise Conflict("users still belong to this department", "dept_has_users")
            dept.soft_delete(actor, now)
            await uow.commit()


def _given(scope: RowScope) -> RowScope | None:
    """The scope as a repository takes it: None (no condition) for a caller who sees all."""
    return None if scope.everything else scope


def _require_everything(scope: RowScope) -> None:
    if not scope.everything:
        raise Forbidden(
            "only a caller who sees every department may add or move one to the top",
            "data_scope_exceeded",
        )


class PostService:
    """Administration of posts (job positions a user holds)."""

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def search(self, flt: PostFilter, page: PageRequest) -> Page[Post]:
        async with self._uow() as uow:
            return await uow.posts.search(flt, page)

    async def get(self, post_id: int) -> Post:
        async with self._uow() as uow:
            return require(await uow.posts.get(post_id), "post")

    async def create(self, actor: int, cmd: CreatePost) -> int:
        """A code belongs to one live post."""
        async with self._uow() as uow:
            if await uow.posts.get_by_code(cmd.code) is not None:
                raise Conflict("this post code is taken", "post_code_exists")
            post = Post(code=cmd.code, name=cmd.name, sort=cmd.sort, remark=cmd.remark)
            post.set_status(cmd.status)
            post.stamp_created(actor, self._clock.now())
            await uow.posts.add(post)
            await uow.commit()
            assert post.id is not None
            return post.id

    async def update(self, actor: int, post_id: int, cmd: UpdatePost) -> None:
        async with self._uow() as uow:
            post = require(await uow.posts.get(post_id, lock=True), "post")
            code = given(cmd.code, post.code)
            if code != post.code and await uow.posts.get_by_code(code) is not None:
                raise Conflict("this post code is taken", "post_code_exists")
            post.change(code=cmd.code, name=cmd.name, sort=cmd.sort, remark=cmd.remark)
            if cmd.status is not UNSET:
                post.set_status(cmd.status)
            post.stamp_modified(actor, self._clock.now())
            await uow.commit()

    async def delete(self, actor: int, post_id: int) -> None:
        """A post a live user holds is not deleted: take it from its holders first."""
        now = self._clock.now()
        async with self._uow() as uow:
            post = require(await uow.posts.get(post_id, lock=True), "post")
            if await uow.posts.in_use(post_id):
                raise Conflict("a user holds this post", "post_in_use")
            post.soft_delete(actor, now)
            await uow.commit()
