"""The sandboxed Jinja environments mail templates run in (docs/adr/0010-mail-templates.md).

A template is written by a marketer, not a developer, and runs for every recipient inside
the server: it must not read what it should not (settings, the database, Python objects'
internals) nor run code. Three layers hold that:

* Jinja's ``ImmutableSandboxedEnvironment`` refuses private and internal attributes
  (``__class__``, ``mro``, ``func_globals`` …) and any method that changes a list or dict;
* on top of it :class:`MailEnvironment` allows *no* attribute of any object at all — the
  merge fields are plain strings, numbers, dicts and lists of dicts, and ``item.name`` on
  a dict is an item look-up, not an attribute — and no call of anything but the filters;
* the globals Jinja offers (``range``, ``lipsum``, ``cycler``, ``namespace``, ``dict``,
  ``joiner``) are removed, and there is no loader, so ``include`` / ``extends`` /
  ``import`` have nothing to read.

Validation (``templating.compile_mail``) also refuses, with the line, any ``_``-name and
any name that is not a merge field, so an attack is reported when the template is saved,
not discovered when a mail is sent.
"""

from __future__ import annotations

from typing import Any

from jinja2 import ChainableUndefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

# the Japanese names the block tags accept besides the codes
AGE_BAND_WORDS = {
    "10代以下": "10s",
    "10代": "10s",
    "20代": "20s",
    "30代": "30s",
    "40代": "40s",
    "50代": "50s",
    "60代": "60s",
    "70代以上": "70s+",
    "70代": "70s+",
}
BUYER_WORDS = {
    "初回": "first",
    "初回購入": "first",
    "リピート": "repeat",
    "リピーター": "repeat",
    "未購入": "none",
    "never": "none",  # the segments' buyer_status condition says never
    "購入なし": "none",
}


class BlockTags(Extension):
    """Readable blocks shown only to some recipients:

    ``{% rank "ゴールド", "プラチナ" %}…{% endrank %}`` — to a rank (会員ランク) of the list;
    ``{% buyer "first" %}…{% endbuyer %}`` — to first-time (``first`` / 初回), repeat
    (``repeat`` / リピート) or not-yet (``none`` / 未購入) buyers;
    ``{% age_band "20s" "30代" %}…{% endage_band %}`` — to an age band (codes of the
    segments' ``age_band`` condition, or 10代以下 … 70代以上).

    Each becomes ``{% if field in [...] %}`` — the same as writing the ``if`` by hand.
    """

    tags = {"rank", "buyer", "age_band"}
    _fields = {"rank": "rank", "buyer": "buyer_status", "age_band": "age_band"}
    _words: dict[str, dict[str, str]] = {"buyer": BUYER_WORDS, "age_band": AGE_BAND_WORDS}

    def parse(self, parser):
        token = next(parser.stream)
        tag = token.value
        values: list[nodes.Expr] = []
        while parser.stream.current.type != "block_end":
            if values:  # "a" "b" would be one string to Jinja: names are comma-separated
                parser.stream.expect("comma")
            expr = parser.parse_primary()
            if not isinstance(expr, nodes.Const) or not isinstance(expr.value, str):
                parser.fail(f"{tag}: quoted names only", token.lineno)
            words = self._words.get(tag, {})
            values.append(nodes.Const(words.get(expr.value, expr.value)))
        if not values:
            parser.fail(f"{tag}: at least one name", token.lineno)
        body = parser.parse_statements((f"name:end{tag}",), drop_needle=True)
        test = nodes.Compare(
            nodes.Name(self._fields[tag], "load"), [nodes.Operand("in", nodes.List(values))]
        )
        return nodes.If(test, body, [], []).set_lineno(token.lineno)


class MailEnvironment(ImmutableSandboxedEnvironment):
    """No attribute of any object, no call but the filters (see the module docstring)."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        # raise at once: the chainable undefined of unknown fields would print nothing
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} refused")


# the filters a mail template may use: text shaping only (``attr``, ``map``, ``format``,
# ``tojson`` … are gone, so no filter reaches an attribute or builds markup from data; and
# ``replace``, ``center``, ``indent``, whose arguments could blow one mail up to gigabytes)
ALLOWED_FILTERS = frozenset(
    {
        "default",
        "d",
        "upper",
        "lower",
        "title",
        "capitalize",
        "trim",
        "truncate",
        "join",
        "length",
        "count",
        "first",
        "last",
        "int",
        "round",
        "wordwrap",
        "striptags",
        "escape",
        "e",
        "abs",
        "urlencode",
        "string",
    }
)


def make_environment(*, autoescape: bool) -> MailEnvironment:
    """One environment per body kind: HTML escapes merge fields, subject and text do not."""
    env = MailEnvironment(
        autoescape=autoescape,
        undefined=ChainableUndefined,  # an unknown field at send time prints nothing
        extensions=[BlockTags],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()
    env.filters = {k: v for k, v in env.filters.items() if k in ALLOWED_FILTERS}
    env.tests = {k: v for k, v in env.tests.items() if k not in {"callable", "sameas"}}
    return env


HTML_ENV = make_environment(autoescape=True)
TEXT_ENV = make_environment(autoescape=False)
