"""The registry of job scripts: the only code a job may run.

A script is an `async def` function (or method of an object the container builds with the
ports it needs) marked with `@job_script(name, description)`; the runner awaits it on the loop. A job names it; nothing else, and never
an import path, is accepted. A first parameter named `ctx` receives the run's `JobContext`
(`ctx.echo(...)` writes the run's output); the other parameters are the script's signature,
against which a job's `args` and `kwargs` are checked when the job is saved.

Each script declares the permission label a caller needs to schedule or run it (`label`), on
top of the job routes' own labels: `None` for a harmless script, a label that only admin holds
for one that destroys data (`PURGE_LABEL`). A script may also declare a `guard` that sees the
bound arguments (defaults applied) and refuses values its rules forbid, when the job is saved
and whenever the scheduler checks it again.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.shared.errors import InvalidInput

_MARK = "__job_script__"
CONTEXT_PARAM = "ctx"

# Scripts that delete records (logs, the audit trail): seeded, linked to no role, so only
# admin (who passes every check) holds it until someone grants it on purpose.
PURGE_LABEL = "perm:job:purge"

F = typing.TypeVar("F", bound=Callable[..., Any])
Guard = Callable[[Mapping[str, Any]], None]


def job_script(
    name: str,
    description: str,
    *,
    label: str | None,
    guard: Callable[..., None] | None = None,
) -> Callable[[F], F]:
    """Declares a function or method as a job script under `name`.

    `label` is the permission a caller needs to schedule or run it (None: the job routes'
    labels are enough); every script says so explicitly. `guard`, for a method a function of
    the same class taking `(self, arguments)`, refuses arguments with InvalidInput.
    """

    def mark(func: F) -> F:
        setattr(func, _MARK, (name, description, label, guard))
        return func

    return mark


class JobContext:
    """What a running script knows about its run, and where it writes its output."""

    def __init__(
        self,
        *,
        job_id: int,
        job_name: str,
        log_id: int,
        trigger: str,
        scheduled_time: datetime | None,
    ) -> None:
        self.job_id = job_id
        self.job_name = job_name
        self.log_id = log_id
        self.trigger = trigger
        self.scheduled_time = scheduled_time
        self._lines: list[str] = []

    def echo(self, *parts: object) -> None:
        """Adds a line to the run's output (what `print` would show)."""
        self._lines.append(" ".join(str(p) for p in parts))

    @property
    def output(self) -> str:
        return "\n".join(self._lines)


@dataclass(frozen=True)
class ScriptParam:
    name: str
    kind: str  # positional_only, positional_or_keyword, var_positional, keyword_only, var_keyword
    annotation: str
    required: bool
    default: Any = None


