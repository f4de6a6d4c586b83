"""The Japanese UI is the default and must be complete.

For every app under ``src/daifuku`` that has a ``locale`` folder:

* every string marked for translation in its Python code (``_("…")``, ``gettext_lazy``,
  ``ngettext`` …, found with :mod:`ast`) and templates (``{% translate %}``,
  ``{% blocktranslate %}``) is in the app's ``locale/ja/LC_MESSAGES/django.po`` — so a new
  string without a translation fails the suite, not a user;
* no entry of that catalogue is empty or fuzzy;
* the committed ``django.mo`` says exactly what the ``.po`` says (someone edited the ``.po``
  and forgot ``make messages`` otherwise).

Fix a failure with ``python -m daifuku.core.i18n_tools extract <app>``, translate, then
``make messages``.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest

from daifuku.core.i18n_tools import app_dirs, catalogue

APPS = {d.name: d for d in app_dirs()}
SKIP_DIRS = {"tests", "migrations", "locale", "static", "__pycache__"}

# --- extraction ---------------------------------------------------------------------------
# (msgctxt or None, msgid, msgid_plural or None)
Message = tuple[str | None, str, str | None]

SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy", "ungettext", "ungettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _strings(args: list[ast.expr], count: int) -> list[str] | None:
    values = []
    for arg in args[:count]:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            return None  # a variable: nothing to extract (xgettext skips it too)
        values.append(arg.value)
    return values if len(values) == count else None


def python_messages(path: Path) -> set[Message]:
    found: set[Message] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in SINGULAR and (s := _strings(node.args, 1)):
            found.add((None, s[0], None))
        elif name in PLURAL and (s := _strings(node.args, 2)):
            found.add((None, s[0], s[1]))
        elif name in CONTEXT and (s := _strings(node.args, 2)):
            found.add((s[0], s[1], None))
        elif name in CONTEXT_PLURAL and (s := _strings(node.args, 3)):
            found.add((s[0], s[1], s[2]))
    return found


_STRING = r"""(?:"(?P<{0}d>[^"]*)"|'(?P<{0}s>[^']*)')"""
TRANSLATE_TAG = re.compile(
    r"\{%\s*(?:translate|trans)\s+"
    + _STRING.format("m")
    + r"(?:[^%]*?\bcontext\s+"
    + _STRING.format("c")
    + r")?[^%]*%\}"
)
UNDERSCORE_IN_TAG = re.compile(r"\b_\(" + _STRING.format("m") + r"\)")
BLOCK_TAG = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(?P<options>[^%]*)%\}(?P<body>.*?)"
    r"\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.DOTALL,
)
BLOCK_CONTEXT = re.compile(r"\bcontext\s+" + _STRING.format("c"))
VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
PLURAL_TAG = re.compile(r"\{%\s*plural\s*%\}")


def _group(match: re.Match, prefix: str) -> str | None:
    double, single = match.group(prefix + "d"), match.group(prefix + "s")
    return double if double is not None else single


def _block_msgid(text: str, trimmed: bool) -> str:
    """Turn a blocktranslate body into the msgid Django looks up: ``{{ x }}`` → ``%(x)s``."""
    parts = []
    position = 0
    for match in VARIABLE.finditer(text):
        parts.append(text[position : match.start()].replace("%", "%%"))
        parts.append(f"%({match.group(1)})s")
        position = match.end()
    parts.append(text[position:].replace("%", "%%"))
    msgid = "".join(parts)
    if trimmed:
        msgid = re.sub(r"\s*\n\s*", " ", msgid.strip())
    return msgid


def template_messages(path: Path) -> set[Message]:
    source = path.read_text(encoding="utf-8")
    found: set[Message] = set()
    for match in TRANSLATE_TAG.finditer(source):
        context = (
            _group(match, "c") if (match.group("cd") or match.group("cs")) is not None else None
        )
        found.add((context, _group(match, "m"), None))
    for match in UNDERSCORE_IN_TAG.finditer(source):
        found.add((None, _group(match, "m"), None))
    for match in BLOCK_TAG.finditer(source):
        options = match.group("options")
        trimmed = "trimmed" in options.split()
        context_match = BLOCK_CONTEXT.search(options)
        context = _group(context_match, "c") if context_match else None
        singular, *plural = PLURAL_TAG.split(match.group("body"), maxsplit=1)
        found.add(
            (
                context,
                _block_msgid(singular, trimmed),
                _block_msgid(plural[0], trimmed) if plural else None,
            )
        )
    return found


def _files(app_dir: Path, suffix: str):
    for path in sorted(app_dir.rglob(f"*{suffix}")):
        if not SKIP_DIRS.intersection(path.relative_to(app_dir).parts[:-1]):
            yield path


def source_messages(app_dir: Path) -> dict[Message, Path]:
    found: dict[Message, Path] = {}
    for path in _files(app_dir, ".py"):
        for message in python_messages(path):
            found.setdefault(message, path)
    for path in _files(app_dir, ".html"):
        for message in template_messages(path):
            found.setdefault(message, path)
    for path in _files(app_dir, ".txt"):  # plain-text mail templates
        for message in template_messages(path):
            found.setdefault(message, path)
    return found


