"""Every code the backend can answer has a text in both languages of the one catalogue."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
import string
from pathlib import Path

import pytest

from core.shared.errors import DomainError
from core.shared.language import LANGUAGES
from entrypoints.http.messages import MESSAGES, VALIDATION, message, validation_message

SRC = Path(__file__).resolve().parents[2] / "src"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDERS = {"field", "retry_after", "detail"}


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(SRC.rglob("*.py"))]


def _error_classes(trees: list[tuple[Path, ast.Module]]) -> dict[str, type[DomainError]]:
    """DomainError and every class of src/ that derives from it, by name."""
    found: dict[str, str] = {"DomainError": "core.shared.errors"}
    grew = True
    while grew:
        grew = False
        for path, tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in found:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & found.keys():
                        found[node.name] = _module_of(path)
                        grew = True
    return {name: getattr(importlib.import_module(mod), name) for name, mod in found.items()}


def _code_position(cls: type) -> int | None:
    """Where `code` sits among the positional arguments of the class's constructor."""
    init = cls.__init__  # type: ignore[misc]  # the class's own constructor is what we read
    params = [p for p in inspect.signature(init).parameters if p != "self"]
    return params.index("code") if "code" in params else None


@functools.cache
def raisable_codes() -> tuple[frozenset[str], tuple[str, ...]]:
    """Every code `src/` can answer with, and the calls whose code could not be read.

    Read once per run: the scan parses every file of `src/`, and three tests ask for it."""
    trees = _trees()
    classes = _error_classes(trees)
    codes = {str(cls.code) for cls in classes.values()}
    unresolved: list[str] = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            arg: ast.expr | None = None
            if name in classes:
                pos = _code_position(classes[name])
                if pos is None:
                    continue  # the class's own code, collected above
                arg = node.args[pos] if len(node.args) > pos else None
                arg = next((k.value for k in node.keywords if k.arg == "code"), arg)
                if arg is None:
                    continue  # the class's own code
            elif name == "require" and len(node.args) == 2:
                # core.shared.entity.require(row, what): NotFound `<what>_not_found`.
                what = node.args[1]
                if isinstance(what, ast.Constant) and isinstance(what.value, str):
                    codes.add(f"{what.value.replace(' ', '_')}_not_found")
                else:
                    unresolved.append(where)
                continue
            elif name == "error_body" and len(node.args) >= 2:
                arg = node.args[1]
            elif name == "message" and node.args:
                arg = node.args[0]
            else:
                continue
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.add(arg.value)
            elif not _is_known_dynamic(path, node):
                unresolved.append(f"{where}: {ast.unparse(arg)}")
    # The HTTP layer's table of status codes, and its default for any other status.
    errors = importlib.import_module("entrypoints.http.errors")
    codes |= set(errors.HTTP_CODES.values()) | {"http_error", "validation_error"}
    return frozenset(codes), tuple(unresolved)


def _is_known_dynamic(path: Path, node: ast.Call) -> bool:
    """The few calls that pass a code on: the helper `require` and the handlers themselves."""
    rel = path.relative_to(SRC).as_posix()
    return rel in {"core/shared/entity.py", "entrypoints/http/errors.py"}


def test_the_scan_reads_every_code_passed_to_an_error() -> None:
    codes, unresolved = raisable_codes()
    assert unresolved == ()
    # A sample the scan must see, from core, adapters, the helper and the HTTP layer.
    assert {"bad_credentials", "cache_unavailable", "user_not_found", "not_authenticated"} <= codes
    assert {"validation_error", "internal_error", "payload_too_large", "import_rejected"} <= codes


def test_every_code_has_a_text_in_each_language() -> None:
    codes, _ = raisable_codes()
    missing = {
        lang: sorted(c for c in codes if lang not in MESSAGES.get(c, {})) for lang in LANGUAGES
    }
    assert missing == {lang: [] for lang in LANGUAGES}


def test_the_catalogue_holds_no_code_the_backend_never_answers() -> None:
    codes, _ = raisable_codes()
    assert sorted(set(MESSAGES) - codes) == []


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_text_is_in_its_own_language(code: str) -> None:
    zh, en = MESSAGES[code]["zh-CN"], MESSAGES[code]["en"]
    assert CJK.search(zh), zh
    # Only a technical code hands on core's diagnostic, and says in its words what it is.
    if "{detail}" in zh:
        assert CJK.search(zh.replace("{detail}", "")), zh
    assert not CJK.search(en), en
    for text in (zh, en):
        names = {n for _, n, _, _ in string.Formatter().parse(text) if n}
        assert names <= PLACEHOLDERS, text


def test_a_template_takes_the_errors_parameters() -> None:
    assert message("login_throttled", "en", params={"retry_after": 42}).endswith("42 seconds")
    assert "42" in message("login_throttled", "zh-CN", params={"retry_after": 42})
    assert message("job_invalid", "en", params={"field": "x"}) == "x is not one of its values"
    assert message("label_invalid", "en") == "a permission label reads perm:{resource}:{verb}"


def test_an_unsupported_language_gets_the_default_and_an_unknown_code_its_fallback() -> None:
    assert message("bad_credentials", "fr") == MESSAGES["bad_credentials"]["zh-CN"]
    assert message("no_such_code", "en", "fallback") == "fallback"


def test_a_schema_error_is_one_sentence_naming_the_field() -> None:
    assert validation_message("missing", "email", "en") == "email is required"
    assert validation_message("missing", "email", "zh-CN") == "email 为必填项"
    assert "64" in validation_message("string_too_long", "name", "zh-CN", {"max_length": 64})
    assert validation_message("some_new_type", "size", "en") == "size is invalid"
    for texts in VALIDATION.values():
        assert CJK.search(texts["zh-CN"]) and not CJK.search(texts["en"])


def _write_summaries() -> set[str]:
    from bootstrap import Settings, build_container
    from entrypoints.http.app import create_app

    settings = Settings(_env_file=None, database_url="sqlite://", redis_url=None, env="test")
    doc = create_app(build_container(settings)).openapi()
    return {
        str(op.get("summary"))
        for ops in doc["paths"].values()
        for method, op in ops.items()
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}
    }


def test_every_logged_route_summary_has_a_chinese_text_and_none_is_stale() -> None:
    from entrypoints.http.messages import ROUTE_SUMMARIES_ZH, route_summary

    summaries = _write_summaries()
    assert sorted(summaries - ROUTE_SUMMARIES_ZH.keys()) == []
    assert sorted(ROUTE_SUMMARIES_ZH.keys() - summaries) == []
    assert all(CJK.search(text) for text in ROUTE_SUMMARIES_ZH.values())
    assert route_summary("create a user", "zh-CN") == "新增用户"
    assert route_summary("create a user", "en") == "create a user"
    assert route_summary("a route since removed", "zh-CN") == "a route since removed"