@dataclass(frozen=True)
class Script:
    name: str
    description: str
    func: Callable[..., Any]
    signature: inspect.Signature
    hints: dict[str, Any]
    takes_context: bool
    label: str | None = None
    guard: Guard | None = None

    @property
    def params(self) -> list[ScriptParam]:
        return [
            ScriptParam(
                name=p.name,
                kind=p.kind.name.lower(),
                annotation=_annotation(p.annotation),
                required=p.default is inspect.Parameter.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD),
                default=None if p.default is inspect.Parameter.empty else p.default,
            )
            for p in self.signature.parameters.values()
        ]

    @property
    def text(self) -> str:
        """The signature as a reader writes it: `(days: int = 30)`."""
        parts: list[str] = []
        star_done = False
        for p in self.signature.parameters.values():
            if p.kind is p.KEYWORD_ONLY and not star_done:
                parts.append("*")
            star_done = star_done or p.kind in (p.VAR_POSITIONAL, p.KEYWORD_ONLY)
            prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
            item = f"{prefix}{p.name}"
            if p.annotation is not inspect.Parameter.empty:
                item += f": {_annotation(p.annotation)}"
            if p.default is not inspect.Parameter.empty:
                item += f" = {p.default!r}"
            parts.append(item)
            if p.kind is p.POSITIONAL_ONLY and _last_positional_only(self.signature, p.name):
                parts.append("/")
        return f"({', '.join(parts)})"

    def check(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        """The arguments bind to the signature and fit its annotations; else InvalidInput naming why."""
        if not isinstance(args, list):
            raise InvalidInput("args is a JSON list", "job_args_invalid", "args")
        if not isinstance(kwargs, dict):
            raise InvalidInput("kwargs is a JSON object", "job_args_invalid", "kwargs")
        if CONTEXT_PARAM in kwargs and self.takes_context:
            raise InvalidInput(
                f"{CONTEXT_PARAM!r} is given by the scheduler", "job_args_invalid", "kwargs"
            )
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            field = "kwargs" if "keyword" in str(exc) else "args"
            raise InvalidInput(
                f"the arguments do not fit {self.name}{self.text}: {exc}",
                "job_args_invalid",
                field,
            ) from exc
        for name, value in bound.arguments.items():
            param = self.signature.parameters[name]
            hint = self.hints.get(name, Any)
            if param.kind is param.VAR_POSITIONAL:
                values = list(value)
            elif param.kind is param.VAR_KEYWORD:
                values = list(value.values())
            else:
                values = [value]
            for v in values:
                if not _fits(v, hint):
                    field = "args" if name not in kwargs else "kwargs"
                    raise InvalidInput(
                        f"{name} of {self.name} must be {_annotation(param.annotation)}, "
                        f"not {type(v).__name__} {v!r}",
                        "job_args_invalid",
                        field,
                    )
        if self.guard is not None:
            bound.apply_defaults()
            self.guard(bound.arguments)

    async def call(self, ctx: JobContext, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if self.takes_context:
            return await self.func(ctx, *args, **kwargs)
        return await self.func(*args, **kwargs)


class ScriptRegistry:
    """The declared scripts, by name; built once from the functions and objects given."""

    def __init__(self, sources: Iterable[object] = ()) -> None:
        self._scripts: dict[str, Script] = {}
        for source in sources:
            self.register(source)

    def register(self, source: object) -> None:
        """A marked function, or every marked method of an object."""
        if callable(source) and hasattr(source, _MARK):
            self._add(source)
            return
        found = False
        for attr in dir(type(source)):
            member = getattr(type(source), attr, None)
            if callable(member) and hasattr(member, _MARK):
                self._add(getattr(source, attr))
                found = True
        if not found:
            raise ValueError(f"{source!r} declares no job script")

    def _add(self, func: Callable[..., Any]) -> None:
        name, description, label, guard = getattr(func, _MARK)
        if guard is not None and inspect.ismethod(func):
            guard = guard.__get__(func.__self__, type(func.__self__))
        if name in self._scripts:
            raise ValueError(f"two job scripts are named {name!r}")
        if not inspect.iscoroutinefunction(func):
            # A sync script would block the event loop the runs share for as long as it runs.
            raise ValueError(f"the job script {name!r} is not an async def")
        signature = inspect.signature(func)
        params = list(signature.parameters.values())
        takes_context = bool(params) and params[0].name == CONTEXT_PARAM
        if takes_context:
            signature = signature.replace(parameters=params[1:])
        try:
            hints = typing.get_type_hints(func)
        except Exception:  # noqa: BLE001 - an unresolvable annotation only disables type checks
            hints = {}
        hints.pop("return", None)
        self._scripts[name] = Script(
            name, description, func, signature, hints, takes_context, label, guard
        )

    def get(self, name: str) -> Script:
        script = self._scripts.get(name)
        if script is None:
            raise InvalidInput(f"no job script is named {name!r}", "job_script_unknown", "script")
        return script

    def __contains__(self, name: object) -> bool:
        return name in self._scripts

    def all(self) -> list[Script]:
        return sorted(self._scripts.values(), key=lambda s: s.name)


def _last_positional_only(signature: inspect.Signature, name: str) -> bool:
    names = [p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_ONLY]
    return names[-1] == name


def _annotation(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return "Any"
    if isinstance(annotation, str):
        return annotation
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits a simple annotation; an annotation we cannot judge accepts it."""
    if hint is Any or hint is inspect.Parameter.empty:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None) or hint is None:
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if hint is list or origin is list:
        if not isinstance(value, list):
            return False
        item = (typing.get_args(hint) or (Any,))[0]
        return all(_fits(v, item) for v in value)
    if hint is dict or origin is dict:
        if not isinstance(value, dict):
            return False
        item = (typing.get_args(hint) or (Any, Any))[-1]
        return all(_fits(v, item) for v in value.values())
    return True
