"""Request dependencies: services from the container, and the caller with the labels a route needs.

Labels are OAuth2 scopes of the route (`Security(..., scopes=labels)`), so the
OpenAPI document lists what each operation needs and Swagger shows it.

A handler names the services it uses by typed aliases (`users: Users`), each resolved by
`provided(...)` from the container the app holds: no global wiring, so two apps live in one
process, and `app.dependency_overrides[dependency]` swaps one service in a test. A module's
aliases live beside its router; the ones every module shares live here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from core.rbac.model import Principal
from core.rbac.service import AuthService
from core.shared.errors import Unauthorized
from core.shared.scope import RowScope
from entrypoints.http.clientip import client_ip

if TYPE_CHECKING:
    from bootstrap import Container

T = TypeVar("T")


def container_of(request: Request) -> Container:
    # Taken from the app, not from global wiring, so two apps can live in one process.
    return request.app.state.container  # type: ignore[no-any-return]


def provided(pick: Callable[[Container], T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency answering `pick(container)` for the container of the request's app.

    Async, so resolving it costs no thread-pool hop; each call makes a new function, which
    is the key a test gives `app.dependency_overrides`.
    """

    async def dependency(request: Request) -> T:
        return pick(container_of(request))

    return dependency


async def client_address(request: Request) -> str:
    """The client's IP as the trusted proxies report it."""
    return client_ip(request.scope)


auth_service = provided(lambda c: c.auth())

Auth = Annotated[AuthService, Depends(auth_service)]
ClientAddress = Annotated[str, Depends(client_address)]


class BearerAuth(OAuth2PasswordBearer):
    """The bearer-token scheme of the OpenAPI document, and the check of the caller itself.

    One dependency rather than a check that depends on the scheme: FastAPI solves each level
    of a dependency tree per request, and this one runs on every authenticated request.
    """

    async def __call__(  # type: ignore[override]
        self, request: Request, scopes: SecurityScopes
    ) -> Principal:
        """Authenticates the caller and checks the route's labels on the event loop.

        The token record is one awaited Redis look-up and the roles and labels mostly come
        from this process's cache, so a request costs little before its handler.
        """
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("authentication required", "not_authenticated")
        auth = container_of(request).auth()
        principal = await auth.authenticate(token.strip())
        request.state.principal = principal
        await auth.authorize(principal, tuple(scopes.scopes))
        return principal


# Named as the plain scheme was, so the OpenAPI document (and its clients) see no change.
authorized = BearerAuth(tokenUrl="/api/v1/user/login", scheme_name="OAuth2PasswordBearer")


def require(*labels: str) -> Any:
    """The guard of a route that needs one of `labels` (any of them)."""
    return Security(authorized, scopes=list(labels))


Caller = Annotated[Principal, Security(authorized)]


async def row_scope(
    request: Request, principal: Annotated[Principal, Security(authorized)]
) -> RowScope:
    """The rows the caller may see (their data scope), from the access cache: no query warm.

    Its guard is the route's own: under `scoped(*labels)` the caller is authenticated and
    checked once for the route, however many parameters name it.
    """
    return await container_of(request).access().row_scope(principal)


def scoped(*labels: str) -> Any:
    """The caller's data scope, on a route that needs one of `labels` (as `require`)."""
    return Security(row_scope, scopes=list(labels))


# The data scope of a route whose labels are checked inside it (the reports' export).
CallerScope = Annotated[RowScope, Security(row_scope)]
