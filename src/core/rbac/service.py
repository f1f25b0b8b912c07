"""Use cases of the rbac module: sign-in, tokens, authorisation and management."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from core.audit.model import LOGIN_FAILED, LoginFailure, LoginLog
from core.org.model import Post
from core.org.service import existing_posts, usable_dept
from core.rbac.commands import (
    CreateLabel,
    CreateMenu,
    CreateRole,
    CreateUser,
    SetDataScope,
    UpdateLabel,
    UpdateMenu,
    UpdateProfile,
    UpdateRole,
    UpdateUser,
)
from core.rbac.mfa import CaptchaService, SecondFactor
from core.rbac.model import (
    ADMIN_ROLE,
    DISABLED,
    ENABLED,
    MFA_ENROL,
    MFA_LOGIN,
    AccessTable,
    Menu,
    MenuType,
    MfaChallenge,
    MfaClaims,
    PermLabel,
    Principal,
    Privileges,
    Role,
    TokenPair,
    TokenType,
    TotpSetup,
    User,
    canonical_username,
    check_label,
    check_password_policy,
    check_role_code,
    check_username,
    is_canonical_username,
    role_scope,
)
from core.rbac.ports import (
    Cache,
    LabelFilter,
    PasswordHasher,
    RateCounter,
    RbacUnitOfWork,
    RoleFilter,
    SignInPolicy,
    TokenCodec,
    TokenStore,
    UserFilter,
    UserLinks,
)
from core.rbac.sessions import SessionService
from core.shared.clock import Clock
from core.shared.commands import UNSET, given
from core.shared.entity import require
from core.shared.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    TooManyRequests,
    Unauthorized,
)
from core.shared.pagination import Page, PageRequest
from core.shared.scope import EVERY_ROW, DataScope, RoleScope, RowScope, resolve

UowFactory = Callable[[], RbacUnitOfWork]
T = TypeVar("T")

ACCESS_KEY = "rbac:access"
# A user's role ids and department: what every request of theirs needs (decides and scopes).
USER_ROLES_KEY = "rbac:user_access:{}"
PROFILE_KEY = "rbac:profile:{}"
# Failed-login counters: per account and client, per account, per client.
LOGIN_FAIL_ACCOUNT_IP = "login_fail:account:{}:{}"
LOGIN_FAIL_ACCOUNT = "login_fail:account:{}"
LOGIN_FAIL_IP = "login_fail:ip:{}"
# Wrong current passwords of a signed-in user (password change, e-mail change): one count.
REAUTH_FAIL_KEY = "reauth_fail:{}"
BAD_CREDENTIALS = "incorrect username or password"


@dataclass(frozen=True, kw_only=True)
class AuthPolicy:
    max_failed_logins: int = 5
    account_failure_ceiling: int = 50
    ip_failure_ceiling: int = 100
    failed_login_window_seconds: int = 15 * 60
    # Failed logins in a row (client or account) after which a captcha is needed anyway.
    captcha_after_failures: int = 3


class AccessService:
    """Keeps the access table and each user's role ids in the cache, and drops them on change.

    The roles' data scopes live in the access table and each user's department beside the
    user's role ids, so a caller's row scope costs no query with warm caches, and a change
    (a role's scope, a user's department or roles) is dropped on every instance at once.
    """

    def __init__(self, uow: UowFactory, cache: Cache) -> None:
        self._uow = uow
        self._cache = cache
        self._parsed: tuple[dict[str, Any], AccessTable] | None = None

    async def table(self) -> AccessTable:
        return self._parse(await self._cache.get_or_load(ACCESS_KEY, self._load_table))

    async def role_ids(self, user_id: int) -> frozenset[int]:
        return (await self.user_access(user_id))[0]

    async def user_access(self, user_id: int) -> tuple[frozenset[int], int | None]:
        """The user's role ids and department, from the cache."""
        raw = await self._cache.get_or_load(
            USER_ROLES_KEY.format(user_id), lambda: self._load_roles(user_id)
        )
        return frozenset(raw["roles"]), raw["dept"]

    async def row_scope(self, principal: Principal) -> RowScope:
        """The rows the caller may see: the union of its live roles' scopes (admin: all)."""
        table = await self.table()
        live = [r for r in principal.role_ids if r in table.roles]
        admin = ADMIN_ROLE in table.role_codes(frozenset(live))
        scopes = [table.scopes.get(r, RoleScope(DataScope.ALL)) for r in live]
        return resolve(principal.user_id, admin, principal.dept_id, scopes)

    def _parse(self, raw: dict[str, Any]) -> AccessTable:
        # The in-process cache hands back the same object until it changes: parse it once.
        parsed = self._parsed
        if parsed is not None and parsed[0] is raw:
            return parsed[1]
        table = AccessTable(
            roles={int(k): v for k, v in raw["roles"].items()},
            label_roles={k: frozenset(v) for k, v in raw["labels"].items()},
            scopes={
                int(k): RoleScope(DataScope(scope), frozenset(depts))
                for k, (scope, depts) in raw.get("scopes", {}).items()
            },
        )
        self._parsed = (raw, table)
        return table

    async def _load_table(self) -> dict[str, Any]:
        async with self._uow() as uow:
            live = [r for r in await uow.roles.all_live() if r.id is not None and r.live]
            label_roles = await uow.labels.enabled_label_roles()
            custom = await uow.roles.dept_ids_of_live_roles()
        return {
            "roles": {r.id: r.code for r in live},
            "labels": {k: sorted(v) for k, v in label_roles.items()},
            "scopes": {r.id: [str(r.data_scope), sorted(custom.get(r.id or 0, ()))] for r in live},
        }

    async def _load_roles(self, user_id: int) -> dict[str, Any]:
        async with self._uow() as uow:
            return {
                "roles": sorted(await uow.users.role_ids(user_id)),
                "dept": await uow.users.dept_of(user_id),
            }

    async def forget_table(self) -> None:
        await self._cache.delete(ACCESS_KEY)

    async def forget_users(self, *user_ids: int) -> None:
        """Drop what is cached about these users: their role ids, department and profile."""
        keys = [k.format(u) for u in user_ids for k in (USER_ROLES_KEY, PROFILE_KEY)]
        if keys:
            await self._cache.delete(*keys)

    @property
    def cache(self) -> Cache:
        return self._cache


