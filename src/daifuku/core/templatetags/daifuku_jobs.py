"""Template tags of the pages that wait on a background job."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from daifuku.core import workers

register = template.Library()


@register.simple_tag
def worker_notice(job=None):
    """A warning when no background worker is alive to run ``job`` (core.workers);
    nothing otherwise. Put it where a queued or running job is shown."""
    text = workers.notice(job)
    if not text:
        return ""
    # the commands to type are shown as code
    html = _COMMAND.sub(r"<code>\1</code>", str(escape(text)))
    return format_html('<p class="alert" id="no-worker" role="status">{}</p>', mark_safe(html))


_COMMAND = re.compile(r"(daifuku (?:worker|serve))")
