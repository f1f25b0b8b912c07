"""Global dictionaries: typed lists of label/value pairs every select and status tag reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.shared.commands import UNSET, Maybe
from core.shared.errors import InvalidInput
from core.shared.model import Entity

ENABLED = 1
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,99}$")
CSS_CLASSES = {"", "default", "primary", "success", "info", "warning", "danger"}


@dataclass(kw_only=True, eq=False)
class DictType(Entity):
    code: str
    name: str
    status: int = ENABLED
    remark: str = ""

    def recode(self, code: str) -> None:
        """The caller moves the type's items to the new code in the same unit of work."""
        check_type_code(code)
        self.code = code

    def change(
        self, *, name: Maybe[str] = UNSET, status: Maybe[int] = UNSET, remark: Maybe[str] = UNSET
    ) -> None:
        self._assign(name=name, status=status, remark=remark)


@dataclass(kw_only=True, eq=False)
class DictItem(Entity):
    type_code: str
    label: str
    value: str
    label_en: str = ""
    sort: int = 0
    status: int = ENABLED
    css_class: str = ""
    remark: str = ""

    def change(
        self,
        *,
        type_code: Maybe[str] = UNSET,
        label: Maybe[str] = UNSET,
        label_en: Maybe[str] = UNSET,
        value: Maybe[str] = UNSET,
        sort: Maybe[int] = UNSET,
        status: Maybe[int] = UNSET,
        css_class: Maybe[str] = UNSET,
        remark: Maybe[str] = UNSET,
    ) -> None:
        """The css class is one the dashboard knows; the caller checks type and uniqueness."""
        if css_class is not UNSET:
            check_css_class(css_class)
        self._assign(
            type_code=type_code,
            label=label,
            label_en=label_en,
            value=value,
            sort=sort,
            status=status,
            css_class=css_class,
            remark=remark,
        )

    def public(self) -> dict[str, str | int]:
        """What a dashboard select or tag needs of an item."""
        return {
            "label": self.label,
            "label_en": self.label_en or self.label,
            "value": self.value,
            "css_class": self.css_class,
            "sort": self.sort,
        }


def check_type_code(code: str) -> None:
    if not CODE_RE.fullmatch(code):
        raise InvalidInput(
            "a dictionary code starts with a lower-case letter: 2 to 100 of a-z 0-9 _",
            "dict_code_invalid",
            "code",
        )


def check_css_class(css_class: str) -> None:
    if css_class not in CSS_CLASSES:
        raise InvalidInput(
            f"css_class is one of {', '.join(sorted(c for c in CSS_CLASSES if c))} or empty",
            "dict_css_class_invalid",
            "css_class",
        )
