"""The port of an HTML sanitiser: rich text from an editor, made safe to store and to show."""

from __future__ import annotations

from typing import Protocol


class HtmlSanitizer(Protocol):
    """Keeps the formatting an editor produces and drops everything that can run or load code.

    What it answers is safe to render as HTML in the dashboard: no script, no event handler,
    no `style`, no `javascript:`/`vbscript:`/`data:text` URL; links open with
    `rel="noopener noreferrer"`. CPU work: the adapter runs it off the event loop.
    """

    async def clean(self, html: str) -> str: ...
