"""Imperative mapping: core's dataclasses stay free of the ORM; this module maps them once."""

from __future__ import annotations

import threading

from sqlalchemy.orm import registry

from adapters.sqlalchemy import tables
from core.audit.model import LoginLog, OperationLog
from core.config.model import ConfigSetting
from core.dictionary.model import DictItem, DictType
from core.jobs.model import Job, JobLog
from core.rbac.model import Menu, PermLabel, PermLabelRole, Role, RoleMenu, User, UserRole
from core.regcode.model import RegCode

mapper_registry = registry(metadata=tables.metadata)
_lock = threading.Lock()
_mapped = False


def start_mappers() -> None:
    """Map every entity to its table; safe to call more than once."""
    global _mapped
    with _lock:
        if _mapped:
            return
        for entity, table in (
            (User, tables.users),
            (Role, tables.roles),
            (UserRole, tables.user_role),
            (Menu, tables.menus),
            (RoleMenu, tables.role_menu),
            (PermLabel, tables.perm_labels),
            (PermLabelRole, tables.perm_label_role),
            (LoginLog, tables.login_logs),
            (OperationLog, tables.oper_logs),
            (ConfigSetting, tables.config_settings),
            (DictType, tables.dict_types),
            (DictItem, tables.dict_items),
            (RegCode, tables.reg_codes),
            (Job, tables.jobs),
            (JobLog, tables.job_logs),
        ):
            mapper_registry.map_imperatively(entity, table)
        _mapped = True
