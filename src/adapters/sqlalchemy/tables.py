"""The one metadata of the schema; Alembic revisions must match it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.sqlalchemy.types import ExactString, Id, JsonText, UtcDateTime
from core.rbac.model import MenuType

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _audit() -> list[Column[object]]:
    """The columns every table has; `is_deleted` is 0 when live, else the row's own id."""
    return [
        Column("id", Id, primary_key=True, autoincrement=True),
        Column("created_time", UtcDateTime(), nullable=True, index=True),
        Column("creator_id", BigInteger, nullable=True),
        Column("modified_time", UtcDateTime(), nullable=True),
        Column("modifier_id", BigInteger, nullable=True),
        Column("is_deleted", BigInteger, nullable=False, server_default="0", default=0),
    ]


users = Table(
    "t_users",
    metadata,
    *_audit(),
    Column("username", ExactString(64), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("nickname", String(64), nullable=False, server_default=""),
    Column("email", String(128), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("avatar", String(255), nullable=True),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    UniqueConstraint("username", "is_deleted"),
    UniqueConstraint("email", "is_deleted"),
)

roles = Table(
    "t_roles",
    metadata,
    *_audit(),
    Column("code", ExactString(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("remark", String(255), nullable=False, server_default=""),
    UniqueConstraint("code", "is_deleted"),
)

user_role = Table(
    "t_user_role",
    metadata,
    *_audit(),
    Column("user_id", BigInteger, ForeignKey("t_users.id"), nullable=False),
    Column("role_id", BigInteger, ForeignKey("t_roles.id"), nullable=False),
    UniqueConstraint("user_id", "role_id", "is_deleted"),
    Index("ix_t_user_role_role_id", "role_id"),
)

menus = Table(
    "t_menus",
    metadata,
    *_audit(),
    Column("parent_id", BigInteger, nullable=True),
    Column("name", String(64), nullable=False),
    Column("title", String(64), nullable=False),
    Column("title_en", String(64), nullable=False, server_default=""),
    Column(
        "type",
        Enum(
            MenuType, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        nullable=False,
    ),
    Column("path", String(255), nullable=False, server_default=""),
    Column("component", String(255), nullable=False, server_default=""),
    Column("icon", String(64), nullable=False, server_default=""),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("hidden", Boolean, nullable=False, server_default="0"),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("perm", String(128), nullable=False, server_default=""),
    UniqueConstraint("name", "is_deleted"),
)

role_menu = Table(
    "t_role_menu",
    metadata,
    *_audit(),
    Column("role_id", BigInteger, ForeignKey("t_roles.id"), nullable=False),
    Column("menu_id", BigInteger, ForeignKey("t_menus.id"), nullable=False),
    UniqueConstraint("role_id", "menu_id", "is_deleted"),
    Index("ix_t_role_menu_menu_id", "menu_id"),
)

perm_labels = Table(
    "t_perm_label",
    metadata,
    *_audit(),
    Column("label", ExactString(128), nullable=False),
    Column("name", String(64), nullable=False, server_default=""),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("remark", String(255), nullable=False, server_default=""),
    UniqueConstraint("label", "is_deleted"),
)

perm_label_role = Table(
    "t_perm_label_role",
    metadata,
    *_audit(),
    Column("label_id", BigInteger, ForeignKey("t_perm_label.id"), nullable=False),
    Column("role_id", BigInteger, ForeignKey("t_roles.id"), nullable=False),
    UniqueConstraint("label_id", "role_id", "is_deleted"),
    Index("ix_t_perm_label_role_role_id", "role_id"),
)

login_logs = Table(
    "t_login_log",
    metadata,
    *_audit(),
    Column("username", String(64), nullable=False),
    Column("ip", String(64), nullable=False, server_default=""),
    Column("user_agent", String(255), nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("message", String(255), nullable=False, server_default=""),
    Index("ix_t_login_log_username", "username"),
)

oper_logs = Table(
    "t_oper_log",
    metadata,
    *_audit(),
    Column("user_id", BigInteger, nullable=True),
    Column("username", String(64), nullable=False, server_default=""),
    Column("method", String(8), nullable=False),
    Column("path", String(255), nullable=False),
    Column("summary", String(128), nullable=False, server_default=""),
    Column("status_code", Integer, nullable=False),
    Column("ip", String(64), nullable=False, server_default=""),
    Column("duration_ms", Integer, nullable=False, server_default="0"),
    Index("ix_t_oper_log_user_id", "user_id"),
)

config_settings = Table(
    "t_config_settings",
    metadata,
    *_audit(),
    Column("name", String(100), nullable=False),
    Column("key", ExactString(100), nullable=False),
    Column("value", Text, nullable=False),
    Column("remark", String(500), nullable=False, server_default=""),
    Column("sort", Integer, nullable=False, server_default="0"),
    UniqueConstraint("key", "is_deleted"),
)

dict_types = Table(
    "t_dict_type",
    metadata,
    *_audit(),
    Column("code", ExactString(100), nullable=False),
    Column("name", String(100), nullable=False),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("remark", String(500), nullable=False, server_default=""),
    UniqueConstraint("code", "is_deleted"),
)

dict_items = Table(
    "t_dict_item",
    metadata,
    *_audit(),
    Column("type_code", ExactString(100), nullable=False),
    Column("label", String(100), nullable=False),
    Column("label_en", String(100), nullable=False, server_default=""),
    Column("value", String(100), nullable=False),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("css_class", String(32), nullable=False, server_default=""),
    Column("remark", String(500), nullable=False, server_default=""),
    UniqueConstraint("type_code", "value", "is_deleted"),
)

reg_codes = Table(
    "t_reg_code",
    metadata,
    *_audit(),
    Column("code", String(32), nullable=False),
    Column("reg_times", Integer, nullable=False),
    Column("first_active_time", UtcDateTime(), nullable=True),
    Column("deadline", UtcDateTime(), nullable=True, index=True),
    Column("state", SmallInteger, nullable=False, server_default="0"),
    Column("remark", String(255), nullable=False, server_default=""),
    UniqueConstraint("code", "is_deleted"),
    Index("ix_t_reg_code_creator_id", "creator_id"),
)

# --- jobs ---
jobs = Table(
    "t_jobs",
    metadata,
    *_audit(),
    Column("name", String(64), nullable=False),
    Column("script", String(64), nullable=False),
    Column("args", JsonText(), nullable=False),
    Column("kwargs", JsonText(), nullable=False),
    Column("cron", String(120), nullable=False),
    Column("misfire_policy", String(16), nullable=False, server_default="run_once"),
    Column("concurrent", Boolean, nullable=False, server_default="0"),
    Column("status", String(16), nullable=False, server_default="paused"),
    Column("notify", String(16), nullable=False, server_default="none"),
    # Users to notify (ids); the notice goes to each one's stored e-mail address.
    Column("notify_user_ids", JsonText(), nullable=False),
    Column("remark", String(500), nullable=False, server_default=""),
    # The first fire not yet handed to a run; NULL while paused.
    Column("next_fire_time", UtcDateTime(), nullable=True),
    UniqueConstraint("name", "is_deleted"),
)

job_logs = Table(
    "t_job_logs",
    metadata,
    *_audit(),
    Column("job_id", BigInteger, ForeignKey("t_jobs.id"), nullable=False),
    Column("job_name", String(64), nullable=False),
    Column("script", String(64), nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("scheduled_time", UtcDateTime(), nullable=True),
    Column("start_time", UtcDateTime(), nullable=False, index=True),
    Column("end_time", UtcDateTime(), nullable=True),
    Column("duration_ms", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    Column("output", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("instance", String(128), nullable=False, server_default=""),
    # The claim on a fire: one log per (job, scheduled fire time); manual runs have NULL.
    UniqueConstraint("job_id", "scheduled_time", "is_deleted"),
)
