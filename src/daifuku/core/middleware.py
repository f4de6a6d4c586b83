"""Marks every browser request as coming through the UI for the audit trail."""

from __future__ import annotations

import uuid

from .context import acting


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "ui"
        with acting(via, request_id=uuid.uuid4().hex[:12]):
            return self.get_response(request)
