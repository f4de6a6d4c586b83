"""What a file can hold — people or companies (取引先) — and, for each, the fields a column
can fill, the headers that suggest them, and the keys that match a row to a customer who
is already in the ledger. People's fields live in :mod:`.mapping` (with the Google and
Outlook presets); this module adds the companies' and answers "which ones?" per target."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import mapping, orders_mapping
from .models import ImportTarget, MatchKey
from .orders_mapping import ORDER_FIELDS

#: An order history file (imports.orders); not one of ImportTarget's choices, so the
#: import run's table needs no migration for it.
ORDER_TARGET = "order"
#: What a file can hold, as the import screen offers it.
TARGET_CHOICES = [*ImportTarget.choices, (ORDER_TARGET, _("Orders"))]
TARGET_VALUES = frozenset(value for value, _label in TARGET_CHOICES)

#: The fields a column of a company file can fill, in the order the mapping screen lists them.
COMPANY_FIELDS: dict[str, object] = {
    "name": _("Company name (legal form before or after: 株式会社, (株), ㈱ …)"),
    "kana": _("Company name (kana)"),
    "corporate_number": _("Corporate number (13 digits)"),
    # contact points and address: the same fields, and labels, as a person's
    **{
        key: mapping.FIELDS[key]
        for key in (
            "email",
            "phone",
            "postal_code",
            "prefecture",
            "city",
            "address",
            "address_line",
            "building",
        )
    },
    "industry": _("Industry (JSIC division or its name)"),
    "size": _("Employees (a number or a range)"),
    "website": _("Website"),
    **{key: mapping.FIELDS[key] for key in ("tags", "notes", "external_id")},
}

_COMPANY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "会社名",
        "社名",
        "法人名",
        "企業名",
        "取引先名",
        "取引先",
        "商号",
        "名称",
        "company",
        "companyname",
        "organization",
        "organizationname",
        "account",
        "accountname",
        "name",
    ),
    "kana": (
        "フリガナ",
        "カナ",
        "よみ",
        "読み",
        "よみがな",
        "会社名カナ",
        "会社名(カナ)",
        "会社名(フリガナ)",
        "社名カナ",
        "社名(フリガナ)",
        "フリガナ(会社名)",
        "取引先名カナ",
        "取引先名(フリガナ)",
        "法人名カナ",
        "法人名(フリガナ)",
        "kana",
        "furigana",
        "yomi",
    ),
    "corporate_number": (
        "法人番号",
        "法人番号(13桁)",
        "corporatenumber",
        "corporateno",
        "houjinbangou",
    ),
    "email": (
        "メールアドレス",
        "メール",
        "代表メール",
        "代表メールアドレス",
        "email",
        "e-mail",
        "mail",
        "emailaddress",
    ),
    "phone": (
        "電話番号",
        "電話",
        "代表電話",
        "代表電話番号",
        "代表番号",
        "tel",
        "phone",
        "phonenumber",
        "mainphone",
    ),
    "postal_code": ("郵便番号", "〒", "zip", "zipcode", "postalcode", "postcode"),
    "prefecture": ("都道府県", "prefecture", "state", "region"),
    "city": ("市区町村", "市町村", "city"),
    "address": ("住所", "所在地", "本社所在地", "本店所在地", "address"),
    "address_line": ("番地", "町名番地", "住所1", "street", "address_line"),
    "building": ("建物名", "ビル名", "建物", "住所2", "building"),
    "industry": ("業種", "業界", "産業分類", "業種分類", "industry"),
    "size": (
        "従業員数",
        "社員数",
        "従業員",
        "規模",
        "企業規模",
        "会社規模",
        "employees",
        "numberofemployees",
        "headcount",
        "size",
    ),
    "website": (
        "url",
        "ホームページ",
        "ホームページurl",
        "webサイト",
        "ウェブサイト",
        "サイト",
        "hp",
        "website",
        "homepage",
        "web",
        "weburl",
    ),
    "tags": ("タグ", "ラベル", "分類", "tags", "labels"),
    "notes": ("備考", "メモ", "notes", "note", "memo", "comment"),
    "external_id": (
        "外部id",
        "取引先コード",
        "取引先番号",
        "取引先id",
        "会社コード",
        "企業コード",
        "顧客コード",
        "顧客番号",
        "externalid",
        "external_id",
        "id",
        "accountid",
    ),
}

_COMPANY_INDEX: dict[str, str] = {}
for _field, _words in _COMPANY_SYNONYMS.items():
    for _word in _words:
        _COMPANY_INDEX.setdefault(mapping.header_key(_word), _field)

#: The keys that match a row to an existing customer, per target (the first is the default).
KEYS: dict[str, tuple[str, ...]] = {
    ImportTarget.PERSON: (MatchKey.EMAIL, MatchKey.PHONE, MatchKey.EXTERNAL_ID),
    ImportTarget.COMPANY: (MatchKey.CORPORATE_NUMBER, MatchKey.EXTERNAL_ID),
}
#: A row can be imported only if the mapping fills one of these (a name, or a matching key).
IDENTIFYING: dict[str, frozenset[str]] = {
    ImportTarget.PERSON: frozenset({"full_name", "family_name", "email", "phone", "external_id"}),
    ImportTarget.COMPANY: frozenset({"name", "corporate_number", "external_id"}),
}


#: A column mapped to an admin-defined custom field (来店頻度, 会員ランク …) says ``custom.<key>``.
CUSTOM_PREFIX = "custom."


def custom_definitions(target: str) -> dict[str, object]:
    """``{"custom.<key>": definition}`` of the active custom fields of ``target``'s records."""
    from daifuku.customers.custom_fields import active_definitions

    kind = "company" if target == ImportTarget.COMPANY else "person"
    return {CUSTOM_PREFIX + d.key: d for d in active_definitions(kind)}


