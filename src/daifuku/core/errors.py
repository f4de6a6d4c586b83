"""Domain errors: every refusal the business rules make, with a stable machine code.

Views turn them into field-level form errors, the API into 4xx JSON
``{"code": ..., "message": ..., "errors": {field: [messages]}}``. The code never changes
once published, so integrators can branch on it; the message is translated.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the request. ``status`` is the HTTP status it maps to."""

    code = "domain_error"
    status = 400

    def __init__(self, message=None, *, code: str | None = None, errors=None, status=None):
        self.message = message or _("The request could not be processed.")
        if code:
            self.code = code
        if status:
            self.status = status
        # field name -> list of messages; "__all__" for errors about the whole record
        self.errors: dict[str, list[str]] = {
            field: [str(m) for m in (msgs if isinstance(msgs, (list, tuple)) else [msgs])]
            for field, msgs in (errors or {}).items()
        }
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "errors": self.errors}


class ValidationFailed(DomainError):
    """One or more fields hold values the business cannot accept."""

    code = "validation_error"
    status = 422

    def __init__(self, errors, message=None, *, code=None):
        super().__init__(message or _("Some fields need attention."), errors=errors, code=code)


class ConflictError(DomainError):
    """Someone else changed the record since it was read (optimistic concurrency)."""

    code = "conflict"
    status = 409

    def __init__(self, message=None, *, code=None):
        super().__init__(
            message
            or _(
                "Someone else changed this record while you were editing it. "
                "Reload to see their changes, then apply yours again."
            ),
            code=code,
        )


class PreconditionFailed(ConflictError):
    """The API client's If-Match does not match the current version (HTTP 412)."""

    code = "precondition_failed"
    status = 412


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403

    def __init__(self, message=None):
        super().__init__(message or _("You are not allowed to do this."))


class NotFound(DomainError):
    code = "not_found"
    status = 404

    def __init__(self, message=None):
        super().__init__(message or _("Not found."))
