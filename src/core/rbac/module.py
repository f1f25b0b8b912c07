"""The rbac module (users, roles, menus, labels): its services are the container's own."""

from __future__ import annotations

from core.rbac.seed import RBAC_SEED
from core.shared.module import ModuleSpec, ReportSpec

MODULE = ModuleSpec(
    name="rbac",
    seed=RBAC_SEED,
    reports=(ReportSpec("users", "perm:user:export"),),
    lists={"users": ("t_users", "t_user_role", "t_roles")},
)
