"""Schemathesis over the app's own OpenAPI document, as admin and anonymously, on a fresh database.

Every operation of the document gets a bounded number of generated requests (a fixed seed,
so a run is reproducible) and each answer must pass four checks: no 5xx
(`not_a_server_error`), a status the document lists for the operation
(`status_code_conformance`), a body that matches the schema of that status
(`response_schema_conformance`) and the content type it declares
(`content_type_conformance`). Any failure fails the test.

The database is one of our own (`app_test_<random>`, migrated and seeded), and the Redis keys
live under a prefix of their own, so the fuzzer's writes reach no other test.

Excluded, because they would lock the fuzzing account out of its own session (and every
request after it would be a 401 that tests nothing):

- `POST /user/logout`: revokes the admin's token;
- `PUT /user/password`: the admin's own password change (revokes its tokens);
- `POST /user/email`: the admin's own e-mail change; wrong current passwords count, and the
  limit signs the account out everywhere (decision 23);
- on the admin's own user id only: `DELETE /permission/user/{user_id}`,
  `PUT /permission/user/{user_id}/active` (disabling itself),
  `PUT /permission/user/{user_id}/password` (revokes its tokens) and
  `PUT /permission/user/{user_id}/roles` (demoting itself); other ids are fuzzed;
- `POST /system/backup/restore` stays in: a generated file is never a valid backup, and a
  refused restore changes nothing.

Anonymous calls need no exclusion: without a token they cannot change anything.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.conftest import App, settings_for

V1 = "/api/v1"
# Examples per operation and identity: enough to reach each operation's error paths, few
# enough that the whole pass stays within a few minutes of CI on two cores.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
EXCLUDED = {
    ("POST", f"{V1}/user/logout"),
    ("PUT", f"{V1}/user/password"),
    ("POST", f"{V1}/user/email"),
}
# Operations fuzzed on every id but the fuzzing account's own.
NOT_ON_SELF = {
    ("DELETE", f"{V1}/permission/user/{{user_id}}"),
    ("PUT", f"{V1}/permission/user/{{user_id}}/active"),
    ("PUT", f"{V1}/permission/user/{{user_id}}/password"),
    ("PUT", f"{V1}/permission/user/{{user_id}}/roles"),
}


class Fuzzed:
    """The app under test and the admin's token."""

    def __init__(self, app: FastAPI, token: str, admin_id: int) -> None:
        self.app = app
        self.headers = {"Authorization": f"Bearer {token}"}
        self.admin_id = admin_id


@pytest.fixture(scope="module")
def fuzzed(
    make_seeded_database: Callable[[], str],
    redis_url: str,
    redis_prefix: str,
    tmp_path_factory: Any,
) -> Iterator[Fuzzed]:
    url = make_seeded_database()
    outbox: Path = tmp_path_factory.mktemp("fuzz-outbox")
    settings = settings_for(url, redis_url, f"{redis_prefix}fuzz:", outbox_dir=str(outbox))
    # Schemathesis runs the app, startup to shutdown, on its own loop: every call goes there,
    # where the app's pooled connections live (a second client would bring a second loop).
    app = App(settings).app
    try:
        with asgi.get_client(app) as client:  # type: ignore[arg-type] # dict vs Mapping scopes
            r = client.post(f"{V1}/user/login", data={"username": "admin", "password": "admin123"})
            assert r.status_code == 200, r.text
            token = r.json()["access_token"]
            me = client.get(f"{V1}/user/info", headers={"Authorization": f"Bearer {token}"})
        yield Fuzzed(app, token, me.json()["id"])
    finally:
        asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
def api_schema(fuzzed: Fuzzed) -> Any:
    schema = schemathesis.openapi.from_asgi(f"{V1}/openapi.json", fuzzed.app)
    schema.config.generation.update(deterministic=True, database="none", no_shrink=True)
    return schema


def _strategy(operation: Any) -> Any:
    """Valid requests and, where the operation has inputs to break, invalid ones."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    # An operation without inputs has no invalid requests to make.
    with contextlib.suppress(Exception):
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(*strategies)


def _fuzz(api_schema: Any, call: Callable[[Any], Any]) -> tuple[int, Counter[int], list[str]]:
    """Runs `call` on generated cases of every operation; (operations, statuses, failures)."""
    operations = 0
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if key in EXCLUDED:
            continue
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
        )
        @given(case=_strategy(operation))
        def run(case: Any) -> None:
            response = call(case)
            if response is not None:
                statuses[response.status_code] += 1

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
            failures.append(f"{key[0]} {key[1]}: {type(exc).__name__}: {str(exc)[:2000]}")
    return operations, statuses, failures


def _targets_self(case: Any, admin_id: int) -> bool:
    key = (case.method.upper(), case.operation.path)
    if key not in NOT_ON_SELF:
        return False
    return str((case.path_parameters or {}).get("user_id")) == str(admin_id)


def _report(who: str, operations: int, statuses: Counter[int], failures: list[str]) -> None:
    tally = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
    print(
        f"\nfuzzed {who}: {operations} operations, up to {EXAMPLES} examples each, "
        f"{statuses.total()} calls ({tally}), {len(failures)} failing"
    )


def test_fuzz_as_admin(api_schema: Any, fuzzed: Fuzzed) -> None:
    def call(case: Any) -> Any:
        if _targets_self(case, fuzzed.admin_id):
            return None
        return case.call_and_validate(headers=fuzzed.headers, checks=CHECKS)

    operations, statuses, failures = _fuzz(api_schema, call)
    _report("admin", operations, statuses, failures)
    # The token held all along: the pass reached the operations, not only their 401s.
    assert statuses[401] < statuses.total() / 10, statuses
    assert not failures, "\n\n".join(failures)


def test_fuzz_anonymously(api_schema: Any) -> None:
    def call(case: Any) -> Any:
        return case.call_and_validate(checks=CHECKS)

    operations, statuses, failures = _fuzz(api_schema, call)
    _report("anonymous", operations, statuses, failures)
    assert not failures, "\n\n".join(failures)
