"""Fakes of the rbac module's two-factor repositories (attached to FakeUnitOfWork by name)."""

from __future__ import annotations

from datetime import datetime

from core.rbac.model import RecoveryCode, UserMfa
from core.rbac.ports import RecoveryCodeRepository, UserMfaRepository
from tests.unit.fakes import Store


class FakeUserMfaRepository(UserMfaRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, user_id: int, *, lock: bool = False) -> UserMfa | None:
        return next((m for m in self.s.live(UserMfa) if m.user_id == user_id), None)

    async def add(self, mfa: UserMfa) -> None:
        if await self.get(mfa.user_id) is not None:
            raise AssertionError("one live second factor per user (the unique key)")
        self.s.add(mfa)


class FakeRecoveryCodeRepository(RecoveryCodeRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    def _of(self, user_id: int) -> list[RecoveryCode]:
        return [c for c in self.s.live(RecoveryCode) if c.user_id == user_id]

    async def add(self, code: RecoveryCode) -> None:
        self.s.add(code)

    async def find(
        self, user_id: int, code_hash: str, *, lock: bool = False
    ) -> RecoveryCode | None:
        return next((c for c in self._of(user_id) if c.code_hash == code_hash), None)

    async def unused_count(self, user_id: int) -> int:
        return sum(1 for c in self._of(user_id) if not c.used)

    async def drop_all(self, user_id: int, actor_id: int | None, now: datetime) -> None:
        for code in self._of(user_id):
            code.soft_delete(actor_id, now)


REPOSITORIES = {"mfa": FakeUserMfaRepository, "recovery_codes": FakeRecoveryCodeRepository}
