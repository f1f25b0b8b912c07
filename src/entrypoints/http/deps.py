"""Request dependencies: the container, the caller, and the permission a route needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from core.rbac.model import Principal
from core.shared.errors import Unauthorized

if TYPE_CHECKING:
    from bootstrap import Container

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/user/login", auto_error=False)


def container_of(request: Request) -> Container:
    # Taken from the app, not from global wiring, so two apps can live in one process.
    return request.app.state.container  # type: ignore[no-any-return]


def require(*labels: str) -> Callable[..., Principal]:
    """A dependency that authenticates the caller and checks the route's labels in one step."""

    def dependency(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Principal:
        if not token:
            raise Unauthorized("authentication required", "not_authenticated")
        auth = container_of(request).auth()
        principal = auth.authenticate(token)
        request.state.principal = principal
        auth.authorize(principal, labels)
        return principal

    dependency.labels = labels  # type: ignore[attr-defined]
    return dependency


signed_in = require()
Caller = Annotated[Principal, Depends(signed_in)]


def labels_of(dependant_call: Any) -> tuple[str, ...] | None:
    """The labels a dependency created by `require` checks (None for any other callable)."""
    return getattr(dependant_call, "labels", None)