class Reauthentication:
    """A signed-in user proves itself again with its current password, with few guesses.

    Wrong passwords count per user across every use case that asks (password change,
    e-mail change): at the limit every session of the user is signed out (a thief guessing
    loses the stolen session; the owner signs in again) and further tries are refused
    (429) until the window ends.
    """

    def __init__(
        self,
        hasher: PasswordHasher,
        counter: RateCounter,
        tokens: TokenStore,
        attempts: int,
        window_seconds: int,
    ) -> None:
        self._hasher = hasher
        self._counter = counter
        self._tokens = tokens
        self._attempts = attempts
        self._window = window_seconds

    async def verify(self, user: User, password: str) -> bool:
        """Whether `password` is the user's; a wrong one is counted (429 once locked)."""
        assert user.id is not None
        key = REAUTH_FAIL_KEY.format(user.id)
        failures, retry_after = await self._counter.count(key)
        if failures >= self._attempts:
            raise TooManyRequests(
                "too many wrong passwords, try again later",
                retry_after or self._window,
                "rate_limited",
            )
        if await self._hasher.verify(user.password_hash, password):
            return True
        if await self._counter.hit(key, self._window) >= self._attempts:
            await self._tokens.revoke_all(user.id)
        return False


class AuthService:
    """Signs users in and out and decides what a caller may do."""

    def __init__(
        self,
        uow: UowFactory,
        hasher: PasswordHasher,
        codec: TokenCodec,
        tokens: TokenStore,
        counter: RateCounter,
        access: AccessService,
        clock: Clock,
        policy: AuthPolicy,
        sessions: SessionService,
        second_factor: SecondFactor,
        captcha: CaptchaService,
        sign_in: SignInPolicy,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._codec = codec
        self._mfa = second_factor
        self._captcha = captcha
        self._sign_in = sign_in
        self._tokens = tokens
        self._counter = counter
        self._access = access
        self._clock = clock
        self._policy = policy
        self._sessions = sessions
        self._dummy_hash: str | None = None
        self._reauth = Reauthentication(
            hasher, counter, tokens, policy.max_failed_logins, policy.failed_login_window_seconds
        )

    async def login(
        self,
        username: str,
        password: str,
        ip: str = "",
        user_agent: str = "",
        *,
        remember: bool = False,
        captcha_id: str | None = None,
        captcha_code: str | None = None,
    ) -> TokenPair:
        """`sign_in` for a caller that has no second step (scripts, tests): a sign-in that
        needs a second factor is refused (401 `mfa_required`)."""
        result = await self.sign_in(
            username,
            password,
            ip,
            user_agent,
            remember=remember,
            captcha_id=captcha_id,
            captcha_code=captcha_code,
        )
        if isinstance(result, MfaChallenge):
            raise Unauthorized("this account signs in with a second factor", "mfa_required")
        return result

    async def sign_in(
        self,
        username: str,
        password: str,
        ip: str = "",
        user_agent: str = "",
        *,
        remember: bool = False,
        captcha_id: str | None = None,
        captcha_code: str | None = None,
    ) -> TokenPair | MfaChallenge:
        """Failures lock an account for the client that made them, and a client for all accounts.

        Counted per resolved account and client IP (`max_failed_logins`), per account from
        every client (`account_failure_ceiling`, higher, so one attacker naming an account
        cannot lock its owner out) and per client IP over every name (`ip_failure_ceiling`).
        A lock lasts until its window passes. Names are looked up in canonical form only.
        A captcha is checked before the password when the switch is on or when one of these
        counters has reached `captcha_after_failures`. A right password of a user with 2FA
        (or who must enrol) answers a challenge; only the tokens start a session.
        """
        policy = self._policy
        ip_key = LOGIN_FAIL_IP.format(ip)
        await self._refuse_locked(username, ip, user_agent, ip_key, policy.ip_failure_ceiling)
        name = canonical_username(username)
        user = None
        if is_canonical_username(name):
            async with self._uow() as uow:
                user = await uow.users.get_by_username(name)
        keys: tuple[str, ...] = (ip_key,)
        if user is not None and user.id is not None:
            keys = (
                ip_key,
                LOGIN_FAIL_ACCOUNT_IP.format(user.id, ip),
                LOGIN_FAIL_ACCOUNT.format(user.id),
            )
        await self._check_captcha(keys, captcha_id, captcha_code, username, ip, user_agent)
        if user is None or user.id is None:
            # Cost the same as a real check, so timing does not reveal which usernames exist.
            await self._hasher.verify(await self._dummy(), password)
            return await self._fail((ip_key,), username, ip, user_agent, LoginFailure.UNKNOWN_USER)
        pair_key = LOGIN_FAIL_ACCOUNT_IP.format(user.id, ip)
        account_key = LOGIN_FAIL_ACCOUNT.format(user.id)
        await self._refuse_locked(username, ip, user_agent, pair_key, policy.max_failed_logins)
        await self._refuse_locked(
            username, ip, user_agent, account_key, policy.account_failure_ceiling
        )
        if not await self._hasher.verify(user.password_hash, password):
            keys = (ip_key, pair_key, account_key)
            return await self._fail(keys, username, ip, user_agent, LoginFailure.WRONG_PASSWORD)
        if user.status != ENABLED:
            await self._log_login(username, ip, user_agent, LOGIN_FAILED, LoginFailure.DISABLED)
            raise Forbidden("this account is disabled", "user_disabled")
        # Only this client's own lock on this account lifts: a success elsewhere, or on
        # another account, does not reset what an attacker has spent.
        await self._counter.reset(pair_key)
        if self._hasher.needs_rehash(user.password_hash):
            async with self._uow() as uow:
                stored = await uow.users.get(user.id, lock=True)
                if stored is not None:
                    stored.password_hash = await self._hasher.hash(password)
                await uow.commit()
        if await self._mfa.enabled(user.id):
            return self._mfa.challenge(user.id, MFA_LOGIN, remember)
        if await self._must_enrol(user.id):
            return self._mfa.challenge(user.id, MFA_ENROL, remember)
        return await self._issue(user, ip, user_agent, remember, "")

    async def _issue(
        self, user: User, ip: str, user_agent: str, remember: bool, note: str
    ) -> TokenPair:
        """A sign-in that passed every check (password, second factor): its session starts."""
        return await self._sessions.start(user, ip, user_agent, remember, note)

    async def _check_captcha(
        self,
        keys: tuple[str, ...],
        captcha_id: str | None,
        captcha_code: str | None,
        username: str,
        ip: str,
        ua: str,
    ) -> None:
        """With the switch on, or after `captcha_after_failures` failures counted on the
        client or the account, a login passes a captcha first (400 `captcha_invalid`)."""
        needed = await self._captcha.required()
        for key in keys:
            if needed:
                break
            needed = (await self._counter.count(key))[0] >= self._policy.captcha_after_failures
        passed = await self._captcha.passes(captcha_id, captcha_code) if captcha_id else False
        if needed and not passed:
            await self._log_login(username, ip, ua, LOGIN_FAILED, LoginFailure.CAPTCHA_INVALID)
            raise BadRequest("the captcha is missing or wrong", "captcha_invalid")

    async def _must_enrol(self, user_id: int) -> bool:
        """A holder of a role that `mfa_required_roles` lists, without 2FA, enrols first."""
        required = await self._sign_in.mfa_required_roles()
        if not required:
            return False
        async with self._uow() as uow:
            role_ids = await uow.users.role_ids(user_id)
        return bool((await self._access.table()).role_codes(role_ids) & required)

    async def login_2fa(
        self, mfa_token: str, code: str, ip: str = "", user_agent: str = ""
    ) -> TokenPair:
        """The second step of a sign-in: a TOTP code or a recovery code, each good once."""
        claims = await self._mfa.open_token(mfa_token, MFA_LOGIN)
        user = await self._signing_in(claims)
        assert user.id is not None
        try:
            await self._mfa.use_code(user.id, code, claims)
        except Conflict as exc:  # 2FA was turned off since: the token is of no use
            raise Unauthorized("sign in again", "mfa_token_invalid") from exc
        except (BadRequest, TooManyRequests):
            await self._log_login(
                user.username, ip, user_agent, LOGIN_FAILED, LoginFailure.MFA_INVALID
            )
            raise
        await self._mfa.spend_token(claims)
        return await self._issue(user, ip, user_agent, claims.remember, "mfa")

    async def enrol_setup(self, mfa_token: str) -> TotpSetup:
        """Enrolment at sign-in, for a holder of a role that requires 2FA: a pending secret."""
        claims = await self._mfa.open_token(mfa_token, MFA_ENROL)
        user = await self._signing_in(claims)
        assert user.id is not None
        return await self._mfa.setup(user.id, user.username)

    async def enrol_enable(
        self, mfa_token: str, code: str, ip: str = "", user_agent: str = ""
    ) -> tuple[list[str], TokenPair]:
        """Enrolment at sign-in: a right code turns 2FA on, ends the user's other sessions,
        and answers the recovery codes and the tokens."""
        claims = await self._mfa.open_token(mfa_token, MFA_ENROL)
        user = await self._signing_in(claims)
        assert user.id is not None
        try:
            codes = await self._mfa.enable(user.id, code, claims)
        except (BadRequest, TooManyRequests):
            await self._log_login(
                user.username, ip, user_agent, LOGIN_FAILED, LoginFailure.MFA_INVALID
            )
            raise
        await self._mfa.spend_token(claims)
        await self._tokens.revoke_all(user.id)
        return codes, await self._issue(user, ip, user_agent, claims.remember, "mfa")

    async def _signing_in(self, claims: MfaClaims) -> User:
        """The user an mfa token continues the sign-in of, still live and enabled."""
        async with self._uow() as uow:
            user = await uow.users.get(claims.user_id)
        if user is None or user.id is None:
            raise Unauthorized("sign in again", "mfa_token_invalid")
        if user.status != ENABLED:
            raise Forbidden("this account is disabled", "user_disabled")
        return user

    async def clear_failures(self, user_id: int, ip: str) -> None:
        """After the owner proved who they are (a password reset): their account's locks lift."""
        await self._counter.reset(LOGIN_FAIL_ACCOUNT.format(user_id))
        await self._counter.reset(LOGIN_FAIL_ACCOUNT_IP.format(user_id, ip))

    async def _refuse_locked(self, username: str, ip: str, ua: str, key: str, limit: int) -> None:
        failures, retry_after = await self._counter.count(key)
        if failures >= limit:
            await self._log_login(username, ip, ua, LOGIN_FAILED, LoginFailure.THROTTLED)
            raise TooManyRequests(
                "too many failed logins, try again later", retry_after, "login_throttled"
            )

    async def authenticate(self, token: str) -> Principal:
        """An access token is good while it verifies, has not expired, and its session lives."""
        claims = self._codec.decode(token, TokenType.ACCESS)
        now = self._clock.now()
        if claims.expires_at <= now:
            raise Unauthorized("the token has expired", "token_expired")
        if not claims.sid or not await self._tokens.touch(claims.user_id, claims.sid, now):
            raise Unauthorized("the token has been revoked", "token_revoked")
        role_ids, dept_id = await self._access.user_access(claims.user_id)
        return Principal(claims.user_id, claims.sid, role_ids, claims.username, dept_id)

    async def authorize(self, principal: Principal, labels: tuple[str, ...]) -> None:
        """Pass when one of the caller's live roles holds one of the labels; admin always passes."""
        if labels and not (await self._access.table()).allows(principal.role_ids, labels):
            raise Forbidden("you lack the permission for this action", "permission_denied")

    async def logout(self, principal: Principal) -> None:
        """Ends the caller's session: its access and refresh tokens stop working everywhere."""
        await self._sessions.end(principal.user_id, principal.sid)

    async def change_password(
        self, principal: Principal, old_password: str, new_password: str
    ) -> None:
        """Changing the password signs the user out everywhere.

        Wrong current passwords count per user, with the e-mail change's: at the limit every
        session is signed out (a thief guessing loses the stolen session) and further tries
        are refused (429) until the window ends.
        """
        async with self._uow() as uow:
            user = require(await uow.users.get(principal.user_id, lock=True), "user")
            if not await self._reauth.verify(user, old_password):
                raise InvalidInput(
                    "the current password is wrong", "old_password_wrong", "old_password"
                )
            check_password_policy(new_password, username=user.username)
            user.password_hash = await self._hasher.hash(new_password)
            user.stamp_modified(principal.user_id, self._clock.now())
            await uow.commit()
        await self._tokens.revoke_all(principal.user_id)

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self._hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    async def _fail(
        self, keys: tuple[str, ...], username: str, ip: str, user_agent: str, why: str
    ) -> TokenPair:
        for key in keys:
            await self._counter.hit(key, self._policy.failed_login_window_seconds)
        await self._log_login(username, ip, user_agent, LOGIN_FAILED, why)
        raise Unauthorized(BAD_CREDENTIALS, "bad_credentials")

    def _login_log(self, username: str, ip: str, ua: str, status: str, message: str) -> LoginLog:
        log = LoginLog(
            username=username[:64],
            ip=ip[:64],
            user_agent=ua[:255],
            status=status,
            message=str(message),  # a LoginFailure's plain code
        )
        log.stamp_created(None, self._clock.now())
        return log

    async def _log_login(self, username: str, ip: str, ua: str, status: str, message: str) -> None:
        async with self._uow() as uow:
            await uow.login_logs.add(self._login_log(username, ip, ua, status, message))
            await uow.commit()


@dataclass(frozen=True)
class Profile:
    """The caller's own account as the dashboard shows it (never the password hash)."""

    fields: dict[str, Any]
    role_codes: list[str]


@dataclass(frozen=True)
class MenuNode:
    menu: Menu
    children: list[MenuNode] = field(default_factory=list)


@dataclass(frozen=True)
class Routers:
    roles: list[str]
    labels: list[str]
    menus: list[MenuNode]


def build_tree(menus: Iterable[Menu]) -> list[MenuNode]:
    """Menus as a forest ordered by sort then id; orphans of a missing parent become roots."""
    ordered = sorted(menus, key=lambda m: (m.sort, m.id or 0))
    nodes = {m.id: MenuNode(m) for m in ordered}
    roots: list[MenuNode] = []
    for m in ordered:
        parent = nodes.get(m.parent_id) if m.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[m.id])
    return roots