# --- the tests ----------------------------------------------------------------------------


def test_every_app_with_strings_has_a_locale_folder():
    """An app that marks strings for translation keeps its catalogue next to its code."""
    package = Path(__file__).resolve().parents[2]
    missing = []
    for app_dir in sorted(p for p in package.iterdir() if (p / "apps.py").exists()):
        if app_dir.name not in APPS and source_messages(app_dir):
            missing.append(app_dir.name)
    assert not missing, f"apps with translatable strings but no locale/ folder: {missing}"


@pytest.mark.parametrize("app", sorted(APPS))
def test_catalogue_has_every_source_string(app):
    app_dir = APPS[app]
    messages = source_messages(app_dir)
    po_path = catalogue(app_dir)
    if not messages:
        return
    assert po_path.exists(), (
        f"{app}: {len(messages)} strings are marked for translation but {po_path} is missing; "
        f"run `python -m daifuku.core.i18n_tools extract {app}` and translate them"
    )
    po = polib.pofile(str(po_path))
    known = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po if not e.obsolete}
    missing = sorted(
        (
            f"{path.relative_to(app_dir)}: {msgid!r}"
            for (ctx, msgid, plural), path in messages.items()
            if (ctx, msgid, plural) not in known
        ),
        key=str,
    )
    assert not missing, (
        f"{app}: strings not in {po_path.relative_to(app_dir.parent)} "
        f"(run `python -m daifuku.core.i18n_tools extract {app}`):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("app", sorted(APPS))
def test_catalogue_is_completely_translated(app):
    po_path = catalogue(APPS[app])
    if not po_path.exists():
        pytest.skip(f"{app} has no catalogue (and no strings, see the test above)")
    po = polib.pofile(str(po_path))
    # (A fuzzy *header*, as makemessages writes it, is harmless: msgfmt still uses it.)
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not fuzzy, (
        f"{po_path}: fuzzy entries (check the translation, then drop the flag): {fuzzy}"
    )
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert not untranslated, f"{po_path}: untranslated entries: {untranslated}"


def _catalogue_from_po(po: polib.POFile) -> dict:
    """What msgfmt would put in the .mo, keyed the way GNUTranslations keys its catalogue."""
    mapping = {}
    for entry in po.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                mapping[(key, int(index))] = text
        else:
            mapping[key] = entry.msgstr
    return mapping


@pytest.mark.parametrize("app", sorted(APPS))
def test_compiled_catalogue_matches_the_po(app):
    po_path = catalogue(APPS[app])
    if not po_path.exists():
        pytest.skip(f"{app} has no catalogue")
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    with mo_path.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)  # noqa: SLF001
    compiled.pop("", None)  # the header
    expected = _catalogue_from_po(polib.pofile(str(po_path)))
    stale = sorted(str(k) for k in expected.keys() ^ compiled.keys()) + sorted(
        str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k]
    )
    assert not stale, f"{mo_path} is out of date with its .po (run `make messages`): {stale[:10]}"


# --- the extractor itself -------------------------------------------------------------


def test_extractor_reads_translate_and_blocktranslate(tmp_path):
    template = tmp_path / "t.html"
    template.write_text(
        '{% translate "Save" %}{% trans \'Back\' context "nav" %}'
        "{% blocktranslate with name=p %}Edit {{ name }} at 100%{% endblocktranslate %}"
        "{% blocktranslate count n=c %}{{ n }} person{% plural %}{{ n }} people{% endblocktranslate %}"
        "{% blocktranslate trimmed %}\n  One\n  two\n{% endblocktranslate %}"
        '{{ value|default:_("None yet") }}',
        encoding="utf-8",
    )
    assert template_messages(template) == {
        (None, "Save", None),
        ("nav", "Back", None),
        (None, "Edit %(name)s at 100%%", None),
        (None, "%(n)s person", "%(n)s people"),
        (None, "One two", None),
        (None, "None yet", None),
    }


def test_extractor_reads_python_calls(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from django.utils.translation import gettext_lazy as _, ngettext, pgettext\n"
        "A = _('Joined ' 'string')\nB = ngettext('%(n)s item', '%(n)s items', 2)\n"
        "C = pgettext('month', 'May')\nD = _(variable)\n",
        encoding="utf-8",
    )
    assert python_messages(module) == {
        (None, "Joined string", None),
        (None, "%(n)s item", "%(n)s items"),
        ("month", "May", None),
    }


# --- the language a visitor sees ---------------------------------------------------------


def test_default_language_is_japanese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "ログイン" in html and "ユーザー名" in html and "パスワード" in html
    assert "Log in" not in html


def test_accept_language_english_shows_english(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Username" in html and "Password" in html
    assert "ログイン" not in html


def test_japanese_ledger_pages_show_japanese_terms(client, rep):
    client.force_login(rep)
    html = client.get("/customers/people/new/").content.decode()
    for term in (
        "姓",
        "セイ",
        "郵便番号",
        "都道府県",
        "関係性ステージ",
        "探索的",
        "相互接続",
        "見込み客",
        "リピーター",
        "推奨者",
    ):
        assert term in html, term
