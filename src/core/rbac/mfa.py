"""Two-factor sign-in (TOTP, RFC 6238) and the login captcha: the checks sign-in relies on."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from core.rbac.model import (
    MFA_LOGIN,
    RECOVERY_CODES,
    Captcha,
    MfaChallenge,
    MfaClaims,
    RecoveryCode,
    TotpSetup,
    UserMfa,
    looks_like_totp,
    new_captcha_code,
    new_recovery_code,
    recovery_digest,
)
from core.rbac.ports import (
    CaptchaImages,
    MfaTokenCodec,
    MfaUnitOfWork,
    OneTimePasswords,
    RateCounter,
    SecretBox,
    ShortLivedValues,
    SignInPolicy,
)
from core.shared.clock import Clock
from core.shared.errors import BadRequest, Conflict, TooManyRequests, Unauthorized

MfaUowFactory = Callable[[], MfaUnitOfWork]

# Wrong second-factor codes: per mfa token (ends it) and per user (locks the second factor).
MFA_FAIL_TOKEN = "mfa_fail:token:{}"  # noqa: S105 - a key pattern, not a secret
MFA_FAIL_USER = "mfa_fail:user:{}"
# An mfa token is spent by the first completion that claims its jti.
MFA_SPENT = "mfa_spent:{}"
PENDING_KEY = "mfa_pending:{}"
CAPTCHA_KEY = "captcha:{}"
CAPTCHAS_PER_IP = "captcha_issued:ip:{}"


@dataclass(frozen=True, kw_only=True)
class MfaPolicy:
    token_seconds: int = 5 * 60
    pending_seconds: int = 10 * 60
    token_attempts: int = 5
    user_attempts: int = 10
    user_window_seconds: int = 15 * 60


def _token_invalid() -> Unauthorized:
    return Unauthorized("the sign-in step is not valid; sign in again", "mfa_token_invalid")


def _code_invalid() -> BadRequest:
    return BadRequest("the code is wrong or was used already", "mfa_code_invalid")


class SecondFactor:
    """TOTP and recovery codes of a user, the pending secret of a setup, and the mfa tokens.

    A TOTP code is good once (the last step used is stored, and a code of that step or an
    earlier one is refused); a recovery code is good once. Wrong codes count per mfa token
    (`token_attempts` end it) and per user (`user_attempts` in the window lock the second
    factor until the window ends, on every route that takes a code).
    """

    def __init__(
        self,
        uow: MfaUowFactory,
        otp: OneTimePasswords,
        box: SecretBox,
        codec: MfaTokenCodec,
        values: ShortLivedValues,
        counter: RateCounter,
        clock: Clock,
        policy: MfaPolicy,
    ) -> None:
        self._uow = uow
        self._otp = otp
        self._box = box
        self._codec = codec
        self._values = values
        self._counter = counter
        self._clock = clock
        self._policy = policy

    async def enabled(self, user_id: int) -> bool:
        async with self._uow() as uow:
            mfa = await uow.mfa.get(user_id)
        return mfa is not None and mfa.enabled

    async def status(self, user_id: int) -> tuple[bool, int]:
        """Whether 2FA is on, and how many recovery codes are left unused."""
        async with self._uow() as uow:
            mfa = await uow.mfa.get(user_id)
            if mfa is None or not mfa.enabled:
                return False, 0
            return True, await uow.recovery_codes.unused_count(user_id)

    # --- mfa tokens -----------------------------------------------------------------

    def challenge(self, user_id: int, purpose: str, remember: bool) -> MfaChallenge:
        ttl = self._policy.token_seconds
        claims = MfaClaims(
            user_id,
            secrets.token_hex(16),
            purpose,
            self._clock.now() + timedelta(seconds=ttl),
            remember,
        )
        return MfaChallenge(self._codec.encode(claims), ttl, enrol=purpose != MFA_LOGIN)

    async def open_token(self, token: str, purpose: str) -> MfaClaims:
        """The claims of a live mfa token of this purpose, not yet spent or worn out."""
        claims = self._codec.decode(token)
        if claims.purpose != purpose or claims.expires_at <= self._clock.now():
            raise _token_invalid()
        spent, _ = await self._counter.count(MFA_SPENT.format(claims.jti))
        wrong, _ = await self._counter.count(MFA_FAIL_TOKEN.format(claims.jti))
        if spent or wrong >= self._policy.token_attempts:
            raise _token_invalid()
        return claims

    async def spend_token(self, claims: MfaClaims) -> None:
        """Only the first completion of a token goes on; a concurrent second one is refused."""
        if await self._counter.hit(MFA_SPENT.format(claims.jti), self._policy.token_seconds) > 1:
            raise _token_invalid()

    # --- codes ------------------------------------------------------------------------

    async def refuse_locked(self, user_id: int) -> None:
        failures, retry_after = await self._counter.count(MFA_FAIL_USER.format(user_id))
        if failures >= self._policy.user_attempts:
            raise TooManyRequests(
                "too many wrong codes, try again later",
                retry_after or self._policy.user_window_seconds,
                "mfa_throttled",
            )

    async def wrong_code(self, user_id: int, claims: MfaClaims | None = None) -> NoReturn:
        """Counts a wrong code; 429 when it locks the user or ends the token, else 400."""
        policy = self._policy
        user_key = MFA_FAIL_USER.format(user_id)
        if await self._counter.hit(user_key, policy.user_window_seconds) >= policy.user_attempts:
            _, left = await self._counter.count(user_key)
            raise TooManyRequests(
                "too many wrong codes, try again later",
                left or policy.user_window_seconds,
                "mfa_throttled",
            )
        if claims is not None:
            key = MFA_FAIL_TOKEN.format(claims.jti)
            if await self._counter.hit(key, policy.token_seconds) >= policy.token_attempts:
                # The token is worn out: signing in again (at once) gives a new one.
                raise TooManyRequests("too many wrong codes; sign in again", 1, "mfa_throttled")
        raise _code_invalid()

    async def use_code(self, user_id: int, code: str, claims: MfaClaims | None = None) -> None:
        """A TOTP code of a step after the last one used, or an unused recovery code."""
        await self.refuse_locked(user_id)
        now = self._clock.now()
        async with self._uow() as uow:
            mfa = await uow.mfa.get(user_id, lock=True)
            if mfa is None or not mfa.enabled:
                raise Conflict("two-factor sign-in is not on", "mfa_not_enabled")
            if looks_like_totp(code):
                step = self._otp.matching_step(self._box.open(mfa.secret), code.strip(), now)
                good = step is not None and mfa.accept_step(step)
            else:
                found = await uow.recovery_codes.find(user_id, recovery_digest(code), lock=True)
                good = found is not None and not found.used
                if found is not None and good:
                    found.used_time = now
                    found.stamp_modified(user_id, now)
            if good:
                mfa.stamp_modified(user_id, now)
                await uow.commit()
        if not good:
            await self.wrong_code(user_id, claims)

    # --- setup, enable, reset -----------------------------------------------------------

    async def setup(self, user_id: int, account: str) -> TotpSetup:
        """A new pending secret (replacing any earlier one), kept `pending_seconds`."""
        async with self._uow() as uow:
            mfa = await uow.mfa.get(user_id)
        if mfa is not None and mfa.enabled:
            raise Conflict("two-factor sign-in is on already", "mfa_already_enabled")
        secret = self._otp.new_secret()
        await self._values.put(
            PENDING_KEY.format(user_id), self._box.seal(secret), self._policy.pending_seconds
        )
        return self._otp.provisioning(secret, account)

    async def enable(self, user_id: int, code: str, claims: MfaClaims | None = None) -> list[str]:
        """The pending secret becomes the user's with a right code; answers 10 recovery codes."""
        await self.refuse_locked(user_id)
        key = PENDING_KEY.format(user_id)
        pending = await self._values.get(key)
        if await self.enabled(user_id):
            raise Conflict("two-factor sign-in is on already", "mfa_already_enabled")
        if pending is None:
            raise Conflict("set up two-factor sign-in first", "mfa_not_set_up")
        secret = self._box.open(pending)
        now = self._clock.now()
        step = self._otp.matching_step(secret, code.strip(), now) if looks_like_totp(code) else None
        if step is None:
            await self.wrong_code(user_id, claims)
        if await self._values.take(key) != pending:  # a concurrent enable or a newer setup won
            raise Conflict("set up two-factor sign-in first", "mfa_not_set_up")
        codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
        async with self._uow() as uow:
            # The user's row serialises enables, so one live second factor per user.
            await uow.users.get(user_id, lock=True)
            existing = await uow.mfa.get(user_id, lock=True)
            if existing is not None and existing.enabled:
                raise Conflict("two-factor sign-in is on already", "mfa_already_enabled")
            if existing is not None:
                existing.soft_delete(user_id, now)
            mfa = UserMfa(
                user_id=user_id,
                secret=self._box.seal(secret),
                enabled=True,
                last_step=step,
                enabled_time=now,
            )
            mfa.stamp_created(user_id, now)
            await uow.mfa.add(mfa)
            await self._replace_codes(uow, user_id, codes, user_id)
            await uow.commit()
        return codes

    async def remove(self, uow: MfaUnitOfWork, user_id: int, actor: int) -> bool:
        """Turns the user's second factor off in the caller's unit of work; False if it was off."""
        now = self._clock.now()
        mfa = await uow.mfa.get(user_id, lock=True)
        if mfa is None:
            return False
        mfa.soft_delete(actor, now)
        await uow.recovery_codes.drop_all(user_id, actor, now)
        return bool(mfa.enabled)

    async def _replace_codes(
        self, uow: MfaUnitOfWork, user_id: int, codes: list[str], actor: int
    ) -> None:
        now = self._clock.now()
        await uow.recovery_codes.drop_all(user_id, actor, now)
        for code in codes:
            row = RecoveryCode(user_id=user_id, code_hash=recovery_digest(code))
            row.stamp_created(actor, now)
            await uow.recovery_codes.add(row)

    @property
    def uow(self) -> MfaUowFactory:
        return self._uow


