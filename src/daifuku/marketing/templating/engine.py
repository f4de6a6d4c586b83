"""Compiling and rendering a mail: subject, HTML and plain text, parsed and checked once,
CSS inlined once, then rendered for each recipient from a plain dict of merge fields.

``compile_mail`` refuses a template that does not parse, reads an unknown merge field, an
internal attribute (``{{ ''.__class__ }}``) or calls anything, with one message per body
naming the line (:class:`TemplateInvalid`, field-level like every form error). At send time
an unknown field prints nothing (a field retired after a template was saved must not stop a
campaign half-way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from markupsafe import Markup

from daifuku.core.errors import ValidationFailed

from .fields import ITEM_KEYS, MERGE_FIELDS
from .inline import inline_css
from .sandbox import HTML_ENV, TEXT_ENV, MailEnvironment

LOOP_KEYS = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
_FORBIDDEN_NODES = (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)
# what could make one recipient's mail huge or slow (``{{ "x" * 10**9 }}``, ``{% set x = x ~
# x %}`` forty times, ``"%099999999d" % 1``): a mail template needs none of it
_DEFINITIONS = (nodes.Assign, nodes.AssignBlock, nodes.With, nodes.Macro, nodes.CallBlock)
_ARITHMETIC = (nodes.Mul, nodes.Pow, nodes.Mod, nodes.FloorDiv, nodes.Div)
MAX_LOOP_DEPTH = 2
MAX_SOURCE = 100_000  # characters per part


class TemplateInvalid(ValidationFailed):
    """A template that cannot be used: ``errors`` maps ``subject`` / ``html`` / ``text``
    to messages naming the line."""

    code = "template_invalid"


@dataclass(frozen=True)
class RenderedMail:
    """One recipient's mail as it will be sent (before tracking and the legal footer)."""

    subject: str
    html: str
    text: str


def _line(lineno: int | None) -> str:
    return _("line %(line)d: ") % {"line": lineno} if lineno else ""


def _problems(tree: nodes.Template, *, known: frozenset[str], env_filters) -> list[str]:
    """What a parsed template does that a mail template may not, each with its line."""
    problems: list[str] = []
    declared: set[str] = {"loop"}
    for name_node in tree.find_all(nodes.Name):
        if name_node.ctx in ("store", "param"):
            declared.add(name_node.name)
    seen: set[tuple[str, int | None]] = set()
    for node in tree.find_all(nodes.Node):
        lineno: int | None = getattr(node, "lineno", None)
        if isinstance(node, nodes.Name) and node.ctx == "load":
            name = node.name
            if name.startswith("_"):
                problems.append(_line(lineno) + _("「%(name)s」 cannot be read.") % {"name": name})
            elif name not in known and name not in declared and (name, lineno) not in seen:
                seen.add((name, lineno))
                problems.append(
                    _line(lineno) + _("unknown merge field 「%(name)s」.") % {"name": name}
                )
        elif isinstance(node, (nodes.Getattr, nodes.Getitem)):
            key = node.attr if isinstance(node, nodes.Getattr) else None
            if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                key = node.arg.value if isinstance(node.arg.value, str) else None
                if key is None:  # recommendations[0]: a position in a list
                    continue
            elif isinstance(node, nodes.Getitem):
                problems.append(_line(lineno) + _("only a fixed name may follow a field in [ ]."))
                continue
            if key not in ITEM_KEYS and key not in LOOP_KEYS:
                problems.append(
                    _line(lineno)
                    + _("「.%(name)s」 cannot be read in a mail template.") % {"name": key}
                )
        elif isinstance(node, nodes.Filter) and node.name not in env_filters:
            problems.append(
                _line(lineno)
                + _("the filter 「%(name)s」 cannot be used in a mail template.")
                % {"name": node.name}
            )
        elif isinstance(node, _DEFINITIONS):
            problems.append(_line(lineno) + _("a mail template cannot define variables or macros."))
        elif isinstance(node, _ARITHMETIC):
            problems.append(
                _line(lineno) + _("a mail template cannot multiply, divide or format (* / % **).")
            )
        elif isinstance(node, nodes.Call):
            problems.append(_line(lineno) + _("a mail template cannot call functions."))
        elif isinstance(node, _FORBIDDEN_NODES):
            problems.append(_line(lineno) + _("a mail template cannot include other templates."))
    for lineno in _too_deep_loops(tree):
        problems.append(
            _line(lineno)
            + _("loops may be nested %(depth)d deep at most.") % {"depth": MAX_LOOP_DEPTH}
        )
    return problems


