"""Users, roles, menus and permission labels, with the rules that belong to them."""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

from core.shared.commands import UNSET, Maybe
from core.shared.errors import Conflict, InvalidInput
from core.shared.model import Entity
from core.shared.scope import DataScope, RoleScope

ADMIN_ROLE = "admin"
# The token store keys each live session under this name (the contract fixes it).
TOKEN_RECORD = "user_login_token_{user_id}:{sid}"  # noqa: S105 - a key pattern, not a secret
# A session's `last_seen` is written at most this often (the per-request check stays a read).
LAST_SEEN_EVERY_SECONDS = 60
ENABLED = 1
DISABLED = 0

PASSWORD_MIN = 8
PASSWORD_MAX = 128
# Stored usernames are canonical (see canonical_username): lower-case ASCII only.
USERNAME_RE = re.compile(r"^[a-z0-9_.@-]{3,64}$")
ROLE_CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")
LABEL_RE = re.compile(r"^perm:[a-z0-9][a-z0-9_-]*(:[a-z0-9][a-z0-9_*-]*)+$")


class MenuType(enum.StrEnum):
    DIR = "dir"
    MENU = "menu"
    BUTTON = "button"


@dataclass(kw_only=True, eq=False)
class User(Entity):
    username: str
    password_hash: str
    nickname: str = ""
    email: str | None = None
    phone: str | None = None
    avatar: str | None = None
    status: int = ENABLED
    dept_id: int | None = None  # the user's department (module org); None: none

    @property
    def active(self) -> bool:
        return self.status == ENABLED and not self.deleted

    def change_contact(
        self,
        *,
        nickname: Maybe[str] = UNSET,
        email: Maybe[str | None] = UNSET,
        phone: Maybe[str | None] = UNSET,
        avatar: Maybe[str | None] = UNSET,
    ) -> None:
        """Contact fields only: username, password hash and status each have their use case."""
        self._assign(nickname=nickname, email=email, phone=phone, avatar=avatar)

    def move_to(self, dept_id: int | None) -> None:
        """The use case checks first that the department exists and is enabled."""
        self.dept_id = dept_id

    def set_status(self, status: int) -> None:
        """Called by the use case that also signs a disabled user out everywhere."""
        if status not in (ENABLED, DISABLED):
            raise InvalidInput("status is 1 (enabled) or 0 (disabled)", "status_invalid", "status")
        self.status = status


@dataclass(kw_only=True, eq=False)
class Role(Entity):
    code: str
    name: str
    status: int = ENABLED
    sort: int = 0
    remark: str = ""
    # Which rows the role's holders see (core.shared.scope); `custom` names its departments
    # by links (t_role_dept), as a role names its menus.
    data_scope: str = DataScope.ALL

    @property
    def is_admin(self) -> bool:
        """The admin role passes every check and may never lose that."""
        return self.code == ADMIN_ROLE

    @property
    def live(self) -> bool:
        return self.status == ENABLED and not self.deleted

    def change(
        self, *, name: Maybe[str] = UNSET, sort: Maybe[int] = UNSET, remark: Maybe[str] = UNSET
    ) -> None:
        self._assign(name=name, sort=sort, remark=remark)

    def set_data_scope(self, scope: RoleScope) -> None:
        """The departments of a `custom` scope are the role's links (set beside it)."""
        self.data_scope = scope.scope

    def set_status(self, status: int) -> None:
        """The admin role is never disabled."""
        if self.is_admin and status != ENABLED:
            raise Conflict("the admin role cannot be disabled", "admin_role_protected")
        self.status = status


@dataclass(kw_only=True, eq=False)
class Menu(Entity):
    name: str
    title: str
    type: MenuType = MenuType.MENU
    parent_id: int | None = None
    title_en: str = ""
    path: str = ""
    component: str = ""
    icon: str = ""
    sort: int = 0
    hidden: bool = False
    status: int = ENABLED
    perm: str = ""

    def __post_init__(self) -> None:
        self._normalize()

    def _normalize(self) -> None:
        # The root is written `None` or `0` by clients; it is stored as None.
        self.type = MenuType(self.type)
        if self.parent_id == 0:
            self.parent_id = None

    def change(
        self,
        *,
        name: Maybe[str] = UNSET,
        title: Maybe[str] = UNSET,
        type: Maybe[MenuType] = UNSET,
        parent_id: Maybe[int | None] = UNSET,
        title_en: Maybe[str] = UNSET,
        path: Maybe[str] = UNSET,
        component: Maybe[str] = UNSET,
        icon: Maybe[str] = UNSET,
        sort: Maybe[int] = UNSET,
        hidden: Maybe[bool] = UNSET,
        status: Maybe[int] = UNSET,
        perm: Maybe[str] = UNSET,
    ) -> None:
        """Set the fields given; the caller then checks the parent (check_parent)."""
        self._assign(
            name=name,
            title=title,
            type=type,
            parent_id=parent_id,
            title_en=title_en,
            path=path,
            component=component,
            icon=icon,
            sort=sort,
            hidden=hidden,
            status=status,
            perm=perm,
        )
        self._normalize()

    def check_parent(self, parent: Menu | None) -> None:
        """A button hangs under a menu; a menu or directory hangs under a directory or the root."""
        if parent is None:
            if self.type is MenuType.BUTTON:
                raise InvalidInput(
                    "a button needs a parent menu", "menu_parent_invalid", "parent_id"
                )
            return
        if parent.id == self.id:
            raise InvalidInput(
                "a menu cannot be its own parent", "menu_parent_invalid", "parent_id"
            )
        allowed = {MenuType.BUTTON: {MenuType.MENU}}.get(self.type, {MenuType.DIR})
        if parent.type not in allowed:
            raise InvalidInput(
                f"a {self.type.value} cannot hang under a {parent.type.value}",
                "menu_parent_invalid",
                "parent_id",
            )


