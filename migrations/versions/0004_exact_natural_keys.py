"""exact natural keys: canonical usernames, binary collation on MySQL/MariaDB

Usernames are stored in one canonical form (NFKC, case-folded, trimmed) and every natural
key that grants or names something (username, role code, permission label, parameter key,
dictionary type) is compared byte for byte: under `utf8mb4_unicode_ci` the lookup of
`ADMIN` found the admin role and `öpt` found `opt`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table, column, length
KEYS = (
    ("t_users", "username", 64),
    ("t_roles", "code", 64),
    ("t_perm_label", "label", 128),
    ("t_config_settings", "key", 100),
    ("t_dict_type", "code", 100),
    ("t_dict_item", "type_code", 100),
)


def _canonical(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().strip()


def _collate(collation: str) -> None:
    for table, column, length in KEYS:
        op.execute(
            f"ALTER TABLE `{table}` MODIFY `{column}` VARCHAR({length}) "
            f"CHARACTER SET utf8mb4 COLLATE {collation} NOT NULL"
        )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name in ("mysql", "mariadb"):
        _collate("utf8mb4_bin")
    users = sa.table("t_users", sa.column("id"), sa.column("username"), sa.column("is_deleted"))
    rows = bind.execute(sa.select(users.c.id, users.c.username, users.c.is_deleted)).all()
    taken = {(r.username, r.is_deleted) for r in rows}
    for row in rows:
        name = _canonical(row.username)
        # A name whose canonical form another account already holds stays as it is: that
        # account cannot sign in until an administrator renames one of the two.
        if name != row.username and (name, row.is_deleted) not in taken:
            bind.execute(users.update().where(users.c.id == row.id).values(username=name))
            taken.discard((row.username, row.is_deleted))
            taken.add((name, row.is_deleted))


def downgrade() -> None:
    # Canonical names stay canonical: the original spelling is not kept anywhere.
    if op.get_bind().dialect.name in ("mysql", "mariadb"):
        _collate("utf8mb4_unicode_ci")
