"""The rbac module (users, roles, menus, labels): its services are the container's own."""

from __future__ import annotations

from core.rbac.seed import RBAC_SEED
from core.shared.module import ModuleSpec, ReportSpec
from core.shared.scope import SCOPE_TABLES

MODULE = ModuleSpec(
    name="rbac",
    seed=RBAC_SEED,
    reports=(ReportSpec("users", "perm:user:export"),),
    # The users, their roles, their department (names), their posts, and the tree the `dept_id`
    # filter and the scope read (the caller's scope is in the key).
    lists={"users": ("t_users", "t_user_role", "t_roles", "t_user_post", "t_post", *SCOPE_TABLES)},
)
