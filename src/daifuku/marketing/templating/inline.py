"""CSS inlined into a mail's HTML once, when the template is compiled.

Mail clients (Gmail, Outlook) drop or ignore ``<style>`` blocks, so each rule is written
into the ``style`` attribute of the elements it selects. This runs on the *template*, not
on each rendered mail: 10,000 recipients share one inlining.

The template still holds Jinja tags while it is inlined. An HTML5 parser moves text that
stands between table elements out of the table ("foster parenting"), which would tear a
``{% if %}`` away from the ``<tr>`` it guards; so every tag is first replaced by a
placeholder the parser leaves where it is — an HTML comment between elements, a plain
token inside an attribute — and put back afterwards.
"""

from __future__ import annotations

import re

import css_inline

_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\}", re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.S | re.I)
_COMMENT = "<!--dfk:{}-->"
_TOKEN = "dfkjinja{}x"
_RESTORE = re.compile(r"<!--dfk:(\d+)-->|dfkjinja(\d+)x")


def _inside_tag(html: str, at: int) -> bool:
    """Whether position ``at`` is inside an element's tag (an attribute), not in text."""
    return html.rfind("<", 0, at) > html.rfind(">", 0, at)


def inline_css(html: str) -> str:
    """``html`` with its ``<style>`` rules written into style attributes and the style
    blocks removed; Jinja tags come back unchanged. A fragment stays a fragment; a whole
    document (with ``<html>``) stays a whole document."""
    if "<style" not in html.lower():
        return html
    saved: list[str] = []

    def hide(match: re.Match) -> str:
        saved.append(match.group(0))
        n = len(saved) - 1
        return _TOKEN.format(n) if _inside_tag(html, match.start()) else _COMMENT.format(n)

    hidden = _TAG.sub(hide, html)
    if "<html" in hidden.lower():
        inlined = css_inline.inline(hidden)
    else:
        css = "\n".join(_STYLE.findall(hidden))
        inlined = css_inline.inline_fragment(_STYLE.sub("", hidden), css)
    return _RESTORE.sub(lambda m: saved[int(m.group(1) or m.group(2))], inlined)
