"""The client's address, as uvicorn's ProxyHeadersMiddleware left it in the scope.

That middleware (outermost, see `AdminApp`) replaces the peer with the first address of
X-Forwarded-For that is not a trusted proxy, and only when the peer itself is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def client_ip(scope: Mapping[str, Any]) -> str:
    return str((scope.get("client") or ("", 0))[0] or "")
