"""Template filters of the mail screens: a subject with merge fields shown as one
recipient would read it (``{{ display_name }}へ …`` → 「田中 太郎 様へ …」), so the
campaign list and page read as Japanese rather than as template code."""

from __future__ import annotations

from django import template

from ..templating import TemplateInvalid, compile_mail

register = template.Library()

# a made-up recipient: what the example subject is rendered for
SAMPLE = {
    "family_name": "田中",
    "given_name": "太郎",
    "full_name": "田中 太郎",
    "display_name": "田中 太郎 様",
    "rank": "ゴールド",
    "age_band_label": "40代",
}


@register.filter
def sample_subject(subject: str) -> str:
    """The subject as 田中 太郎 様 (ゴールド, 40代) would receive it; the subject as
    written when it has a mistake or no merge field."""
    if "{" not in (subject or ""):
        return subject
    try:
        return compile_mail(subject, "", "").render(dict(SAMPLE)).subject
    except (TemplateInvalid, KeyError, TypeError, ValueError):
        return subject
