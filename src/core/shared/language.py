"""The product's languages and how a request's `Accept-Language` picks one of them."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("zh-CN", "en")
# The product's language when the client states none it supports: mails and API messages agree.
DEFAULT_LANGUAGE = "zh-CN"


def negotiate_language(accept_language: str | None) -> str:
    """The supported language the client prefers most (RFC 9110 q-values); zh-CN by default."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.split("-", 1)[0]
        match = {"zh": "zh-CN", "en": "en"}.get(primary)
        # Earlier entries win ties, as browsers list the preferred language first.
        if match is not None and q > best_q and q > 0:
            best, best_q = match, q
    return best


@dataclass(frozen=True)
class Text:
    """A display text in both languages; seeding writes the one `APP_SEED_LANGUAGE` names."""

    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


NO_TEXT = Text("", "")