@dataclass(kw_only=True, eq=False)
class PermLabel(Entity):
    label: str
    name: str = ""
    status: int = ENABLED
    remark: str = ""

    def relabel(self, label: str) -> None:
        check_label(label)
        self.label = label

    def change(self, *, name: Maybe[str] = UNSET, remark: Maybe[str] = UNSET) -> None:
        self._assign(name=name, remark=remark)

    def set_status(self, status: int) -> None:
        self.status = status


@dataclass(kw_only=True, eq=False)
class UserRole(Entity):
    user_id: int
    role_id: int


@dataclass(kw_only=True, eq=False)
class UserPost(Entity):
    user_id: int
    post_id: int


@dataclass(kw_only=True, eq=False)
class RoleMenu(Entity):
    role_id: int
    menu_id: int


@dataclass(kw_only=True, eq=False)
class RoleDept(Entity):
    role_id: int
    dept_id: int


@dataclass(kw_only=True, eq=False)
class PermLabelRole(Entity):
    label_id: int
    role_id: int


@dataclass(frozen=True)
class AccessTable:
    """What authorisation needs, small enough to keep in memory.

    `roles` maps the id of every live role to its code; `label_roles` maps every
    enabled label to the ids of the roles linked to it by live links.
    """

    roles: dict[int, str]
    label_roles: dict[str, frozenset[int]]
    # The data scope of every live role (a role missing here sees every row, as before scopes).
    scopes: dict[int, RoleScope] = field(default_factory=dict)

    def role_codes(self, role_ids: frozenset[int]) -> frozenset[str]:
        return frozenset(self.roles[r] for r in role_ids if r in self.roles)

    def allows(self, role_ids: frozenset[int], required: tuple[str, ...]) -> bool:
        """A caller passes when one of its live roles holds one of the labels; admin always passes."""
        live = frozenset(r for r in role_ids if r in self.roles)
        if ADMIN_ROLE in self.role_codes(live):
            return True
        return any(live & self.label_roles.get(label, frozenset()) for label in required)

    def labels_of(self, role_ids: frozenset[int]) -> list[str]:
        live = frozenset(r for r in role_ids if r in self.roles)
        if ADMIN_ROLE in self.role_codes(live):
            return sorted(self.label_roles)
        return sorted(label for label, roles in self.label_roles.items() if live & roles)


@dataclass(frozen=True)
class Privileges:
    """What a set of roles grants: the admin role or not, the enabled labels, the menus.

    The rule that keeps privilege from growing: an actor may hand out, to a user or to a
    role, only what its own privileges cover, and only an admin covers the admin role.
    """

    admin: bool
    labels: frozenset[str]
    menus: frozenset[int]

    def covers(self, other: Privileges) -> bool:
        if self.admin:
            return True
        return not other.admin and other.labels <= self.labels and other.menus <= self.menus


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    user_id: int
    sid: str  # the session the access token belongs to
    role_ids: frozenset[int] = field(default_factory=frozenset)
    username: str = ""
    # The caller's department (None: none), read with the role ids: a scoped row it creates
    # belongs to it.
    dept_id: int | None = None


class TokenType(enum.StrEnum):
    """The `typ` claim: what a token may be used for; a token is accepted only as its type."""

    ACCESS = "access"
    REFRESH = "refresh"
    MFA = "mfa"


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    jti: str
    expires_at: datetime
    username: str = ""
    sid: str = ""  # access and refresh tokens: their session
    purpose: str = ""  # mfa tokens: "login" or "enrol"


@dataclass(frozen=True)
class TokenPair:
    """What a sign-in (or a refresh) answers: a short access token and its session's refresh token."""

    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


@dataclass(frozen=True)
class Session:
    """One sign-in, as the token store keeps it (`TOKEN_RECORD`); never holds a token."""

    sid: str
    user_id: int
    username: str
    ip: str
    user_agent: str
    browser: str
    os: str
    login_time: datetime
    last_seen: datetime
    remember: bool
    refresh_jti: str


