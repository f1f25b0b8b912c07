"""Request dependencies: the container, and the caller with the labels a route needs.

Labels are OAuth2 scopes of the route (`Security(..., scopes=labels)`), so the
OpenAPI document lists what each operation needs and Swagger shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Request, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from core.rbac.model import Principal
from core.shared.errors import Unauthorized

if TYPE_CHECKING:
    from bootstrap import Container


def container_of(request: Request) -> Container:
    # Taken from the app, not from global wiring, so two apps can live in one process.
    return request.app.state.container  # type: ignore[no-any-return]


class BearerAuth(OAuth2PasswordBearer):
    """The bearer-token scheme of the OpenAPI document, and the check of the caller itself.

    One dependency rather than a check that depends on the scheme: FastAPI solves each level
    of a dependency tree per request, and this one runs on every authenticated request.
    """

    async def __call__(  # type: ignore[override]
        self, request: Request, scopes: SecurityScopes
    ) -> Principal:
        """Authenticates the caller and checks the route's labels on the event loop.

        The token record is one awaited Redis look-up and the roles and labels come from
        memory, so a request costs no thread-pool hop before its handler (and none at all for
        handlers that answer from memory too).
        """
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("authentication required", "not_authenticated")
        auth = container_of(request).auth()
        principal = await auth.authenticate_async(token.strip())
        request.state.principal = principal
        await auth.authorize_async(principal, tuple(scopes.scopes))
        return principal


# Named as the plain scheme was, so the OpenAPI document (and its clients) see no change.
authorized = BearerAuth(tokenUrl="/api/v1/user/login", scheme_name="OAuth2PasswordBearer")


def require(*labels: str) -> Any:
    """The guard of a route that needs one of `labels` (any of them)."""
    return Security(authorized, scopes=list(labels))


Caller = Annotated[Principal, Security(authorized)]
