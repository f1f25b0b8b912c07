"""Request dependencies: the container, and the caller with the labels a route needs.

Labels are OAuth2 scopes of the route (`Security(..., scopes=labels)`), so the
OpenAPI document lists what each operation needs and Swagger shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from core.rbac.model import Principal
from core.shared.errors import Unauthorized

if TYPE_CHECKING:
    from bootstrap import Container

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/user/login", auto_error=False)


def container_of(request: Request) -> Container:
    # Taken from the app, not from global wiring, so two apps can live in one process.
    return request.app.state.container  # type: ignore[no-any-return]


async def authorized(
    request: Request, scopes: SecurityScopes, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    """Authenticates the caller and checks the route's labels on the event loop.

    The token record is one awaited Redis look-up and the roles and labels come from memory,
    so a request costs no thread-pool hop before its handler (and none at all for handlers
    that answer from memory too).
    """
    if not token:
        raise Unauthorized("authentication required", "not_authenticated")
    auth = container_of(request).auth()
    principal = await auth.authenticate_async(token)
    request.state.principal = principal
    await auth.authorize_async(principal, tuple(scopes.scopes))
    return principal


def require(*labels: str) -> Any:
    """The guard of a route that needs one of `labels` (any of them)."""
    return Security(authorized, scopes=list(labels))


Caller = Annotated[Principal, Security(authorized)]