class Rotation(enum.StrEnum):
    """What the token store did with a presented refresh token."""

    ROTATED = "rotated"  # it was the session's current one: the new one replaces it
    REUSED = "reused"  # an earlier one of a live session: theft; the session has been ended
    GONE = "gone"  # the session has ended (or never was)


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("core.rbac").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_password_policy(password: str, *, username: str | None = None) -> None:
    """8 to 128 characters, no composition rules, and not a well-known or trivial password."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(
            f"the password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long",
            "password_length",
            "password",
        )
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(password)) == 1:
        raise InvalidInput("this password is too common", "password_too_common", "password")
    if username and lowered == username.lower():
        raise InvalidInput(
            "the password must differ from the username", "password_is_username", "password"
        )


# Control, format (zero-width, bidi) and separator characters other than a plain space.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def canonical_username(raw: str) -> str:
    """The one form a username is stored and looked up in: NFKC, case-folded, trimmed.

    `Opt`, `OPT` and its full-width form all name the account `opt`; the database is
    then asked for that exact string, never through its own (case- or accent-folding)
    collation.
    """
    return unicodedata.normalize("NFKC", raw).casefold().strip()


def is_canonical_username(name: str) -> bool:
    """Whether a canonical name could belong to an account (login asks before looking it up)."""
    return USERNAME_RE.fullmatch(name) is not None


def check_username(username: str) -> str:
    """The canonical form of a new username; invisible characters and anything else odd: 422."""
    if any(unicodedata.category(ch) in _INVISIBLE for ch in username):
        raise InvalidInput(
            "a username cannot hold control or invisible characters",
            "username_invalid",
            "username",
        )
    name = canonical_username(username)
    if not is_canonical_username(name):
        raise InvalidInput(
            "a username is 3 to 64 letters, digits or . _ @ -", "username_invalid", "username"
        )
    return name


def role_scope(scope: DataScope, dept_ids: frozenset[int]) -> RoleScope:
    """A role's data scope; departments are named by `custom` alone."""
    if dept_ids and scope is not DataScope.CUSTOM:
        raise InvalidInput(
            "departments are given only with the custom data scope",
            "dept_ids_not_allowed",
            "dept_ids",
        )
    return RoleScope(scope, dept_ids)


def check_role_code(code: str) -> None:
    if not ROLE_CODE_RE.fullmatch(code):
        raise InvalidInput(
            "a role code starts with a lower-case letter: 2 to 64 of a-z 0-9 _ -",
            "role_code_invalid",
            "code",
        )


def check_label(label: str) -> None:
    if not LABEL_RE.fullmatch(label):
        raise InvalidInput(
            "a permission label reads perm:{resource}:{verb}", "label_invalid", "label"
        )


# --- two-factor sign-in (TOTP) and the login captcha -------------------------------------

# Recovery codes and captchas draw from alphabets without look-alikes (0/o, 1/l/i).
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODES = 10
CAPTCHA_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CAPTCHA_LENGTH = 4
MFA_LOGIN = "login"
MFA_ENROL = "enrol"


@dataclass(kw_only=True, eq=False)
class UserMfa(Entity):
    """A user's second factor: the TOTP secret (sealed) and the last time step it accepted.

    A code is good once: one of the last step used, or an earlier one, is refused.
    """

    user_id: int
    secret: str
    enabled: bool = False
    last_step: int = 0
    enabled_time: datetime | None = None

    def accept_step(self, step: int) -> bool:
        """Take the step of a matching code; False (unchanged) for a replayed or older one."""
        if step <= self.last_step:
            return False
        self.last_step = step
        return True


@dataclass(kw_only=True, eq=False)
class RecoveryCode(Entity):
    """One recovery code, stored as its SHA-256 digest; good once."""

    user_id: int
    code_hash: str
    used_time: datetime | None = None

    @property
    def used(self) -> bool:
        return self.used_time is not None


def new_recovery_code() -> str:
    """`xxxxx-xxxxx` from the unambiguous alphabet (about 49 bits)."""
    picks = [secrets.choice(RECOVERY_ALPHABET) for _ in range(10)]
    return "".join(picks[:5]) + "-" + "".join(picks[5:])


def recovery_digest(code: str) -> str:
    """The stored form of a recovery code as typed: case, spaces and the dash do not matter."""
    canonical = re.sub(r"[\s-]", "", code).lower()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def looks_like_totp(code: str) -> bool:
    # ASCII digits only: `\d` would take other scripts' digits, which no TOTP code has.
    return bool(re.fullmatch(r"[0-9]{6}", code.strip()))


def new_captcha_code() -> str:
    return "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))


@dataclass(frozen=True)
class MfaClaims:
    """What a short-lived mfa token says: whose sign-in it continues, and for what."""

    user_id: int
    jti: str
    purpose: str
    expires_at: datetime
    remember: bool = False


@dataclass(frozen=True)
class MfaChallenge:
    """A login that needs a second factor (or its enrolment) before it gets the tokens."""

    mfa_token: str
    expires_in: int
    enrol: bool = False


@dataclass(frozen=True)
class TotpSetup:
    """A pending secret to scan; shown once, at setup."""

    secret: str
    otpauth_uri: str
    qr_svg: str


@dataclass(frozen=True)
class Captcha:
    captcha_id: str
    png: bytes
    enabled: bool
