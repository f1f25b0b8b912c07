"""What every stored entity has: identity, audit columns and soft deletion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.shared.commands import UNSET

LIVE = 0


@dataclass(kw_only=True, eq=False)
class Entity:
    """Audit columns are filled by the use case from the caller and the clock.

    `is_deleted` is 0 for a live row and the row's own id once deleted, so a
    unique index on (natural key, is_deleted) keeps natural keys unique among
    live rows while any number of deleted rows may share them.
    """

    id: int | None = None
    created_time: datetime | None = None
    creator_id: int | None = None
    modified_time: datetime | None = None
    modifier_id: int | None = None
    is_deleted: int = LIVE

    @property
    def deleted(self) -> bool:
        return self.is_deleted != LIVE

    def stamp_created(self, actor_id: int | None, now: datetime) -> None:
        self.created_time = now
        self.creator_id = actor_id
        self.modified_time = now
        self.modifier_id = actor_id

    def stamp_modified(self, actor_id: int | None, now: datetime) -> None:
        self.modified_time = now
        self.modifier_id = actor_id

    def _assign(self, **values: object) -> None:
        """Set the fields given; UNSET ones stay. Only an entity's own typed methods call it."""
        for name, value in values.items():
            if value is not UNSET:
                setattr(self, name, value)

    def soft_delete(self, actor_id: int | None, now: datetime) -> None:
        if self.id is None:
            raise ValueError("cannot delete an entity that was never stored")
        self.is_deleted = self.id
        self.stamp_modified(actor_id, now)
