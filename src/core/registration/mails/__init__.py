"""The mails of sign-up and password recovery, from bilingual template files (string.Template).

Each mail is two files per language: `{kind}.{lang}.txt`, whose first line is the subject and
whose rest after one blank line is the plain-text body, and `{kind}.{lang}.html`. Values are
HTML-escaped in the HTML part; a template naming an unknown value fails loudly.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from string import Template

from core.shared.language import DEFAULT_LANGUAGE, LANGUAGES
from core.shared.mail import MailMessage


@cache
def _template(name: str) -> Template:
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    return Template(text)


def compose(kind: str, lang: str, to: str, values: dict[str, str]) -> MailMessage:
    """The `kind` mail in `lang` (zh-CN when unsupported) to one address."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = _template(f"{kind}.{lang}.txt").substitute(values)
    subject, _, body = text.partition("\n\n")
    escaped = {k: html.escape(v, quote=True) for k, v in values.items()}
    page = _template(f"{kind}.{lang}.html").substitute(escaped)
    return MailMessage(to=(to,), subject=subject.strip(), text=body.lstrip("\n"), html=page)
