"""The rich-text sanitiser, with nh3 (the Python binding of Rust's ammonia).

ammonia parses the fragment as a browser would (html5ever), so nested, unclosed, mis-cased
or entity-encoded tricks are judged on what a browser would see, then keeps only the
allow-list below: the formatting an editor produces. Everything else is dropped: `<script>`
and `<style>` with their content, every `on*` handler and `style` attribute, `<svg>`,
`<math>`, `<iframe>`, `<form>`... URLs keep http(s) and mailto (and relative ones); an
image may also be an inline raster `data:image/...;base64`, never SVG; links are given
`rel="noopener noreferrer"`.
"""

from __future__ import annotations

import asyncio
import re

import nh3

from core.shared.html import HtmlSanitizer

TAGS = frozenset(
    {
        *("p", "br", "hr", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup"),
        *("h1", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "code"),
        *("a", "img", "span"),
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"),
    }
)
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"class"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})

# An inline image: a raster type only (an SVG image may carry script of its own).
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
# A class the dashboard's own stylesheet could not turn against the page (Element Plus's
# `el-*` overlays, the layout's classes): the editor's plain names or `language-*` on code.
_CLASS = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_OWN_PREFIXES = ("el-", "app-", "navbar", "sidebar", "main-", "fixed", "hidden")
_NUMBER = re.compile(r"^\d{1,4}$")


def _attribute(element: str, attribute: str, value: str) -> str | None:
    """What ammonia keeps of an allowed attribute: None drops it."""
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        # `data:` is allowed by the schemes only so that an <img> may be an inline raster.
        return value if element == "img" and _DATA_IMAGE.match(value.strip()) else None
    if attribute == "class":
        kept = [
            c
            for c in value.split()
            if _CLASS.match(c)
            and not c.startswith(_OWN_PREFIXES)
            and (element != "code" or c.startswith("language-"))
        ]
        return " ".join(kept) or None
    if attribute in ("width", "height", "colspan", "rowspan", "span", "start"):
        return value if _NUMBER.match(value.strip()) else None
    return value


def clean_html(html: str) -> str:
    """The sanitised fragment (plain function: the sanitiser's tests call it directly)."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object"},
        attributes=ATTRIBUTES,
        attribute_filter=_attribute,
        strip_comments=True,
        link_rel="noopener noreferrer",
        url_schemes=set(URL_SCHEMES),
    )


class Nh3HtmlSanitizer(HtmlSanitizer):
    """Off the event loop: a large fragment costs a few milliseconds of CPU."""

    async def clean(self, html: str) -> str:
        if not html:
            return ""
        return await asyncio.to_thread(clean_html, html)
