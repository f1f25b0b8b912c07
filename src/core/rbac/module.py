"""The rbac module (users, roles, menus, labels): its services are the container's own."""

from __future__ import annotations

from core.rbac.seed import RBAC_SEED
from core.shared.module import ModuleSpec, ReportSpec

MODULE = ModuleSpec(
    name="rbac",
    seed=RBAC_SEED,
    reports=(ReportSpec("users", "perm:user:export"),),
    # The users, their roles, their department (names, and the tree the `dept_id` filter reads)
    # and their posts.
    lists={"users": ("t_users", "t_user_role", "t_roles", "t_dept", "t_user_post", "t_post")},
)