class ProfileService:
    """What a signed-in user sees and may change about themself."""

    def __init__(self, uow: UowFactory, access: AccessService, clock: Clock) -> None:
        self._uow = uow
        self._access = access
        self._clock = clock

    async def profile(self, principal: Principal) -> Profile:
        """From the cache: asked on every page load, changed rarely."""
        uid = principal.user_id
        fields = await self._access.cache.get_or_load(
            PROFILE_KEY.format(uid), lambda: self._load(uid)
        )
        return Profile(fields, sorted((await self._access.table()).role_codes(principal.role_ids)))

    async def _load(self, user_id: int) -> dict[str, Any]:
        async with self._uow() as uow:
            user = require(await uow.users.get(user_id), "user")
        created = user.created_time.isoformat() if user.created_time else None
        return {
            "id": user.id,
            "username": user.username,
            "nickname": user.nickname,
            "email": user.email,
            "phone": user.phone,
            "avatar": user.avatar,
            "status": user.status,
            "created_time": created,
        }

    async def update(self, principal: Principal, cmd: UpdateProfile) -> Profile:
        """A user edits their own contact fields only; roles and status are not theirs to change.

        The e-mail address is not changed here: it recovers the account, so a change needs
        the current password and a link opened in the new inbox (EmailChangeService). The
        address the account already has is accepted and ignored, as forms send every field.
        """
        async with self._uow() as uow:
            user = require(await uow.users.get(principal.user_id, lock=True), "user")
            if cmd.email is not UNSET and (cmd.email or "") != (user.email or ""):
                raise InvalidInput(
                    "the e-mail address changes by POST /user/email, with the current "
                    "password and a link mailed to the new address",
                    "email_change_needs_confirmation",
                    "email",
                )
            user.change_contact(nickname=cmd.nickname, phone=cmd.phone, avatar=cmd.avatar)
            user.stamp_modified(principal.user_id, self._clock.now())
            await uow.commit()
        await self._access.forget_users(principal.user_id)
        return await self.profile(principal)

    async def routers(self, principal: Principal) -> Routers:
        """The sidebar of the caller's roles; a user with no live role has nothing to show."""
        table = await self._access.table()
        codes = table.role_codes(principal.role_ids)
        if not codes:
            raise Forbidden("your account has no role yet; ask an administrator", "no_role")
        async with self._uow() as uow:
            menus = [m for m in await uow.menus.all() if m.status == ENABLED]
            if "admin" not in codes:
                live = [r for r in principal.role_ids if r in table.roles]
                granted = await uow.roles.menu_ids_of_roles(live)
                menus = _with_ancestors(menus, granted)
        return Routers(sorted(codes), table.labels_of(principal.role_ids), build_tree(menus))


