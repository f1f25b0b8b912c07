"""Config parameters: key/value settings that operators change at run time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.shared.commands import UNSET, Maybe
from core.shared.errors import InvalidInput
from core.shared.model import Entity

KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,99}$")
TRUE_WORDS = {"1", "true", "yes", "on", "y"}

# The parameters the product reads itself (seeded; operators change them in the dashboard).
REGISTRATION_OPEN = "sys.account.registration_open"
DEFAULT_ROLE = "sys.account.default_role"
CAPTCHA_ENABLED = "sys.account.captcha_enabled"
MFA_REQUIRED_ROLES = "sys.account.mfa_required_roles"


@dataclass(kw_only=True, eq=False)
class ConfigSetting(Entity):
    name: str
    key: str
    value: str = ""
    remark: str = ""
    sort: int = 0

    def rekey(self, key: str) -> None:
        check_key(key)
        self.key = key

    def change(
        self,
        *,
        name: Maybe[str] = UNSET,
        value: Maybe[str] = UNSET,
        remark: Maybe[str] = UNSET,
        sort: Maybe[int] = UNSET,
    ) -> None:
        """The value's rule, if its key has one, is checked by the use case (it needs the actor)."""
        self._assign(name=name, value=value, remark=remark, sort=sort)


def check_key(key: str) -> None:
    if not KEY_RE.fullmatch(key):
        raise InvalidInput(
            "a key starts with a letter: up to 100 of letters, digits and . _ : -",
            "config_key_invalid",
            "key",
        )


def as_flag(value: str) -> bool:
    """How a parameter's text reads as yes or no."""
    return value.strip().lower() in TRUE_WORDS
