"""The client's address: X-Forwarded-For is believed only when the peer is a trusted proxy."""

from __future__ import annotations

from collections.abc import MutableMapping
from ipaddress import ip_address, ip_network
from typing import Any


class ClientIp:
    def __init__(self, trusted: list[str]) -> None:
        self._nets = [ip_network(t, strict=False) for t in trusted]

    def _trusted(self, addr: str) -> bool:
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
