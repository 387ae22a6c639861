"""Domain errors: a rule of the product refused what was asked. Plain Python, so services can
raise them without knowing about HTTP; `app.handlers` turns them into responses."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal whose `detail` is meant for a person; `status_code` is how HTTP says it."""

    status_code = 409

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field  # the form field it is about, for a page to tie the message to


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class NotSignedIn(DomainError):
    status_code = 401


class InvalidInput(DomainError):
    status_code = 422


class BadRequest(DomainError):
    """Input no person means to send (a NUL character, a broken encoding)."""

    status_code = 400
