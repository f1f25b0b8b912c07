"""Ports of the registration module: what sign-up and password recovery need from outside."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from core.registration.model import Ticket


class RegistrationPolicy(Protocol):
    """Whether visitors may sign up, and the role code a confirmed account gets ("" for none)."""

    async def is_open(self) -> bool: ...
    async def default_role(self) -> str: ...


class FixedRegistrationPolicy(RegistrationPolicy):
    """The policy fixed at start (from the settings) until the config-parameter module holds it."""

    def __init__(self, open_: bool, default_role: str) -> None:
        self._open = open_
        self._default_role = default_role

    async def is_open(self) -> bool:
        return self._open

    async def default_role(self) -> str:
        return self._default_role


class VerificationTokens(Protocol):
    """Single-use, expiring one-time links shared by every instance, keyed by kind and token digest.

    `consume` is atomic: of any number of concurrent calls for one link, one gets the payload
    and the link then reads as used until the store forgets it. Every method raises
    ServiceUnavailable when the store does not answer.
    """

    async def put(
        self, kind: str, digest: str, payload: Mapping[str, str], ttl_seconds: int
    ) -> None: ...
    async def peek(self, kind: str, digest: str) -> Ticket | None: ...
    async def consume(self, kind: str, digest: str) -> Mapping[str, str] | None:
        """The payload if the link was live (it is now used), else None."""
        ...
