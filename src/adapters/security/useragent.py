"""A client's browser and system from its User-Agent header (the `user-agents` library)."""

from __future__ import annotations

from functools import lru_cache

import user_agents

from core.rbac.ports import UserAgentParser

UNKNOWN = "Other"  # what the library names a family it does not know


class UserAgentsParser(UserAgentParser):
    """ "Chrome 131" (family and major version), "Windows 10" (family and version); "" when
    the library does not know the client (curl, a script, an empty header)."""

    def parse(self, user_agent: str) -> tuple[str, str]:
        return _parse(user_agent[:512])


@lru_cache(maxsize=1024)
def _parse(user_agent: str) -> tuple[str, str]:
    agent = user_agents.parse(user_agent)
    browser, system = agent.browser, agent.os
    major = str(browser.version[0]) if browser.version else ""
    return _named(browser.family, major), _named(system.family, system.version_string)


def _named(family: str, version: str) -> str:
    if not family or family == UNKNOWN:
        return ""
    return f"{family} {version}".strip()