def fields_for(target: str) -> dict[str, object]:
    """The fields a column of a ``target`` file can fill: the built-in ones, then the
    active custom fields (labelled as the administrator named them)."""
    if target == ORDER_TARGET:
        return dict(ORDER_FIELDS)
    fields = dict(COMPANY_FIELDS if target == ImportTarget.COMPANY else mapping.FIELDS)
    for name, definition in custom_definitions(target).items():
        fields[name] = gettext("%(label)s (custom field)") % {"label": definition.label}
    return fields


def error_labels(definitions: dict[str, object]) -> dict[str, str]:
    """How a row's error names a custom field: by its label, not ``custom_fields.<key>``."""
    return {
        "custom_fields." + name.removeprefix(CUSTOM_PREFIX): d.label
        for name, d in definitions.items()
    }


def mapping_problems(target: str, column_mapping: dict[str, str], mode: str) -> list[str]:
    """What the mapping lacks for rows that create customers: a required custom field that
    no column fills would fail every new row, so it is said once, before the import runs
    (an update-only import keeps the values the customers have)."""
    if mode == "update" or target == ORDER_TARGET:
        return []
    mapped = set(column_mapping.values())
    return [
        gettext(
            "The required custom field “%(label)s” has no column: map the column that holds it "
            "(every new customer needs it)."
        )
        % {"label": d.label}
        for name, d in custom_definitions(target).items()
        if d.required and name not in mapped
    ]


def keys_for(target: str) -> tuple[str, ...]:
    return KEYS.get(target, KEYS[ImportTarget.PERSON])


def key_choices(target: str) -> list[tuple[str, str]]:
    """``(value, label)`` of the keys a run of this target may match by."""
    labels = dict(MatchKey.choices)
    return [(key, labels[key]) for key in keys_for(target)]


def suggest(headers: list[str], target: str, preset: str = "") -> dict[str, str]:
    """``{header: field}`` suggested for a file of ``target`` (presets are for people). A
    header that is a custom field's label (or key) goes to that field: the administrator
    defined it for exactly this data, so it wins over a built-in field's synonym."""
    if target == ORDER_TARGET:
        return orders_mapping.suggest(headers)
    if target == ImportTarget.COMPANY:
        chosen = mapping.suggest_from(headers, _COMPANY_INDEX)
    else:
        chosen = mapping.suggest(headers, preset)
    custom: dict[str, str] = {}
    for name, definition in custom_definitions(target).items():
        custom.setdefault(mapping.header_key(definition.label), name)
        custom.setdefault(mapping.header_key(definition.key), name)
    taken: set[str] = set()
    for header in headers:
        name = custom.get(mapping.header_key(header))
        if name and name not in taken:
            chosen[header] = name
            taken.add(name)
    return chosen
