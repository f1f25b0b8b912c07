"""Registration codes: the worked example of a business module.

A code is generated inactive. Activating it sets `first_active_time`; its
`deadline` is then `first_active_time + reg_times days` and its state active.
From the deadline instant on, it reads as expired. The state is computed here,
at any moment, so no database trigger or sweeper is needed for it to be right.
"""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.shared.commands import UNSET, Maybe
from core.shared.errors import Conflict, InvalidInput
from core.shared.model import Entity

# Crockford's base32 without I, L, O, U: nothing to misread when typed by hand.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 100 bits of randomness
MAX_REG_TIMES = 36500
MAX_BATCH = 1000


class RegCodeState(enum.IntEnum):
    INACTIVE = 0
    ACTIVE = 1
    EXPIRED = 2


def state_of(
    first_active_time: datetime | None, deadline: datetime | None, now: datetime
) -> RegCodeState:
    """Inactive until activated; active until the deadline; expired from the deadline on."""
    if first_active_time is None or deadline is None:
        return RegCodeState.INACTIVE
    return RegCodeState.EXPIRED if now >= deadline else RegCodeState.ACTIVE


@dataclass(kw_only=True, eq=False)
class RegCode(Entity):
    code: str
    reg_times: int
    first_active_time: datetime | None = None
    deadline: datetime | None = None
    state: int = RegCodeState.INACTIVE
    remark: str = ""
    # The creator's department when the code was made: the code is owned by it and by its
    # creator (the data scope's two owners).
    dept_id: int | None = None

    def state_at(self, now: datetime) -> RegCodeState:
        return state_of(self.first_active_time, self.deadline, now)

    def activate(self, now: datetime) -> None:
        """A code is activated once; the deadline counts from that instant."""
        if self.first_active_time is not None:
            raise Conflict("this code is already activated", "reg_code_already_active")
        self.first_active_time = now
        self.deadline = now + timedelta(days=self.reg_times)
        self.state = RegCodeState.ACTIVE

    def change_validity(self, reg_times: int) -> None:
        """The validity of an activated code is fixed: its deadline has been promised."""
        check_reg_times(reg_times)
        if self.first_active_time is not None:
            raise Conflict(
                "the validity of an activated code cannot change", "reg_code_already_active"
            )
        self.reg_times = reg_times

    def change(self, *, reg_times: Maybe[int] = UNSET, remark: Maybe[str] = UNSET) -> None:
        """Code, activation and deadline never change here; the validity only before activation."""
        if reg_times is not UNSET and reg_times != self.reg_times:
            self.change_validity(reg_times)
        self._assign(remark=remark)


def check_reg_times(reg_times: int) -> None:
    if not 1 <= reg_times <= MAX_REG_TIMES:
        raise InvalidInput(
            f"reg_times is 1 to {MAX_REG_TIMES} days", "reg_times_invalid", "reg_times"
        )


def new_code() -> str:
    """A random, unguessable code, grouped in fives for reading: XXXXX-XXXXX-XXXXX-XXXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, CODE_LENGTH, 5))


IMPORTED_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{3,31}$")


def check_code(code: str) -> None:
    """A code brought in from elsewhere (import): 4 to 32 letters, digits, - or _."""
    if not IMPORTED_CODE_RE.fullmatch(code):
        raise InvalidInput(
            "a code is 4 to 32 letters, digits, - or _, starting with a letter or digit",
            "reg_code_invalid",
            "code",
        )