def _with_ancestors(menus: list[Menu], granted: frozenset[int]) -> list[Menu]:
    by_id = {m.id: m for m in menus}
    keep: set[int] = set()
    for menu_id in granted:
        current = by_id.get(menu_id)
        while current is not None and current.id is not None and current.id not in keep:
            keep.add(current.id)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
    return [m for m in menus if m.id in keep]


class PrivilegeGuard:
    """Nobody ends with more privilege than they had: the checks of every use case that grants.

    Only a holder of the admin role grants the admin role or acts on an account that holds
    it; anyone else hands out, to a user or to a role, only labels and menus they hold.
    Reads what it needs in the caller's unit of work, so the check and the write agree.
    """

    def __init__(self, uow: RbacUnitOfWork) -> None:
        self._uow = uow
        self._label_roles: dict[str, frozenset[int]] | None = None
        self.actor = Privileges(admin=False, labels=frozenset(), menus=frozenset())

    @classmethod
    async def of(cls, uow: RbacUnitOfWork, actor: int) -> PrivilegeGuard:
        """The guard of `actor`, whose privileges are read once, here."""
        guard = cls(uow)
        guard.actor = await guard.of_roles(await uow.users.role_ids(actor))
        return guard

    async def of_roles(self, role_ids: Iterable[int]) -> Privileges:
        roles = [r for r in await self._uow.roles.get_many(role_ids) if r.live and r.id is not None]
        ids = frozenset(r.id for r in roles if r.id is not None)
        if self._label_roles is None:
            self._label_roles = await self._uow.labels.enabled_label_roles()
        return Privileges(
            admin=any(r.is_admin for r in roles),
            labels=frozenset(k for k, holders in self._label_roles.items() if holders & ids),
            menus=await self._uow.roles.menu_ids_of_roles(ids) if ids else frozenset(),
        )

    async def require_may_manage(self, user_id: int) -> None:
        """An account is changed only by someone whose privileges cover its own.

        Whoever may reset a password or change an e-mail may become that user, so a
        stronger account is out of reach; one holding the admin role is an admin's only.
        """
        if self.actor.admin:
            return
        target = await self.of_roles(await self._uow.users.role_ids(user_id))
        if target.admin:
            raise Forbidden(
                "only an administrator may change an administrator's account",
                "admin_account_protected",
            )
        if not self.actor.covers(target):
            raise Forbidden(
                "you may change only accounts whose permissions you hold yourself",
                "privilege_exceeded",
            )

    async def require_may_grant_roles(self, role_ids: Iterable[int]) -> None:
        for role_id in role_ids:
            if not self.actor.covers(await self.of_roles((role_id,))):
                raise Forbidden(
                    "you may grant only roles whose permissions you hold yourself",
                    "privilege_exceeded",
                )

    def require_may_grant(self, labels: Iterable[str] = (), menus: Iterable[int] = ()) -> None:
        wanted = Privileges(admin=False, labels=frozenset(labels), menus=frozenset(menus))
        if not self.actor.covers(wanted):
            raise Forbidden(
                "you may grant only permissions and menus you hold yourself",
                "privilege_exceeded",
            )

    def require_admin(self) -> None:
        if not self.actor.admin:
            raise Forbidden("only an administrator may do this", "admin_only")

    async def scope_of(self, user_id: int, role_ids: Iterable[int]) -> RowScope:
        """The row scope these roles give the user, read in this unit of work (not the cache)."""
        return await self.scope_in(user_id, await self._uow.users.dept_of(user_id), role_ids)

    async def scope_in(
        self, user_id: int, dept_id: int | None, role_ids: Iterable[int]
    ) -> RowScope:
        """The row scope these roles give a user of the department `dept_id`."""
        roles = [r for r in await self._uow.roles.get_many(role_ids) if r.live and r.id is not None]
        scopes = [
            RoleScope(
                DataScope(r.data_scope),
                await self._uow.roles.dept_ids(r.id)
                if r.data_scope == DataScope.CUSTOM and r.id is not None
                else frozenset(),
            )
            for r in roles
        ]
        return resolve(user_id, any(r.is_admin for r in roles), dept_id, scopes)

    async def require_may_scope(self, actor: int, scopes: Iterable[RowScope]) -> None:
        """Nobody is given a view of rows beyond the actor's own (the owner part aside: what a
        holder owns widens nobody's view); an admin, or an actor who sees all, gives any."""
        wanted = list(scopes)
        mine = await self.scope_of(actor, await self._uow.users.role_ids(actor))
        if mine.everything:
            return
        named = {d for w in wanted for d in (*w.depts, *w.subtrees)}
        paths = await self._uow.roles.dept_paths(named)
        if not all(mine.covers(w, paths) for w in wanted):
            raise Forbidden("you may give only a data scope within your own", "data_scope_exceeded")


