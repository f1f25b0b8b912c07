"""Ports of the rbac module: what its use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.audit.ports import LoginLogRepository, OperationLogRepository
from core.org.model import Post
from core.org.ports import DeptRepository, PostRepository
from core.rbac.model import (
    Menu,
    MfaClaims,
    PermLabel,
    RecoveryCode,
    Role,
    Rotation,
    Session,
    TokenClaims,
    TokenType,
    TotpSetup,
    User,
    UserMfa,
)
from core.shared.cache import Cache, RateCounter
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.scope import RowScope
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class UserFilter:
    username: str | None = None
    nickname: str | None = None
    status: int | None = None
    created: TimeRange = TimeRange()
    dept_id: int | None = None  # this department and every department below it


@dataclass(frozen=True, kw_only=True)
class RoleFilter:
    name: str | None = None
    code: str | None = None
    status: int | None = None
    created: TimeRange = TimeRange()


@dataclass(frozen=True, kw_only=True)
class LabelFilter:
    label: str | None = None
    name: str | None = None
    status: int | None = None
    created: TimeRange = TimeRange()


@dataclass(frozen=True)
class UserLinks:
    """What a user list shows beside each user: its roles, posts and department's name."""

    roles: list[Role]
    posts: list[Post]
    dept_name: str | None = None


