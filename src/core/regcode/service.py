"""Use cases of the reg-code module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.regcode.commands import UpdateRegCode
from core.regcode.model import (
    MAX_BATCH,
    RegCode,
    RegCodeState,
    check_code,
    check_reg_times,
    new_code,
    state_of,
)
from core.regcode.ports import RegCodeFilter, RegCodeUnitOfWork
from core.reports.model import ImportRow, RowError, RowErrors
from core.shared.clock import Clock
from core.shared.entity import require
from core.shared.errors import InvalidInput
from core.shared.pagination import Page, PageRequest
from core.shared.scope import EVERY_ROW, RowScope

_CHUNK = 500  # codes per IN (...) lookup: well below every database's limit on parameters


@dataclass(frozen=True)
class RegCodeView:
    reg_code: RegCode
    creator: str | None
    state: RegCodeState


class RegCodeService:
    def __init__(self, uow: Callable[[], RegCodeUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def search(
        self, flt: RegCodeFilter, page: PageRequest, scope: RowScope = EVERY_ROW
    ) -> Page[RegCodeView]:
        """A page of the codes in the scope with their creators' usernames and their state now."""
        return (await self._search(flt, page, scope, until=False))[0]

    async def search_until(
        self, flt: RegCodeFilter, page: PageRequest, scope: RowScope = EVERY_ROW
    ) -> tuple[Page[RegCodeView], float | None]:
        """The page, and for how many seconds it holds if nothing is written (None: for good).

        Time alone changes a page when a live code's deadline passes: its state, and with it
        the state filter, the state sort and the total. The page holds until the earliest
        deadline after now, of any live code, read with the same `now` as the page.
        """
        return await self._search(flt, page, scope, until=True)

    async def _search(
        self, flt: RegCodeFilter, page: PageRequest, scope: RowScope, *, until: bool
    ) -> tuple[Page[RegCodeView], float | None]:
        now = self._clock.now()
        async with self._uow() as uow:
            rows = await uow.reg_codes.search(flt, page, now, scope)
            changes_at = await uow.reg_codes.next_deadline_after(now) if until else None
        items = [RegCodeView(r.reg_code, r.creator, r.reg_code.state_at(now)) for r in rows.items]
        holds_for = None if changes_at is None else (changes_at - now).total_seconds()
        return Page(items, rows.total, rows.page, rows.size), holds_for

    async def get(self, code_id: int, scope: RowScope = EVERY_ROW) -> RegCodeView:
        """A code outside the caller's scope is not found."""
        async with self._uow() as uow:
            row = require(await uow.reg_codes.get(code_id, scope=scope), "reg code")
        return self._view(row)

    def _view(self, row: RegCode) -> RegCodeView:
        return RegCodeView(row, None, row.state_at(self._clock.now()))

    async def generate(
        self,
        actor: int | None,
        count: int,
        reg_times: int,
        remark: str = "",
        dept_id: int | None = None,
    ) -> list[RegCode]:
        """A batch of fresh random codes, all new, in one transaction, owned by the actor and
        the actor's department `dept_id`."""
        if not 1 <= count <= MAX_BATCH:
            raise InvalidInput(f"count is 1 to {MAX_BATCH}", "reg_code_count_invalid", "count")
        check_reg_times(reg_times)
        now = self._clock.now()
        async with self._uow() as uow:
            codes: set[str] = set()
            while len(codes) < count:
                fresh = {new_code() for _ in range(count - len(codes))}
                codes |= fresh - await uow.reg_codes.existing_codes(fresh)
            rows = [
                RegCode(code=c, reg_times=reg_times, remark=remark, dept_id=dept_id)
                for c in sorted(codes)
            ]
            for row in rows:
                row.stamp_created(actor, now)
            await uow.reg_codes.add_many(rows)
            await uow.commit()
        return rows

    async def update(
        self, actor: int, code_id: int, cmd: UpdateRegCode, scope: RowScope = EVERY_ROW
    ) -> None:
        async with self._uow() as uow:
            row = require(await uow.reg_codes.get(code_id, lock=True, scope=scope), "reg code")
            row.change(reg_times=cmd.reg_times, remark=cmd.remark)
            row.stamp_modified(actor, self._clock.now())
            await uow.commit()

    async def activate(self, actor: int, code_id: int, scope: RowScope = EVERY_ROW) -> RegCodeView:
        """Activating twice is refused; the deadline counts from the first activation."""
        now = self._clock.now()
        async with self._uow() as uow:
            row = require(await uow.reg_codes.get(code_id, lock=True, scope=scope), "reg code")
            row.activate(now)
            row.stamp_modified(actor, now)
            await uow.commit()
        return self._view(row)

    async def delete(self, actor: int, code_id: int, scope: RowScope = EVERY_ROW) -> None:
        async with self._uow() as uow:
            row = require(await uow.reg_codes.get(code_id, lock=True, scope=scope), "reg code")
            row.soft_delete(actor, self._clock.now())
            await uow.commit()

    # --- reports: export in id batches, import all or nothing ---------------------------
    async def iterate(
        self, flt: RegCodeFilter, batch_size: int = 1000, scope: RowScope = EVERY_ROW
    ) -> AsyncIterator[dict[str, Any]]:
        """Every code in the scope the filter selects, in id order, fetched by id ranges.

        Each code is a plain row (its fields, `creator` and `state`). Each batch is read in
        its own short unit of work; the state is judged at one instant for the whole run, so
        a code does not change state halfway through.
        """
        now = self._clock.now()
        last = 0
        while True:
            async with self._uow() as uow:
                rows = await uow.reg_codes.after(flt, last, batch_size, now, scope)
            for row in rows:
                row["state"] = state_of(row["first_active_time"], row["deadline"], now)
                yield row
            if len(rows) < batch_size:
                return
            last = rows[-1]["id"]

    async def import_codes(
        self, actor: int | None, rows: Sequence[ImportRow], earlier: Iterable[RowError] = ()
    ) -> int:
        """Codes from a file: each well-formed and new, in the file and among live codes; all or none.

        `earlier` are errors the caller found in other rows of the same file: they
        fail the batch too and are reported with these.
        """
        errors = RowErrors()
        errors.extend(earlier)
        first: dict[str, int] = {}
        for row in rows:
            code = str(row.values.get("code", ""))
            with errors.at(row.number, "code"):
                check_code(code)
            with errors.at(row.number, "reg_times"):
                check_reg_times(int(row.values.get("reg_times", 0)))
            if code in first:
                errors.add(row.number, "code", f"the same code is on row {first[code]}")
            else:
                first[code] = row.number
        now = self._clock.now()
        async with self._uow() as uow:
            codes = sorted(first)
            for i in range(0, len(codes), _CHUNK):
                for taken in await uow.reg_codes.existing_codes(codes[i : i + _CHUNK]):
                    errors.add(first[taken], "code", "this code exists")
            errors.raise_if_any()
            created = [
                RegCode(
                    code=str(row.values["code"]),
                    reg_times=int(row.values["reg_times"]),
                    remark=str(row.values.get("remark") or ""),
                )
                for row in rows
            ]
            for new in created:
                new.stamp_created(actor, now)
            await uow.reg_codes.add_many(created)
            await uow.commit()
        return len(created)
