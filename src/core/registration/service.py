"""Use cases of the registration module: sign-up confirmed by e-mail, and password recovery."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from core.config.ports import ValueRule
from core.rbac.model import User, check_password_policy, check_username
from core.rbac.ports import PasswordHasher, RateCounter, RbacUnitOfWork, TokenStore
from core.rbac.service import (
    LOGIN_FAIL_ACCOUNT,
    LOGIN_FAIL_ACCOUNT_IP,
    AccessService,
    PrivilegeGuard,
    Reauthentication,
)
from core.registration import mails
from core.registration.model import (
    EMAIL_NOTICE,
    AvailabilityField,
    EmailChange,
    LinkKind,
    NewAccount,
    PasswordReset,
    PendingRegistration,
    Signup,
    check_email,
    deadline,
    email_key,
    fingerprint,
    new_token,
    open_ticket,
    same_address,
    token_digest,
    well_formed,
)
from core.registration.ports import RegistrationPolicy, VerificationTokens
from core.shared.clock import Clock
from core.shared.entity import require
from core.shared.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
)
from core.shared.mail import Mailer

UowFactory = Callable[[], RbacUnitOfWork]

# How long the store remembers a link past its deadline, so a used or expired link is told
# apart from a forged one (token_used / token_expired rather than token_invalid).
GRACE_SECONDS = 24 * 3600


@dataclass(frozen=True, kw_only=True)
class RegistrationConfig:
    frontend_url: str = "http://127.0.0.1:8888"
    link_ttl_seconds: int = 30 * 60
    window_seconds: int = 3600
    requests_per_ip: int = 20
    requests_per_email: int = 5
    checks_per_ip: int = 120
    # Wrong current passwords a signed-in user may give (e-mail change) per window.
    password_attempts: int = 5
    password_window_seconds: int = 15 * 60


class _Throttle:
    """Fixed-window limits per client IP and per e-mail address, shared by every instance."""

    def __init__(self, counter: RateCounter, config: RegistrationConfig) -> None:
        self._counter = counter
        self._config = config

    async def admit(self, action: str, ip: str, email: str | None = None) -> None:
        """Counts one request; past a limit it is refused until that window ends."""
        c = self._config
        per_ip = c.checks_per_ip if action == "availability" else c.requests_per_ip
        limits = [(f"{action}:ip:{ip}", per_ip)]
        if email is not None:
            limits.append((f"{action}:email:{email_key(email)}", c.requests_per_email))
        for key, limit in limits:
            if await self._counter.hit(key, c.window_seconds) > limit:
                _, retry_after = await self._counter.count(key)
                raise TooManyRequests(
                    "too many requests, try again later",
                    retry_after or c.window_seconds,
                    "rate_limited",
                )


class _Links:
    """Issues and opens one-time links; the store sees only the digest of a token."""

    def __init__(
        self, tokens: VerificationTokens, clock: Clock, config: RegistrationConfig
    ) -> None:
        self._tokens = tokens
        self._clock = clock
        self._config = config

    async def issue(self, kind: LinkKind, payload: Mapping[str, str]) -> str:
        token = new_token()
        ttl = self._config.link_ttl_seconds + GRACE_SECONDS
        await self._tokens.put(kind, token_digest(token), payload, ttl)
        return token

    def url(self, page: str, token: str) -> str:
        return f"{self._config.frontend_url.rstrip('/')}/{page}/{token}"

    async def open(self, kind: LinkKind, token: str) -> tuple[str, Mapping[str, str]]:
        """The digest and payload of a live link; BadRequest with the reason otherwise."""
        if not well_formed(token):
            raise BadRequest("this link is not valid", "token_invalid")
        digest = token_digest(token)
        return digest, open_ticket(await self._tokens.peek(kind, digest), self._clock.now())

    async def consume(self, kind: LinkKind, digest: str) -> Mapping[str, str]:
        payload = await self._tokens.consume(kind, digest)
        if payload is None:  # another request used it between our look and now
            raise BadRequest("this link has already been used", "token_used")
        return payload

    async def restore(self, kind: LinkKind, digest: str, payload: Mapping[str, str]) -> None:
        """Gives a consumed link back when its use failed, so the user can try again."""
        # When the store is down the link is lost, and the user asks for a new one.
        with contextlib.suppress(ServiceUnavailable):
            await self._tokens.put(
                kind, digest, payload, self._config.link_ttl_seconds + GRACE_SECONDS
            )

    @property
    def minutes(self) -> str:
        return str(max(1, self._config.link_ttl_seconds // 60))


class RegistrationService:
    """Sign-up by e-mail: nothing is created until the mailed single-use link is opened."""

    def __init__(
        self,
        uow: UowFactory,
        hasher: PasswordHasher,
        tokens: VerificationTokens,
        counter: RateCounter,
        mailer: Mailer,
        policy: RegistrationPolicy,
        access: AccessService,
        clock: Clock,
        config: RegistrationConfig,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._mailer = mailer
        self._policy = policy
        self._access = access
        self._clock = clock
        self._config = config
        self._throttle = _Throttle(counter, config)
        self._links = _Links(tokens, clock, config)

    async def availability(self, field: str, value: str, ip: str) -> bool:
        """Whether no live account holds this username or e-mail address (pending sign-ups don't)."""
        if field not in tuple(AvailabilityField):
            raise NotFound(
                "availability is checked for username and email only", "field_not_checkable"
            )
        await self._throttle.admit("availability", ip)
        value = value.strip()
        by_name = field == AvailabilityField.USERNAME
        if by_name:
            value = check_username(value)
        else:
            check_email(value)
        async with self._uow() as uow:
            holder = (
                await uow.users.get_by_username(value)
                if by_name
                else await uow.users.get_by_email(value)
            )
        return holder is None

    async def register(self, signup: Signup, ip: str, lang: str) -> int:
        """Stores the sign-up with its password already hashed and mails the link; its lifetime in seconds.

        Registering again with the same data mails a new link; the first one confirmed wins.
        """
        await self._require_open()
        signup = signup.check()
        await self._throttle.admit("register", ip, signup.email)
        async with self._uow() as uow:
            await _check_free(uow, signup.username, signup.email)
        now = self._clock.now()
        pending = PendingRegistration(
            username=signup.username,
            email=signup.email,
            nickname=signup.nickname or signup.username,
            password_hash=await self._hasher.hash(signup.password),
            expires_at=deadline(now, self._config.link_ttl_seconds),
        )
        # Stored before sending: when the mail fails (503) a link that did get out still works.
        token = await self._links.issue(LinkKind.REGISTER, pending.to_payload())
        values = {
            "name": pending.nickname,
            "username": pending.username,
            "link": self._links.url("register", token),
            "minutes": self._links.minutes,
        }
        await self._mailer.send(mails.compose(LinkKind.REGISTER, lang, pending.email, values))
        return self._config.link_ttl_seconds

    async def pending(self, token: str) -> PendingRegistration:
        """What a live registration link would create, for the confirmation page."""
        await self._require_open()
        _, payload = await self._links.open(LinkKind.REGISTER, token)
        return PendingRegistration.from_payload(payload)

    async def confirm(self, token: str) -> NewAccount:
        """Creates the account with its default role in one transaction; the link then is used."""
        await self._require_open()
        digest, payload = await self._links.open(LinkKind.REGISTER, token)
        pending = PendingRegistration.from_payload(payload)
        role_code = await self._policy.default_role()
        consumed: Mapping[str, str] | None = None
        try:
            async with self._uow() as uow:
                await _check_free(uow, pending.username, pending.email)
                role_ids = await _default_roles(uow, role_code)
                consumed = await self._links.consume(LinkKind.REGISTER, digest)
                now = self._clock.now()
                user = User(
                    username=pending.username,
                    password_hash=pending.password_hash,
                    nickname=pending.nickname,
                    email=pending.email,
                )
                user.stamp_created(None, now)
                await uow.users.add(user)
                assert user.id is not None
                await uow.users.set_roles(user.id, role_ids, None, now)
                await uow.commit()
        except Exception:
            if consumed is not None:
                await self._links.restore(LinkKind.REGISTER, digest, consumed)
            raise
        await self._access.forget_users(user.id)
        return NewAccount(user.id, user.username)

    async def _require_open(self) -> None:
        if not await self._policy.is_open():
            raise Forbidden("registration is closed", "registration_closed")


class PasswordRecoveryService:
    """Password recovery by a mailed single-use link; the answer never tells who has an account."""

    def __init__(
        self,
        uow: UowFactory,
        hasher: PasswordHasher,
        tokens: VerificationTokens,
        counter: RateCounter,
        mailer: Mailer,
        login_tokens: TokenStore,
        clock: Clock,
        config: RegistrationConfig,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._counter = counter
        self._mailer = mailer
        self._login_tokens = login_tokens
        self._clock = clock
        self._throttle = _Throttle(counter, config)
        self._links = _Links(tokens, clock, config)
        self._config = config

    async def request_reset(self, email: str, ip: str, lang: str) -> Callable[[], Awaitable[None]]:
        """Admits the request (or raises 429) and returns the work to do after answering.

        The caller answers first and runs the work afterwards, so neither the answer nor its
        timing depends on whether the address belongs to an account.
        """
        email = email.strip()
        check_email(email)
        await self._throttle.admit("reset", ip, email)
        return lambda: self._mail_reset_link(email, lang)

    async def _mail_reset_link(self, email: str, lang: str) -> None:
        async with self._uow() as uow:
            user = await uow.users.get_by_email(email)
        if user is None or user.id is None or not user.active or not user.email:
            return
        now = self._clock.now()
        reset = PasswordReset(
            user_id=user.id,
            fingerprint=fingerprint(user.password_hash),
            expires_at=deadline(now, self._config.link_ttl_seconds),
        )
        token = await self._links.issue(LinkKind.RESET, reset.to_payload())
        values = {
            "name": user.nickname or user.username,
            "username": user.username,
            "link": self._links.url("reset-password", token),
            "minutes": self._links.minutes,
        }
        try:
            await self._mailer.send(mails.compose(LinkKind.RESET, lang, user.email, values))
        except ServiceUnavailable:
            # The mailer has logged it; telling the caller would tell who has an account.
            return

    async def reset(self, token: str, new_password: str, ip: str = "") -> None:
        """Sets the new password (policy applies) and signs the user out everywhere.

        A reset link dies when used, when it expires, and when the password changes by any
        other way after it was mailed.
        """
        digest, payload = await self._links.open(LinkKind.RESET, token)
        reset = PasswordReset.from_payload(payload)
        consumed: Mapping[str, str] | None = None
        try:
            async with self._uow() as uow:
                user = await uow.users.get(reset.user_id)
                if (
                    user is None
                    or not user.active
                    or fingerprint(user.password_hash) != reset.fingerprint
                ):
                    raise BadRequest("this link is not valid", "token_invalid")
                # Checked before the link is used, so a refused password leaves it usable.
                check_password_policy(new_password, username=user.username)
                consumed = await self._links.consume(LinkKind.RESET, digest)
                user.password_hash = await self._hasher.hash(new_password)
                user.stamp_modified(user.id, self._clock.now())
                await uow.commit()
        except Exception:
            if consumed is not None:
                await self._links.restore(LinkKind.RESET, digest, consumed)
            raise
        await self._login_tokens.revoke_all(reset.user_id)
        # Whoever locked the account by failed logins may sign in with the new password at once.
        await self._counter.reset(LOGIN_FAIL_ACCOUNT.format(reset.user_id))
        await self._counter.reset(LOGIN_FAIL_ACCOUNT_IP.format(reset.user_id, ip))


class DefaultRoleRule(ValueRule):
    """The sign-up role parameter names a live, non-admin role exactly ("" for none).

    Whoever sets it grants that role to every future sign-up, so they must be able to
    grant it themself: the same rule as assigning roles to a user.
    """

    def __init__(self, uow: Callable[[], RbacUnitOfWork]) -> None:
        self._uow = uow

    async def check(self, actor: int | None, value: str) -> None:
        code = value.strip()
        if not code:
            return
        async with self._uow() as uow:
            role = await uow.roles.get_by_code(code)
            if role is None or role.id is None or role.code != code or not role.live:
                raise InvalidInput(
                    "the sign-up role must be the exact code of an enabled role",
                    "default_role_invalid",
                    "value",
                )
            if role.is_admin:
                raise InvalidInput(
                    "sign-ups never get the admin role", "default_role_invalid", "value"
                )
            if actor is not None:
                guard = await PrivilegeGuard.of(uow, actor)
                await guard.require_may_grant_roles((role.id,))
                # Nor a wider view of rows than the actor's own (sign-ups have no department).
                sign_up = await guard.scope_in(0, None, (role.id,))
                await guard.require_may_scope(actor, [sign_up])


class EmailChangeService:
    """A signed-in user changes their e-mail address: current password, then a link to the new one.

    A stolen session alone cannot move the account to an address the thief reads (and then
    take it over through password recovery): the request needs the current password, the
    change happens only when the link mailed to the new address is opened, and the old
    address is told at once, so its owner can change the password, which kills the link.
    """

    def __init__(
        self,
        uow: UowFactory,
        hasher: PasswordHasher,
        tokens: VerificationTokens,
        counter: RateCounter,
        mailer: Mailer,
        login_tokens: TokenStore,
        access: AccessService,
        clock: Clock,
        config: RegistrationConfig,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._counter = counter
        self._mailer = mailer
        self._login_tokens = login_tokens
        self._reauth = Reauthentication(
            hasher, counter, login_tokens, config.password_attempts, config.password_window_seconds
        )
        self._access = access
        self._clock = clock
        self._config = config
        self._throttle = _Throttle(counter, config)
        self._links = _Links(tokens, clock, config)

    async def request(
        self, user_id: int, new_email: str, current_password: str, ip: str, lang: str
    ) -> int:
        """Mails a link to the new address and a notice to the old one; the link's lifetime.

        Wrong passwords count per user: at the limit every session of the user is signed
        out (a thief guessing loses the stolen session; the owner signs in again) and the
        requests are refused (429) until the window ends.
        """
        email = new_email.strip()
        check_email(email)
        async with self._uow() as uow:
            user = require(await uow.users.get(user_id), "user")
        if not await self._reauth.verify(user, current_password):
            raise InvalidInput(
                "the current password is wrong", "current_password_wrong", "current_password"
            )
        if same_address(email, user.email):
            raise InvalidInput("this is already your e-mail address", "email_unchanged", "email")
        await self._throttle.admit("email_change", ip, email)
        async with self._uow() as uow:
            await _check_email_free(uow, email, user_id)
        change = EmailChange(
            user_id=user_id,
            username=user.username,
            old_email=user.email or "",
            new_email=email,
            fingerprint=fingerprint(user.password_hash),
            expires_at=deadline(self._clock.now(), self._config.link_ttl_seconds),
        )
        token = await self._links.issue(LinkKind.EMAIL, change.to_payload())
        values = {
            "name": user.nickname or user.username,
            "username": user.username,
            "old_email": change.old_email or "-",
            "new_email": email,
            "link": self._links.url("confirm-email", token),
            "minutes": self._links.minutes,
        }
        # The old address hears of it first: no link goes out that its owner was not told of.
        if change.old_email:
            notice = dict(values, link="")
            await self._mailer.send(mails.compose(EMAIL_NOTICE, lang, change.old_email, notice))
        await self._mailer.send(mails.compose(LinkKind.EMAIL, lang, email, values))
        return self._config.link_ttl_seconds

    async def pending(self, token: str) -> EmailChange:
        """What a live e-mail link would change, for the confirmation page."""
        _, payload = await self._links.open(LinkKind.EMAIL, token)
        return EmailChange.from_payload(payload)

    async def confirm(self, token: str) -> EmailChange:
        """The account takes the new address, if it is still free and the account unchanged."""
        digest, payload = await self._links.open(LinkKind.EMAIL, token)
        change = EmailChange.from_payload(payload)
        consumed: Mapping[str, str] | None = None
        try:
            async with self._uow() as uow:
                user = await uow.users.get(change.user_id, lock=True)
                if (
                    user is None
                    or not user.active
                    or not change.still_fits(user.email, user.password_hash)
                ):
                    raise BadRequest("this link is not valid", "token_invalid")
                await _check_email_free(uow, change.new_email, change.user_id)
                consumed = await self._links.consume(LinkKind.EMAIL, digest)
                user.email = change.new_email
                user.stamp_modified(user.id, self._clock.now())
                await uow.commit()
        except Exception:
            if consumed is not None:
                await self._links.restore(LinkKind.EMAIL, digest, consumed)
            raise
        await self._access.forget_users(change.user_id)
        return change


async def _check_email_free(uow: RbacUnitOfWork, email: str, owner_id: int) -> None:
    holder = await uow.users.get_by_email(email)
    if holder is not None and holder.id != owner_id:
        raise Conflict("this e-mail address is taken", "email_exists")


async def _check_free(uow: RbacUnitOfWork, username: str, email: str) -> None:
    if await uow.users.get_by_username(username) is not None:
        raise Conflict("this username is taken", "user_exists")
    if await uow.users.get_by_email(email) is not None:
        raise Conflict("this e-mail address is taken", "email_exists")


async def _default_roles(uow: RbacUnitOfWork, code: str) -> frozenset[int]:
    """The configured role, resolved exactly; it must be live and never the admin role.

    The parameter is checked when it is saved too (`check_default_role`); this is the
    last line, for a value that got in some other way (a restore, an edited database).
    """
    if not code:
        return frozenset()
    role = await uow.roles.get_by_code(code)
    if role is None or role.id is None or not role.live or role.code != code or role.is_admin:
        raise ServiceUnavailable(
            "registration is misconfigured: its default role does not exist",
            "registration_misconfigured",
        )
    return frozenset({role.id})


__all__ = [
    "DefaultRoleRule",
    "EmailChangeService",
    "PasswordRecoveryService",
    "RegistrationConfig",
    "RegistrationService",
]
