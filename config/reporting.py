"""Keep applicants' answers out of error reports and logs.

Answers arrive as POST data, live in the session and in local variables of the views, and
anyone holding a result link (``/r/<token>/``) can read them. With DEBUG off, error reports
show none of these, and log lines show result links with the token cut out.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

RESULT_LINK = re.compile(r"(/r/)[A-Za-z0-9_-]{8,}")
REDACTED_LINK = r"\1<token>"


def redact_result_links(text: str) -> str:
    return RESULT_LINK.sub(REDACTED_LINK, text)


class NoPersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide every POST field, cookie and local variable, not only the ones named secret."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request: HttpRequest) -> Any:
        if not self.is_active(request):
            return super().get_safe_cookies(request)
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        if request is not None and not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class RedactResultLinks(logging.Filter):
    """Cut result tokens out of log lines (``Not Found: /r/<token>/`` and the like)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_result_links(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
