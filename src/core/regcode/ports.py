"""Ports of the reg-code module."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.regcode.model import RegCode, RegCodeState
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.scope import RowScope
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class RegCodeFilter:
    """`state` means the state at `now` as RegCode.state_at defines it; ranges are inclusive."""

    code: str | None = None
    state: RegCodeState | None = None
    creator_id: int | None = None
    deadline: TimeRange = TimeRange()
    created: TimeRange = TimeRange()


@dataclass(frozen=True)
class RegCodeRow:
    """A code as a list shows it: with its creator's username."""

    reg_code: RegCode
    creator: str | None


class RegCodeRepository(Protocol):
    """Live registration codes.

    `scope` keeps the codes the caller's data scope admits (a code is owned by the department
    recorded on it and by its creator); one outside it is not found.
    """

    async def add_many(self, codes: Iterable[RegCode]) -> None: ...
    async def get(
        self, code_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> RegCode | None: ...
    async def existing_codes(self, codes: Iterable[str]) -> frozenset[str]: ...
    async def search(
        self, flt: RegCodeFilter, page: PageRequest, now: datetime, scope: RowScope | None = None
    ) -> Page[RegCodeRow]: ...
    async def expire_due(self, now: datetime, limit: int) -> int:
        """Stores state EXPIRED on up to `limit` codes that `RegCode.state_at(now)` reads as
        expired but whose stored state is not; how many."""
        ...

    async def next_deadline_after(self, now: datetime) -> datetime | None:
        """The earliest deadline of a live code after `now`: when some code's state changes next."""
        ...

    async def after(
        self,
        flt: RegCodeFilter,
        after_id: int,
        limit: int,
        now: datetime,
        scope: RowScope | None = None,
    ) -> list[dict[str, Any]]:
        """Up to `limit` codes the filter selects with an id above `after_id`, in id order (keyset).

        Plain rows, the code's fields and `creator` (the creator's username), read without
        building entities: an export reads every code once and changes none.
        """
        ...


class RegCodeUnitOfWork(UnitOfWork, Protocol):
    reg_codes: RegCodeRepository
