"""The client's address: X-Forwarded-For is believed only when the peer is a trusted proxy."""

from __future__ import annotations

from collections.abc import MutableMapping
from functools import lru_cache
from ipaddress import ip_address, ip_network
from typing import Any


class ClientIp:
    def __init__(self, trusted: list[str]) -> None:
        self._nets = [ip_network(t, strict=False) for t in trusted]
        # Asked on every request (for the scheme), by a handful of distinct peers mostly.
        self._trusted = lru_cache(maxsize=4096)(self._is_trusted)

    def _is_trusted(self, addr: str) -> bool:
        try:
            ip = ip_address(addr)
        except ValueError:
            return False
        return any(ip in net for net in self._nets)

    def of(self, scope: MutableMapping[str, Any]) -> str:
        peer = (scope.get("client") or ("", 0))[0] or ""
        if not self._trusted(peer):
            return peer

        forwarded = ""
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                forwarded = (
                    f"{forwarded},{value.decode('latin-1')}"
                    if forwarded
                    else value.decode("latin-1")
                )
        # Walk from the nearest hop back; the first address not ours is the client.
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            if not self._trusted(hop):
                return hop
        return peer

    def scheme_of(self, scope: MutableMapping[str, Any]) -> str:
        """`http` or `https`: the request's own, or X-Forwarded-Proto from a trusted proxy."""
        scheme = str(scope.get("scheme", "http"))
        peer = (scope.get("client") or ("", 0))[0] or ""
        if scheme == "https" or not self._nets or not self._trusted(peer):
            return scheme
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-proto":
                # The nearest proxy's word is the last one.
                last = value.rsplit(b",", 1)[-1].strip().lower()
                return "https" if last == b"https" else "http"
        return scheme