class UserRepository(Protocol):
    """Live users; deleted ones are invisible to every method.

    `scope`, where given, keeps only the users the caller's data scope admits (a user row is
    owned by its own department and by itself): one outside it is not found.
    """

    async def add(self, user: User) -> None: ...
    async def get(
        self, user_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> User | None: ...
    async def get_by_username(self, username: str) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...
    async def search(
        self, flt: UserFilter, page: PageRequest, scope: RowScope | None = None
    ) -> Page[User]: ...
    async def role_ids(self, user_id: int) -> frozenset[int]: ...
    async def dept_of(self, user_id: int) -> int | None:
        """The live user's department id; None without one (or without the user)."""
        ...

    async def holders_depts(self, role_id: int) -> list[int | None]:
        """The department of each live user holding the role (None: a holder without one)."""
        ...

    async def links_of_many(self, user_ids: Iterable[int]) -> dict[int, UserLinks]:
        """Each user's live roles and live posts (each by sort then id) and the name of its
        live department, in one query for any number of users; every user asked is answered."""
        ...

    async def set_roles(
        self, user_id: int, role_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None: ...
    async def set_posts(
        self, user_id: int, post_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None: ...


class RoleRepository(Protocol):
    """Live roles and their links to menus and labels."""

    async def add(self, role: Role) -> None: ...
    async def get(self, role_id: int, *, lock: bool = False) -> Role | None: ...
    async def get_by_code(self, code: str) -> Role | None: ...
    async def get_many(self, role_ids: Iterable[int]) -> list[Role]: ...
    async def search(self, flt: RoleFilter, page: PageRequest) -> Page[Role]: ...
    async def all_live(self) -> list[Role]: ...
    async def menu_ids(self, role_id: int) -> frozenset[int]: ...
    async def label_ids(self, role_id: int) -> frozenset[int]: ...
    async def menu_ids_of_roles(self, role_ids: Iterable[int]) -> frozenset[int]: ...
    async def set_menus(
        self, role_id: int, menu_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None: ...
    async def set_labels(
        self, role_id: int, label_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None: ...
    async def unlink_all(self, role_id: int, actor_id: int | None, now: datetime) -> None: ...
    async def dept_ids(self, role_id: int) -> frozenset[int]:
        """The departments of the role's `custom` data scope (live links)."""
        ...

    async def dept_ids_of_live_roles(self) -> dict[int, frozenset[int]]:
        """Every live role's custom departments, by role id (roles without any left out)."""
        ...

    async def set_depts(
        self, role_id: int, dept_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None: ...
    async def dept_paths(self, dept_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
        """The path (ids root first, itself last) of each of these that is a live department."""
        ...


class MenuRepository(Protocol):
    """Live menus of every type."""

    async def add(self, menu: Menu) -> None: ...
    async def get(self, menu_id: int, *, lock: bool = False) -> Menu | None: ...
    async def get_by_name(self, name: str) -> Menu | None: ...
    async def all(self) -> list[Menu]: ...
    async def existing_ids(self, menu_ids: Iterable[int]) -> frozenset[int]: ...
    async def unlink_all(self, menu_id: int, actor_id: int | None, now: datetime) -> None: ...


class PermLabelRepository(Protocol):
    """Live permission labels and the label-to-role links."""

    async def add(self, label: PermLabel) -> None: ...
    async def get(self, label_id: int, *, lock: bool = False) -> PermLabel | None: ...
    async def get_by_label(self, label: str) -> PermLabel | None: ...
    async def search(self, flt: LabelFilter, page: PageRequest) -> Page[PermLabel]: ...
    async def all(self) -> list[PermLabel]: ...
    async def existing_ids(self, label_ids: Iterable[int]) -> frozenset[int]: ...
    async def enabled_label_roles(self) -> dict[str, frozenset[int]]: ...
    async def link(
        self, label_id: int, role_id: int, actor_id: int | None, now: datetime
    ) -> None: ...
    async def unlink_all(self, label_id: int, actor_id: int | None, now: datetime) -> None: ...


class RbacUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    roles: RoleRepository
    menus: MenuRepository
    labels: PermLabelRepository
    login_logs: LoginLogRepository
    oper_logs: OperationLogRepository
    depts: DeptRepository  # module org: a user's department and posts are checked against them
    posts: PostRepository


class PasswordHasher(Protocol):
    """Hashes and verifies passwords (argon2id in production)."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenCodec(Protocol):
    """Signs and verifies tokens of one `typ` each (access, refresh, mfa).

    `decode` raises Unauthorized (`token_expired`, or `token_invalid` for anything else: a bad
    signature, a token without `typ` or of another `typ` than asked) on all but a valid one.
    """

    def encode(self, claims: TokenClaims, typ: TokenType = TokenType.ACCESS) -> str: ...
    def decode(self, token: str, typ: TokenType = TokenType.ACCESS) -> TokenClaims: ...


class UserAgentParser(Protocol):
    """Names a client's browser and system from its User-Agent ("Chrome 131", "Windows 10")."""

    def parse(self, user_agent: str) -> tuple[str, str]: ...


class TokenStore(Protocol):
    """The live sessions, `user_login_token_{user_id}:{sid}`, shared by every instance.

    A session's tokens are good only while its record exists; the record lives for the
    session's refresh lifetime. Every method raises ServiceUnavailable when the store does
    not answer.
    """

    async def start(self, session: Session, ttl_seconds: int) -> None: ...
    async def touch(self, user_id: int, sid: str, now: datetime) -> bool:
        """Whether the session is live (the per-request check, one round trip); its
        `last_seen` becomes `now` when it is `LAST_SEEN_EVERY_SECONDS` old or more."""
        ...

    async def get(self, user_id: int, sid: str) -> Session | None: ...
    async def rotate(
        self, user_id: int, sid: str, presented_jti: str, new_jti: str, ttl_seconds: int
    ) -> Rotation:
        """Atomically: the presented refresh jti, if current, is replaced by `new_jti` and the
        record lives `ttl_seconds` again; an earlier one ends the session (REUSED)."""
        ...

    async def end(self, user_id: int, sid: str) -> bool:
        """Ends one session; whether it was live."""
        ...

    async def revoke_all(self, user_id: int, keep: str | None = None) -> int:
        """Ends every session of the user (but `keep`, a session id, when given); how many."""
        ...

    async def revoke_everyone(self) -> int: ...
    async def sessions(self) -> list[Session]:
        """Every live session of every user (a scan: for the admin page, not per request)."""
        ...


# --- two-factor sign-in (TOTP) and the login captcha -------------------------------------


class UserMfaRepository(Protocol):
    """Each user's live second-factor row (at most one)."""

    async def get(self, user_id: int, *, lock: bool = False) -> UserMfa | None: ...
    async def add(self, mfa: UserMfa) -> None: ...


class RecoveryCodeRepository(Protocol):
    """A user's live recovery codes, used or not."""

    async def add(self, code: RecoveryCode) -> None: ...
    async def find(
        self, user_id: int, code_hash: str, *, lock: bool = False
    ) -> RecoveryCode | None: ...
    async def unused_count(self, user_id: int) -> int: ...
    async def drop_all(self, user_id: int, actor_id: int | None, now: datetime) -> None:
        """Soft-delete every live code of the user."""
        ...


class MfaUnitOfWork(RbacUnitOfWork, Protocol):
    mfa: UserMfaRepository
    recovery_codes: RecoveryCodeRepository


class MfaTokenCodec(Protocol):
    """Signs and verifies mfa tokens (`typ: "mfa"`, 5 minutes); `decode` raises Unauthorized
    `mfa_token_invalid` on anything but a valid, unexpired one."""

    def encode(self, claims: MfaClaims) -> str: ...
    def decode(self, token: str) -> MfaClaims: ...


class OneTimePasswords(Protocol):
    """RFC 6238 TOTP: SHA-1, 6 digits, 30-second steps."""

    def new_secret(self) -> str: ...
    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step within one step of `at` whose code is `code`, else None."""
        ...

    def provisioning(self, secret: str, account: str) -> TotpSetup:
        """The otpauth URI and its QR code (SVG) of this secret for this account."""
        ...


class SecretBox(Protocol):
    """Encrypts what is stored at rest (the TOTP secrets) with a key of the app's."""

    def seal(self, plain: str) -> str: ...
    def open(self, sealed: str) -> str:
        """The plain text; ValueError when it was not sealed with this key."""
        ...


class CaptchaImages(Protocol):
    """Draws a captcha's text as a PNG image."""

    async def render(self, text: str) -> bytes: ...


class ShortLivedValues(Protocol):
    """Values kept a short while, shared by every instance (captcha codes, pending secrets).

    `take` is atomic: of concurrent calls for one key, one gets the value. Every method
    raises ServiceUnavailable when the store does not answer.
    """

    async def put(self, key: str, value: str, ttl_seconds: int) -> None: ...
    async def get(self, key: str) -> str | None: ...
    async def take(self, key: str) -> str | None:
        """The value, which is gone from then on; None when there was none."""
        ...


class SignInPolicy(Protocol):
    """What operators switch about sign-in: the captcha, and the roles that need 2FA."""

    async def captcha_enabled(self) -> bool: ...
    async def mfa_required_roles(self) -> frozenset[str]: ...


class FixedSignInPolicy(SignInPolicy):
    """A policy fixed at start (tests; until the config-parameter module holds it)."""

    def __init__(self, captcha: bool = False, roles: Iterable[str] = ()) -> None:
        self._captcha = captcha
        self._roles = frozenset(roles)

    async def captcha_enabled(self) -> bool:
        return self._captcha

    async def mfa_required_roles(self) -> frozenset[str]:
        return self._roles


__all__ = ["Cache", "RateCounter"]  # re-exported: they live in core.shared.cache
