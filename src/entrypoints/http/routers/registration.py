"""Routes of self-registration, password recovery and e-mail change.

Registration and recovery are public (the caller has no account yet, or cannot sign in);
asking for an e-mail change needs a signed-in caller and the current password, and its link,
like the others, is opened by whoever reads the mail it was sent to.

Link errors are 400 with `code` token_invalid (unknown or forged), token_used (already used)
or token_expired (past its deadline).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from loguru import logger

from core.registration.model import Signup
from core.registration.service import (
    EmailChangeService,
    PasswordRecoveryService,
    RegistrationService,
)
from core.shared.errors import DomainError
from core.shared.language import negotiate_language
from entrypoints.http.deps import Caller, ClientAddress, provided
from entrypoints.http.messages import message
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import ErrorOut
from entrypoints.http.schemas.rbac import PasswordReset
from entrypoints.http.schemas.registration import (
    Accepted,
    AvailabilityIn,
    AvailabilityOut,
    EmailChangeAccepted,
    EmailChangeIn,
    EmailChangeOut,
    ForgetPasswordIn,
    PendingOut,
    RegisterAccepted,
    RegisteredOut,
    RegisterIn,
)

router = ApiRouter(prefix="/user", tags=["registration"])

LINK_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "token_invalid, token_used or token_expired"}
}


registration_service = provided(lambda c: c.registration())
recovery_service = provided(lambda c: c.recovery())
email_change_service = provided(lambda c: c.email_changes())

Registrations = Annotated[RegistrationService, Depends(registration_service)]
Recoveries = Annotated[PasswordRecoveryService, Depends(recovery_service)]
EmailChanges = Annotated[EmailChangeService, Depends(email_change_service)]


def _lang(request: Request) -> str:
    return negotiate_language(request.headers.get("accept-language"))


@router.post(
    "/check/{field}/availability",
    response_model=AvailabilityOut,
    summary="whether a username or e-mail address is free",
    responses={404: {"model": ErrorOut, "description": "field_not_checkable"}},
)
async def check_availability(
    field: str,
    body: AvailabilityIn,
    registrations: Registrations,
    ip: ClientAddress,
) -> AvailabilityOut:
    free = await registrations.availability(field, body.value, ip)
    return AvailabilityOut(available=free)


@router.post(
    "/register",
    response_model=RegisterAccepted,
    status_code=202,
    summary="register; a confirmation link is mailed",
    responses={
        403: {"model": ErrorOut, "description": "registration_closed"},
        409: {"model": ErrorOut, "description": "user_exists or email_exists"},
        429: {"model": ErrorOut, "description": "rate_limited (see Retry-After)"},
        503: {"model": ErrorOut, "description": "mail_unavailable"},
    },
)
async def register(
    request: Request, body: RegisterIn, registrations: Registrations, ip: ClientAddress
) -> RegisterAccepted:
    signup = Signup(**body.model_dump())
    ttl = await registrations.register(signup, ip, _lang(request))
    return RegisterAccepted(detail=message("register_accepted", _lang(request)), expires_in=ttl)


@router.get(
    "/register/{token}",
    response_model=PendingOut,
    summary="check a registration link",
    responses=LINK_ERRORS,
)
async def registration_link(token: str, registrations: Registrations) -> PendingOut:
    p = await registrations.pending(token)
    return PendingOut(
        username=p.username, email=p.email, nickname=p.nickname, expires_at=p.expires_at
    )


@router.put(
    "/register/{token}",
    response_model=RegisteredOut,
    status_code=201,
    summary="confirm a registration: the account is created",
    responses={**LINK_ERRORS, 409: {"model": ErrorOut, "description": "taken meanwhile"}},
)
async def confirm_registration(token: str, registrations: Registrations) -> RegisteredOut:
    account = await registrations.confirm(token)
    return RegisteredOut(id=account.user_id, username=account.username)


@router.post(
    "/forget-password",
    response_model=Accepted,
    status_code=202,
    summary="ask for a password reset link (same answer whether the address is known or not)",
    responses={429: {"model": ErrorOut, "description": "rate_limited (see Retry-After)"}},
)
async def forget_password(
    request: Request,
    body: ForgetPasswordIn,
    background: BackgroundTasks,
    recovery: Recoveries,
    ip: ClientAddress,
) -> Accepted:
    work = await recovery.request_reset(body.email, ip, _lang(request))
    # After the answer, so its timing does not tell whether the address has an account.
    background.add_task(_quietly, work)
    return Accepted(detail=message("reset_accepted", _lang(request)))


@router.put(
    "/forget-password/{token}",
    status_code=204,
    summary="set a new password with a reset link; signs the user out everywhere",
    responses=LINK_ERRORS,
)
async def reset_password(
    token: str, body: PasswordReset, recovery: Recoveries, ip: ClientAddress
) -> None:
    await recovery.reset(token, body.new_password, ip)


@router.post(
    "/email",
    response_model=EmailChangeAccepted,
    status_code=202,
    summary="ask to change my e-mail address; a link is mailed to the new one",
    responses={
        409: {"model": ErrorOut, "description": "email_exists"},
        422: {
            "model": ErrorOut,
            "description": "current_password_wrong, email_unchanged or validation_error",
        },
        429: {"model": ErrorOut, "description": "rate_limited (see Retry-After)"},
        503: {"model": ErrorOut, "description": "mail_unavailable"},
    },
)
async def request_email_change(
    request: Request,
    caller: Caller,
    body: EmailChangeIn,
    email_changes: EmailChanges,
    ip: ClientAddress,
) -> EmailChangeAccepted:
    ttl = await email_changes.request(
        caller.user_id, body.email, body.current_password, ip, _lang(request)
    )
    return EmailChangeAccepted(
        detail=message("email_change_accepted", _lang(request)), expires_in=ttl
    )


@router.get(
    "/email/{token}",
    response_model=EmailChangeOut,
    summary="check an e-mail change link",
    responses=LINK_ERRORS,
)
async def email_change_link(token: str, email_changes: EmailChanges) -> EmailChangeOut:
    change = await email_changes.pending(token)
    return EmailChangeOut(
        username=change.username, email=change.new_email, expires_at=change.expires_at
    )


@router.put(
    "/email/{token}",
    status_code=204,
    summary="confirm an e-mail change: the account takes the new address",
    responses={**LINK_ERRORS, 409: {"model": ErrorOut, "description": "email_exists meanwhile"}},
)
async def confirm_email_change(token: str, email_changes: EmailChanges) -> None:
    await email_changes.confirm(token)


async def _quietly(work: Callable[[], Awaitable[None]]) -> None:
    try:
        await work()
    except DomainError as exc:
        logger.warning("password reset mail not sent: {}", exc.code)