class CaptchaService:
    """Login captchas: each good once (checked or not, a presented id is spent) and briefly."""

    def __init__(
        self,
        images: CaptchaImages,
        values: ShortLivedValues,
        policy: SignInPolicy,
        counter: RateCounter,
        ttl_seconds: int = 120,
        per_ip_per_minute: int = 30,
    ) -> None:
        self._images = images
        self._values = values
        self._policy = policy
        self._counter = counter
        self._ttl = ttl_seconds
        self._per_ip = per_ip_per_minute

    async def issue(self, ip: str) -> Captcha:
        """A new captcha; a client asking for more than `per_ip_per_minute` a minute waits."""
        key = CAPTCHAS_PER_IP.format(ip)
        if await self._counter.hit(key, 60) > self._per_ip:
            _, left = await self._counter.count(key)
            raise TooManyRequests("too many captchas, try again later", left or 60, "rate_limited")
        code = new_captcha_code()
        captcha_id = secrets.token_hex(16)
        await self._values.put(CAPTCHA_KEY.format(captcha_id), code, self._ttl)
        png = await self._images.render(code)
        return Captcha(captcha_id, png, await self._policy.captcha_enabled())

    async def passes(self, captcha_id: str | None, code: str | None) -> bool:
        """The code of a live captcha, in any case; the id is spent whatever the answer."""
        if not captcha_id or len(captcha_id) > 64:
            return False
        stored = await self._values.take(CAPTCHA_KEY.format(captcha_id))
        if stored is None or not code:
            return False
        return hmac.compare_digest(stored.upper().encode(), code.strip().upper().encode())

    async def required(self) -> bool:
        return await self._policy.captcha_enabled()