class UserView(NamedTuple):
    """A user as the lists and the detail show it: its live roles, department name and posts."""

    user: User
    roles: list[Role]
    dept_name: str | None
    posts: list[Post]


class UserService:
    """Administration of user accounts."""

    def __init__(
        self,
        uow: UowFactory,
        hasher: PasswordHasher,
        tokens: TokenStore,
        access: AccessService,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._access = access
        self._clock = clock

    async def search(
        self, flt: UserFilter, page: PageRequest, scope: RowScope = EVERY_ROW
    ) -> Page[UserView]:
        """A page of the users in the scope, each with its live roles, department name and
        posts: two queries (three when the page is full and needs a count), any page size."""
        async with self._uow() as uow:
            users = await uow.users.search(flt, page, scope)
            links = await uow.users.links_of_many(u.id for u in users.items if u.id is not None)
        items = [_view(u, links.get(u.id or 0)) for u in users.items]
        return Page(items, users.total, users.page, users.size)

    async def get(self, user_id: int, scope: RowScope = EVERY_ROW) -> UserView:
        """A user outside the caller's scope is not found (404), never shown."""
        async with self._uow() as uow:
            user = require(await uow.users.get(user_id, scope=scope), "user")
            links = await uow.users.links_of_many((user_id,))
        return _view(user, links.get(user_id))

    async def create(self, actor: int, cmd: CreateUser, scope: RowScope = EVERY_ROW) -> int:
        """A username and an e-mail belong to one live account; the password obeys the policy."""
        username = check_username(cmd.username)
        check_password_policy(cmd.password, username=username)
        now = self._clock.now()
        async with self._uow() as uow:
            if await uow.users.get_by_username(username) is not None:
                raise Conflict("this username is taken", "user_exists")
            await _check_email_free(uow, cmd.email, None)
            roles = await _existing_roles(uow, cmd.role_ids)
            if cmd.dept_id is not None:
                await usable_dept(uow, cmd.dept_id, scope=None if scope.everything else scope)
            posts = await existing_posts(uow, cmd.post_ids)
            guard = await PrivilegeGuard.of(uow, actor)
            await guard.require_may_grant_roles(roles)
            if roles:
                # The view the roles give a user of this department (its `dept` scopes too).
                view = await guard.scope_in(0, cmd.dept_id, roles)
                await guard.require_may_scope(actor, [view])
            user = User(
                username=username,
                password_hash=await self._hasher.hash(cmd.password),
                nickname=cmd.nickname,
                email=cmd.email,
                phone=cmd.phone,
                avatar=cmd.avatar,
                status=cmd.status,
                dept_id=cmd.dept_id,
            )
            user.set_status(cmd.status)
            user.stamp_created(actor, now)
            await uow.users.add(user)
            assert user.id is not None
            await uow.users.set_roles(user.id, roles, actor, now)
            await uow.users.set_posts(user.id, posts, actor, now)
            await uow.commit()
            return user.id

    async def update(
        self, actor: int, user_id: int, cmd: UpdateUser, scope: RowScope = EVERY_ROW
    ) -> None:
        """Contact fields only: never the username, the password hash or the status."""
        async with self._uow() as uow:
            user = require(await uow.users.get(user_id, lock=True, scope=scope), "user")
            guard = await PrivilegeGuard.of(uow, actor)
            await guard.require_may_manage(user_id)
            await _check_email_free(uow, given(cmd.email, None), user.id)
            user.change_contact(
                nickname=cmd.nickname, email=cmd.email, phone=cmd.phone, avatar=cmd.avatar
            )
            await _change_org(uow, user, cmd, actor, self._clock.now(), scope)
            user.stamp_modified(actor, self._clock.now())
            await uow.commit()
        # Also when the department changed: the data scope reads it from what is dropped here.
        await self._access.forget_users(user_id)

    async def set_status(
        self, actor: int, user_id: int, status: int, scope: RowScope = EVERY_ROW
    ) -> None:
        """Disabling a user signs it out everywhere; nobody disables their own account."""
        if status == DISABLED and user_id == actor:
            raise Conflict("you cannot disable your own account", "cannot_disable_self")
        async with self._uow() as uow:
            user = require(await uow.users.get(user_id, lock=True, scope=scope), "user")
            guard = await PrivilegeGuard.of(uow, actor)
            await guard.require_may_manage(user_id)
            user.set_status(status)
            user.stamp_modified(actor, self._clock.now())
            await uow.commit()
        await self._access.forget_users(user_id)
        if status == DISABLED:
            await self._tokens.revoke_all(user_id)

    async def reset_password(
        self, actor: int, user_id: int, new_password: str, scope: RowScope = EVERY_ROW
    ) -> None:
        """An administrator sets a new password; the user is signed out everywhere."""
        async with self._uow() as uow:
            user = require(await uow.users.get(user_id, lock=True, scope=scope), "user")
            guard = await PrivilegeGuard.of(uow, actor)
            await guard.require_may_manage(user_id)
            check_password_policy(new_password, username=user.username)
            user.password_hash = await self._hasher.hash(new_password)
            user.stamp_modified(actor, self._clock.now())
            await uow.commit()
        await self._tokens.revoke_all(user_id)

    async def set_roles(
        self, actor: int, user_id: int, role_ids: Iterable[int], scope: RowScope = EVERY_ROW
    ) -> None:
        """Roles granted must be covered by the actor's own, data scope included; nobody drops
        their own admin role."""
        now = self._clock.now()
        async with self._uow() as uow:
            require(await uow.users.get(user_id, lock=True, scope=scope), "user")
            roles = await _existing_roles(uow, role_ids)
            guard = await PrivilegeGuard.of(uow, actor)
            await guard.require_may_manage(user_id)
            held = await uow.users.role_ids(user_id)
            await guard.require_may_grant_roles(roles - held)
            if added := roles - held:
                await guard.require_may_scope(actor, [await guard.scope_of(user_id, added)])
            if user_id == actor and guard.actor.admin and not (await guard.of_roles(roles)).admin:
                raise Conflict(
                    "you cannot remove the admin role from yourself", "cannot_demote_self"
                )
            await uow.users.set_roles(user_id, roles, actor, now)
            await uow.commit()
        await self._access.forget_users(user_id)

    async def delete(self, actor: int, user_id: int, scope: RowScope = EVERY_ROW) -> None:
        """A deleted user is signed out everywhere and frees its username and e-mail."""
        if user_id == actor:
            raise Conflict("you cannot delete your own account", "cannot_delete_self")
        now = self._clock.now()
        async with self._uow() as uow:
            user = require(await uow.users.get(user_id, lock=True, scope=scope), "user")
            guard = await PrivilegeGuard.of(uow, actor)
            await guard.require_may_manage(user_id)
            await uow.users.set_roles(user_id, frozenset(), actor, now)
            user.soft_delete(actor, now)
            await uow.commit()
        await self._tokens.revoke_all(user_id)
        await self._access.forget_users(user_id)


class RoleService:
    """Administration of roles and what they grant."""

    def __init__(self, uow: UowFactory, access: AccessService, clock: Clock) -> None:
        self._uow = uow
        self._access = access
        self._clock = clock

    async def search(self, flt: RoleFilter, page: PageRequest) -> Page[Role]:
        async with self._uow() as uow:
            return await uow.roles.search(flt, page)

    async def get(
        self, role_id: int
    ) -> tuple[Role, frozenset[int], frozenset[int], frozenset[int]]:
        """The role, its menus, its labels and its custom data scope's departments."""
        async with self._uow() as uow:
            role = require(await uow.roles.get(role_id), "role")
            return (
                role,
                await uow.roles.menu_ids(role_id),
                await uow.roles.label_ids(role_id),
                await uow.roles.dept_ids(role_id),
            )

    async def set_data_scope(self, actor: int, role_id: int, cmd: SetDataScope) -> None:
        """Which rows the role's holders see; nobody gives a view beyond their own.

        `all` needs an actor who sees every row; each `custom` department must be in the
        actor's scope; `dept` and `dept_and_below` must keep every current holder within it
        (a later grant of the role is checked by the grant). `self` widens nobody's view.
        The admin role (which sees every row whatever its scope says) is an admin's.
        """
        now = self._clock.now()
        async with self._uow() as uow:
            role = require(await uow.roles.get(role_id, lock=True), "role")
            scope = role_scope(cmd.data_scope, frozenset(cmd.dept_ids))
            wanted = scope.dept_ids
            if missing := wanted - frozenset(await uow.roles.dept_paths(wanted)):
                raise InvalidInput(
                    f"no such departments: {sorted(missing)}", "dept_not_found", "dept_ids"
                )
            guard = await PrivilegeGuard.of(uow, actor)
            if role.is_admin:
                guard.require_admin()
            if not guard.actor.admin:
                await guard.require_may_scope(actor, await _holders_views(uow, role_id, scope))
            role.set_data_scope(scope)
            await uow.roles.set_depts(role_id, wanted, actor, now)
            role.stamp_modified(actor, now)
            await uow.commit()
        await self._access.forget_table()

    async def create(self, actor: int, cmd: CreateRole) -> int:
        check_role_code(cmd.code)
        async with self._uow() as uow:
            if await uow.roles.get_by_code(cmd.code) is not None:
                raise Conflict("this role code is taken", "role_exists")
            role = Role(
                code=cmd.code, name=cmd.name, status=cmd.status, sort=cmd.sort, remark=cmd.remark
            )
            role.stamp_created(actor, self._clock.now())
            await uow.roles.add(role)
            await uow.commit()
            assert role.id is not None
        await self._access.forget_table()
        return role.id

    async def update(self, actor: int, role_id: int, cmd: UpdateRole) -> None:
        """The admin role is changed by an admin only, keeps its code and is never disabled.

        Enabling a role hands its grants back to its holders, so the actor must cover it.
        """
        async with self._uow() as uow:
            role = require(await uow.roles.get(role_id, lock=True), "role")
            guard = await PrivilegeGuard.of(uow, actor)
            status = given(cmd.status, role.status)
            if role.is_admin:
                guard.require_admin()
            elif role.status != ENABLED and status == ENABLED:
                labels = {lb.id: lb.label for lb in await uow.labels.all() if lb.status == ENABLED}
                guard.require_may_grant(
                    (labels[i] for i in await uow.roles.label_ids(role_id) if i in labels),
                    await uow.roles.menu_ids(role_id),
                )
            role.set_status(status)
            role.change(name=cmd.name, sort=cmd.sort, remark=cmd.remark)
            role.stamp_modified(actor, self._clock.now())
            await uow.commit()
        await self._access.forget_table()

    async def delete(self, actor: int, role_id: int) -> None:
        """The admin role cannot be deleted; deleting a role ends its links."""
        now = self._clock.now()
        async with self._uow() as uow:
            role = require(await uow.roles.get(role_id, lock=True), "role")
            if role.is_admin:
                raise Conflict("the admin role cannot be deleted", "admin_role_protected")
            await uow.roles.unlink_all(role_id, actor, now)
            role.soft_delete(actor, now)
            await uow.commit()
        await self._access.forget_table()

    async def set_menus(self, actor: int, role_id: int, menu_ids: Iterable[int]) -> None:
        """Menus added to a role must be menus the actor sees; the admin role is an admin's."""
        wanted = frozenset(menu_ids)
        async with self._uow() as uow:
            role = require(await uow.roles.get(role_id, lock=True), "role")
            if missing := wanted - await uow.menus.existing_ids(wanted):
                raise InvalidInput(
                    f"no such menus: {sorted(missing)}", "menu_not_found", "menu_ids"
                )
            guard = await PrivilegeGuard.of(uow, actor)
            if role.is_admin:
                guard.require_admin()
            guard.require_may_grant(menus=wanted - await uow.roles.menu_ids(role_id))
            await uow.roles.set_menus(role_id, wanted, actor, self._clock.now())
            await uow.commit()

    async def set_labels(self, actor: int, role_id: int, label_ids: Iterable[int]) -> None:
        """Labels added to a role must be labels the actor holds; the admin role is an admin's."""
        wanted = frozenset(label_ids)
        async with self._uow() as uow:
            role = require(await uow.roles.get(role_id, lock=True), "role")
            if missing := wanted - await uow.labels.existing_ids(wanted):
                raise InvalidInput(
                    f"no such labels: {sorted(missing)}", "label_not_found", "label_ids"
                )
            guard = await PrivilegeGuard.of(uow, actor)
            if role.is_admin:
                guard.require_admin()
            added = wanted - await uow.roles.label_ids(role_id)
            if added:
                names = {lb.id: lb.label for lb in await uow.labels.all()}
                guard.require_may_grant(labels=(names[i] for i in added))
            await uow.roles.set_labels(role_id, wanted, actor, self._clock.now())
            await uow.commit()
        await self._access.forget_table()


class MenuService:
    """Administration of the menu tree (directories, menus and buttons)."""

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def tree(self) -> list[MenuNode]:
        async with self._uow() as uow:
            return build_tree(await uow.menus.all())

    async def get(self, menu_id: int) -> Menu:
        async with self._uow() as uow:
            return require(await uow.menus.get(menu_id), "menu")

    async def create(self, actor: int, cmd: CreateMenu) -> int:
        async with self._uow() as uow:
            if await uow.menus.get_by_name(cmd.name) is not None:
                raise Conflict("this menu name is taken", "menu_exists")
            menu = Menu(
                name=cmd.name,
                title=cmd.title,
                type=cmd.type,
                parent_id=cmd.parent_id,
                title_en=cmd.title_en,
                path=cmd.path,
                component=cmd.component,
                icon=cmd.icon,
                sort=cmd.sort,
                hidden=cmd.hidden,
                status=cmd.status,
                perm=cmd.perm,
            )
            menu.check_parent(await _parent(uow, menu.parent_id))
            menu.stamp_created(actor, self._clock.now())
            await uow.menus.add(menu)
            await uow.commit()
            assert menu.id is not None
            return menu.id

    async def update(self, actor: int, menu_id: int, cmd: UpdateMenu) -> None:
        """Names stay unique; a menu hangs where its type allows, never under its descendant."""
        async with self._uow() as uow:
            menu = require(await uow.menus.get(menu_id, lock=True), "menu")
            name = given(cmd.name, menu.name)
            if name != menu.name and await uow.menus.get_by_name(name) is not None:
                raise Conflict("this menu name is taken", "menu_exists")
            menu.change(
                name=cmd.name,
                title=cmd.title,
                type=cmd.type,
                parent_id=cmd.parent_id,
                title_en=cmd.title_en,
                path=cmd.path,
                component=cmd.component,
                icon=cmd.icon,
                sort=cmd.sort,
                hidden=cmd.hidden,
                status=cmd.status,
                perm=cmd.perm,
            )
            menu.check_parent(await _parent(uow, menu.parent_id))
            if _creates_cycle(await uow.menus.all(), menu):
                raise InvalidInput(
                    "a menu cannot hang under its own descendant",
                    "menu_parent_invalid",
                    "parent_id",
                )
            menu.stamp_modified(actor, self._clock.now())
            await uow.commit()

    async def delete(self, actor: int, menu_id: int) -> None:
        """A menu with children cannot be deleted; delete or move them first."""
        now = self._clock.now()
        async with self._uow() as uow:
            menu = require(await uow.menus.get(menu_id, lock=True), "menu")
            if any(m.parent_id == menu_id for m in await uow.menus.all()):
                raise Conflict("this menu still has children", "menu_has_children")
            await uow.menus.unlink_all(menu_id, actor, now)
            menu.soft_delete(actor, now)
            await uow.commit()


class LabelService:
    """Administration of permission labels."""

    def __init__(self, uow: UowFactory, access: AccessService, clock: Clock) -> None:
        self._uow = uow
        self._access = access
        self._clock = clock

    async def search(self, flt: LabelFilter, page: PageRequest) -> Page[PermLabel]:
        async with self._uow() as uow:
            return await uow.labels.search(flt, page)

    async def get(self, label_id: int) -> PermLabel:
        async with self._uow() as uow:
            return require(await uow.labels.get(label_id), "permission label")

    async def create(self, actor: int, cmd: CreateLabel) -> int:
        check_label(cmd.label)
        async with self._uow() as uow:
            if await uow.labels.get_by_label(cmd.label) is not None:
                raise Conflict("this permission label exists", "label_exists")
            label = PermLabel(label=cmd.label, name=cmd.name, status=cmd.status, remark=cmd.remark)
            label.stamp_created(actor, self._clock.now())
            await uow.labels.add(label)
            await uow.commit()
            assert label.id is not None
        await self._access.forget_table()
        return label.id

    async def update(self, actor: int, label_id: int, cmd: UpdateLabel) -> None:
        """Renaming or enabling a label grants its roles something new: an admin's call."""
        async with self._uow() as uow:
            label = require(await uow.labels.get(label_id, lock=True), "permission label")
            new = given(cmd.label, label.label)
            status = given(cmd.status, label.status)
            renamed = new != label.label
            enabled = label.status != ENABLED and status == ENABLED
            if renamed or enabled:
                # Every role linked to the label would gain what the new name or state grants.
                (await PrivilegeGuard.of(uow, actor)).require_admin()
            if renamed:
                check_label(new)
                if await uow.labels.get_by_label(new) is not None:
                    raise Conflict("this permission label exists", "label_exists")
                label.relabel(new)
            label.set_status(status)
            label.change(name=cmd.name, remark=cmd.remark)
            label.stamp_modified(actor, self._clock.now())
            await uow.commit()
        await self._access.forget_table()

    async def delete(self, actor: int, label_id: int) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            label = require(await uow.labels.get(label_id, lock=True), "permission label")
            await uow.labels.unlink_all(label_id, actor, now)
            label.soft_delete(actor, now)
            await uow.commit()
        await self._access.forget_table()


async def _check_email_free(uow: RbacUnitOfWork, email: str | None, owner_id: int | None) -> None:
    if email:
        holder = await uow.users.get_by_email(email)
        if holder is not None and holder.id != owner_id:
            raise Conflict("this e-mail address is taken", "email_exists")


def _view(user: User, links: UserLinks | None) -> UserView:
    if links is None:
        return UserView(user, [], None, [])
    return UserView(user, sorted(links.roles, key=lambda r: r.sort), links.dept_name, links.posts)


async def _change_org(
    uow: RbacUnitOfWork,
    user: User,
    cmd: UpdateUser,
    actor: int,
    now: datetime,
    scope: RowScope = EVERY_ROW,
) -> None:
    """A new department must exist, be enabled and be in the caller's scope (keeping the
    current one is always allowed, so an edit of other fields never fails on a department
    disabled since); posts must exist."""
    if cmd.dept_id is not UNSET and cmd.dept_id != user.dept_id:
        if cmd.dept_id is not None:
            await usable_dept(uow, cmd.dept_id, scope=None if scope.everything else scope)
            # A holder of a `dept` scope moved here sees this department's rows from now on.
            assert user.id is not None
            guard = await PrivilegeGuard.of(uow, actor)
            roles = await uow.users.role_ids(user.id)
            view = await guard.scope_in(user.id, cmd.dept_id, roles)
            await guard.require_may_scope(actor, [view])
        user.move_to(cmd.dept_id)
    if cmd.post_ids is not UNSET:
        assert user.id is not None
        await uow.users.set_posts(user.id, await existing_posts(uow, cmd.post_ids), actor, now)


async def _holders_views(uow: RbacUnitOfWork, role_id: int, scope: RoleScope) -> list[RowScope]:
    """What `scope` lets the role's holders see: for `all` and `custom` the same for everyone,
    for `dept` and `dept_and_below` one view per current holder's department."""
    if scope.scope in (DataScope.DEPT, DataScope.DEPT_AND_BELOW):
        depts = set(await uow.users.holders_depts(role_id))
        return [resolve(0, False, d, (scope,)) for d in depts]
    return [resolve(0, False, None, (scope,))]


async def _existing_roles(uow: RbacUnitOfWork, role_ids: Iterable[int]) -> frozenset[int]:
    wanted = frozenset(role_ids)
    found = frozenset(r.id for r in await uow.roles.get_many(wanted) if r.id is not None)
    if missing := wanted - found:
        raise InvalidInput(f"no such roles: {sorted(missing)}", "role_not_found", "role_ids")
    return wanted


async def _parent(uow: RbacUnitOfWork, parent_id: int | None) -> Menu | None:
    if parent_id is None or parent_id == 0:
        return None
    parent = await uow.menus.get(parent_id)
    if parent is None:
        # A bad value in the body, like an unknown role id: 422 naming the field, not a 404
        # (the menu the request is about may well exist).
        raise InvalidInput("no such parent menu", "parent_menu_not_found", "parent_id")
    return parent


def _creates_cycle(menus: list[Menu], menu: Menu) -> bool:
    by_id = {m.id: m for m in menus}
    seen: set[int | None] = set()
    current = menu.parent_id
    while current is not None and current not in seen:
        if current == menu.id:
            return True
        seen.add(current)
        parent = by_id.get(current)
        current = parent.parent_id if parent is not None else None
    return False


__all__ = [
    "AccessService",
    "AuthPolicy",
    "AuthService",
    "LabelService",
    "MenuNode",
    "MenuService",
    "MenuType",
    "Profile",
    "ProfileService",
    "RoleService",
    "Routers",
    "UserService",
    "UserView",
    "build_tree",
]


class TwoFactorService:
    """A signed-in user's own second factor, and an administrator's reset of someone's.

    Turning it on or off, or a reset, ends every session of the user but the caller's own.
    """

    def __init__(
        self,
        factor: SecondFactor,
        hasher: PasswordHasher,
        tokens: TokenStore,
        counter: RateCounter,
        policy: AuthPolicy,
    ) -> None:
        self._factor = factor
        self._tokens = tokens
        self._policy = policy
        self._reauth = Reauthentication(
            hasher, counter, tokens, policy.max_failed_logins, policy.failed_login_window_seconds
        )

    async def status(self, principal: Principal) -> tuple[bool, int]:
        return await self._factor.status(principal.user_id)

    async def setup(self, principal: Principal) -> TotpSetup:
        return await self._factor.setup(principal.user_id, principal.username)

    async def enable(self, principal: Principal, code: str) -> list[str]:
        codes = await self._factor.enable(principal.user_id, code)
        await self._end_other_sessions(principal.user_id, principal)
        return codes

    async def disable(self, principal: Principal, password: str, code: str) -> None:
        """The current password and a code (TOTP or recovery) turn the second factor off."""
        if not await self._factor.enabled(principal.user_id):
            raise Conflict("two-factor sign-in is not on", "mfa_not_enabled")
        async with self._factor.uow() as uow:
            user = require(await uow.users.get(principal.user_id), "user")
        if not await self._reauth.verify(user, password):
            raise BadRequest("the password is wrong", "password_wrong")
        await self._factor.use_code(principal.user_id, code)
        async with self._factor.uow() as uow:
            await self._factor.remove(uow, principal.user_id, principal.user_id)
            await uow.commit()
        await self._end_other_sessions(principal.user_id, principal)

    async def reset(self, actor: Principal, user_id: int, scope: RowScope = EVERY_ROW) -> None:
        """An administrator turns off a user's second factor (a lost device): the privilege
        guard and the data scope of the user routes apply; 409 when it is not on."""
        async with self._factor.uow() as uow:
            require(await uow.users.get(user_id, lock=True, scope=scope), "user")
            guard = await PrivilegeGuard.of(uow, actor.user_id)
            await guard.require_may_manage(user_id)
            if not await self._factor.remove(uow, user_id, actor.user_id):
                raise Conflict("two-factor sign-in is not on", "mfa_not_enabled")
            await uow.commit()
        await self._end_other_sessions(user_id, actor)

    async def _end_other_sessions(self, user_id: int, caller: Principal) -> None:
        # Every session of the user ends but the caller's own (when it is theirs).
        keep = caller.sid if caller.user_id == user_id else None
        await self._tokens.revoke_all(user_id, keep=keep)