def _too_deep_loops(tree: nodes.Node) -> list[int | None]:
    """The lines of loops inside more than MAX_LOOP_DEPTH - 1 other loops (one walk)."""
    found: list[int | None] = []
    todo: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, nodes.For):
            depth += 1
            if depth == MAX_LOOP_DEPTH + 1:
                found.append(node.lineno)
        todo.extend((child, depth) for child in node.iter_child_nodes())
    return found


def check_template(source: str, env: MailEnvironment, *, known: frozenset[str]) -> list[str]:
    """The problems of one body (empty when it may be saved and sent)."""
    if len(source) > MAX_SOURCE:
        return [_("use at most %(count)d characters.") % {"count": MAX_SOURCE}]
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [
            _line(exc.lineno)
            + _("the template cannot be read (%(detail)s).") % {"detail": exc.message or ""}
        ]
    problems = _problems(tree, known=known, env_filters=env.filters)
    return sorted(problems, key=_line_of)


def _line_of(message: str) -> int:
    digits = "".join(c for c in message.split(":", 1)[0] if c.isdigit())
    return int(digits) if digits else 0


@dataclass
class CompiledMail:
    """A mail parsed, checked and CSS-inlined once; :meth:`render` for each recipient."""

    subject_template: Any
    html_template: Any | None
    text_template: Any | None
    html_source: str
    fields: frozenset[str] = frozenset()  # the merge fields the three parts read

    def render(self, context: dict) -> RenderedMail:
        """The mail for one recipient. ``context`` holds the merge fields (see
        ``recipient_contexts``) and, optionally, the persona's ``signature_html`` /
        ``signature_text`` (``persona_context``): ``{{ signature }}`` is the HTML signature
        in the HTML body and the text one in the text body."""
        text_sig = context.get("signature_text", "")
        html_sig = Markup(context.get("signature_html") or "") or _text_as_html(text_sig)
        try:
            subject = self.subject_template.render(context)
            html = (
                self.html_template.render(context, signature=html_sig, persona_signature=html_sig)
                if self.html_template is not None
                else ""
            )
            text = (
                self.text_template.render(context, signature=text_sig, persona_signature=text_sig)
                if self.text_template is not None
                else ""
            )
        except (SecurityError, UndefinedError, TypeError, ValueError, ArithmeticError) as exc:
            # e.g. {{ rank + 1 }}: the checks pass, the values do not fit
            raise TemplateInvalid(
                {"__all__": [_("The mail could not be rendered: %(error)s") % {"error": exc}]}
            ) from exc
        return RenderedMail(" ".join(subject.split()), html, text)


def _text_as_html(text: str) -> Markup:
    return Markup("<br>").join(text.splitlines()) if text else Markup("")


def compile_mail(
    subject: str, html: str, text: str, *, extra_fields: frozenset[str] = frozenset()
) -> CompiledMail:
    """Parse and check the three parts (raising :class:`TemplateInvalid` with the line of
    each problem, per part), inline the HTML's CSS once, return the compiled mail."""
    known = frozenset(MERGE_FIELDS) | extra_fields
    errors: dict[str, list[str]] = {}
    for name, source, env in (
        ("subject", subject, TEXT_ENV),
        ("html", html, HTML_ENV),
        ("text", text, TEXT_ENV),
    ):
        problems = check_template(source or "", env, known=known)
        if problems:
            errors[name] = problems
    if errors:
        raise TemplateInvalid(errors, _("The template has errors; see each part."))
    inlined = inline_css(html) if html else ""
    used: set[str] = set()
    for source, env in ((subject, TEXT_ENV), (inlined, HTML_ENV), (text, TEXT_ENV)):
        used |= meta.find_undeclared_variables(env.parse(source or ""))
    return CompiledMail(
        subject_template=TEXT_ENV.from_string(subject or ""),
        html_template=HTML_ENV.from_string(inlined) if inlined else None,
        text_template=TEXT_ENV.from_string(text) if text else None,
        html_source=inlined,
        fields=frozenset(used),
    )
