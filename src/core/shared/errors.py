"""Domain errors: each carries a stable machine `code`; the edge maps the class to a status."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""

    code = "domain_error"

    def __init__(self, detail: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class InvalidInput(DomainError):
    """A value passed schema validation but breaks a business rule (422)."""

    code = "invalid_input"

    def __init__(self, detail: str, code: str | None = None, field: str | None = None) -> None:
        super().__init__(detail, code)
        self.field = field


class BadRequest(DomainError):
    code = "bad_request"


class TooLarge(DomainError):
    """More bytes than the use case accepts (413)."""

    code = "payload_too_large"


class UnsupportedType(DomainError):
    """Content of a type the use case does not take (415)."""

    code = "unsupported_media_type"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class TooManyRequests(DomainError):
    code = "too_many_requests"

    def __init__(self, detail: str, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code)
        self.retry_after = max(1, int(retry_after))


class ServiceUnavailable(DomainError):
    """A backing service (database, cache, mail) does not answer; fail closed."""

    code = "service_unavailable"
