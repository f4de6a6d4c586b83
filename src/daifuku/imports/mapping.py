"""Which column goes to which customer field: suggestions from header names (Japanese and
English), presets for Google Contacts and Outlook, and turning one row into service data."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from daifuku.core.japanese import (
    normalize_text,
    search_key,
    split_full_kana,
    split_full_name,
)
from daifuku.core.japanese_addresses import split_address as split_address_parts
from daifuku.imports.export import unneutralise

#: The fields a column can fill, in the order the mapping screen lists them.
FIELDS: dict[str, object] = {
    "full_name": _("Full name (split into family and given name)"),
    "family_name": _("Family name"),
    "given_name": _("Given name"),
    "full_kana": _("Full name in kana (split)"),
    "family_kana": _("Family name (kana)"),
    "given_kana": _("Given name (kana)"),
    "email": _("Email address"),
    "phone": _("Phone number"),
    "postal_code": _("Postal code"),
    "prefecture": _("Prefecture"),
    "city": _("City"),
    "address": _("Address (one column, prefecture first)"),
    "address_line": _("Street address"),
    "building": _("Building"),
    "birthday": _("Birthday"),
    "gender": _("Gender"),
    "company_name": _("Company name"),
    "department": _("Department"),
    "title": _("Title"),
    "tags": _("Tags"),
    "notes": _("Notes"),
    "preferences": _("Preferences"),
    "lifecycle": _("Lifecycle"),
    "source_channel": _("Source channel"),
    "external_id": _("External ID"),
    "member_number": _("Member number (会員番号)"),
    "consent_email": _("Email consent (yes/no)"),
    "consent_evidence": _("Consent evidence"),
}
MULTI = {"email", "phone", "tags"}

_SYNONYMS: dict[str, Iterable[str]] = {
    "full_name": (
        "氏名",
        "名前",
        "お名前",
        "顧客名",
        "会員名",
        "name",
        "fullname",
        "displayname",
        "表示名",
        "file as",
        "family_name + given_name",
        "full_name",
    ),
    "family_name": ("姓", "苗字", "名字", "氏", "lastname", "familyname", "surname", "family_name"),
    "given_name": ("名", "下の名前", "firstname", "givenname", "given_name"),
    "full_kana": (
        "フリガナ",
        "ふりがな",
        "カナ",
        "かな",
        "氏名カナ",
        "氏名(カナ)",
        "氏名(フリガナ)",
        "よみ",
        "読み",
        "よみがな",
        "yomi",
        "yominame",
        "kana",
        "full_kana",
    ),
    "family_kana": (
        "セイ",
        "姓カナ",
        "姓(カナ)",
        "姓(フリガナ)",
        "姓(ふりがな)",
        "フリガナ(姓)",
        "familynameyomi",
        "phoneticlastname",
        "yomilastname",
        "family_kana",
    ),
    "given_kana": (
        "メイ",
        "名カナ",
        "名(カナ)",
        "名(フリガナ)",
        "名(ふりがな)",
        "フリガナ(名)",
        "givennameyomi",
        "phoneticfirstname",
        "yomifirstname",
        "given_kana",
    ),
    "email": (
        "メールアドレス",
        "メール",
        "eメール",
        "email",
        "e-mail",
        "mail",
        "emailaddress",
        "e-mailaddress",
        "電子メールアドレス",
        "電子メール",
        "emails",
        "pcメール",
        "携帯メール",
    ),
    "phone": (
        "電話番号",
        "電話",
        "tel",
        "phone",
        "携帯",
        "携帯電話",
        "携帯番号",
        "自宅電話",
        "mobilephone",
        "homephone",
        "phonenumber",
        "businessphone",
        "会社電話",
        "phones",
        "連絡先",
    ),
    "postal_code": (
        "郵便番号",
        "〒",
        "zip",
        "zipcode",
        "postalcode",
        "postcode",
        "homepostalcode",
        "postal_code",
        "自宅の郵便番号",
    ),
    "prefecture": (
        "都道府県",
        "県",
        "prefecture",
        "state",
        "region",
        "homestate",
        "自宅の都道府県",
    ),
    "city": ("市区町村", "市町村", "city", "homecity", "自宅の市区町村"),
    "address": ("住所", "所在地", "address", "住所全体", "homeaddress"),
    "address_line": (
        "番地",
        "町名番地",
        "住所1",
        "street",
        "homestreet",
        "address_line",
        "自宅の番地",
    ),
    "building": ("建物名", "建物", "住所2", "マンション名", "building", "extendedaddress"),
    "birthday": ("生年月日", "誕生日", "birthday", "birthdate", "dateofbirth", "dob"),
    "gender": ("性別", "gender", "sex"),
    "company_name": (
        "会社名",
        "勤務先",
        "企業名",
        "法人名",
        "company",
        "organization",
        "organizationname",
        "company_name",
        "取引先名",
    ),
    "department": ("部署", "部署名", "所属", "department", "organizationdepartment"),
    "title": ("役職", "肩書", "title", "jobtitle", "organizationtitle"),
    "tags": (
        "タグ",
        "ラベル",
        "グループ",
        "tags",
        "labels",
        "groupmembership",
        "categories",
        "分類",
    ),
    "notes": ("備考", "メモ", "ノート", "notes", "note", "memo", "comment", "comments"),
    "preferences": ("好み", "嗜好", "preferences"),
    "lifecycle": ("ライフサイクル", "顧客区分", "lifecycle"),
    "source_channel": ("流入経路", "獲得経路", "source", "sourcechannel", "source_channel"),
    "member_number": (
        "会員番号",
        "会員no",
        "会員id",
        "会員コード",
        "ポイントカード番号",
        "membernumber",
        "memberno",
        "memberid",
        "member_number",
    ),
    "external_id": (
        "顧客番号",
        "顧客id",
        "顧客コード",
        "externalid",
        "external_id",
        "id",
        "customerid",
        "customernumber",
    ),
    "consent_email": (
        "メール配信同意",
        "メルマガ",
        "メルマガ購読",
        "メール配信",
        "配信許可",
        "emailconsent",
        "newsletter",
        "optin",
        "consent_email",
    ),
    "consent_evidence": ("同意の根拠", "同意根拠", "同意日", "consentevidence", "consent_evidence"),
}


def header_key(header: str) -> str:
    """Headers compared without width, case, spaces, dashes or underscores … mostly."""
    key = search_key(header).replace("_", "").replace("-", "").replace("・", "")
    return key.replace("(", "(").replace(")", ")")


_INDEX: dict[str, str] = {}
for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _INDEX.setdefault(header_key(_word), _field)

# Google Contacts (old and new CSV) and Outlook export headers with numbered repeats.
_PATTERNS = [
    (re.compile(r"^e-?mail ?\d+ - value$", re.I), "email"),
    (re.compile(r"^phone ?\d+ - value$", re.I), "phone"),
    (re.compile(r"^e-?mail ?\d* ?address$", re.I), "email"),
    (re.compile(r"^address ?1 - postal code$", re.I), "postal_code"),
    (re.compile(r"^address ?1 - region$", re.I), "prefecture"),
    (re.compile(r"^address ?1 - city$", re.I), "city"),
    (re.compile(r"^address ?1 - street$", re.I), "address_line"),
    (re.compile(r"^address ?1 - extended address$", re.I), "building"),
    (re.compile(r"^organi[sz]ation ?1? - name$", re.I), "company_name"),
    (re.compile(r"^organi[sz]ation ?1? - title$", re.I), "title"),
    (re.compile(r"^organi[sz]ation ?1? - department$", re.I), "department"),
    (re.compile(r"^電子メール ?\d* ?アドレス$"), "email"),
]

PRESETS: dict[str, dict[str, str]] = {
    "google": {
        "Name": "full_name",
        "Given Name": "given_name",
        "Family Name": "family_name",
        "First Name": "given_name",
        "Last Name": "family_name",
        "Given Name Yomi": "given_kana",
        "Family Name Yomi": "family_kana",
        "Phonetic First Name": "given_kana",
        "Phonetic Last Name": "family_kana",
        "Birthday": "birthday",
        "Notes": "notes",
        "Labels": "tags",
        "Group Membership": "tags",
        "Organization Name": "company_name",
        "Organization Title": "title",
        "Organization Department": "department",
    },
    "outlook": {
        "First Name": "given_name",
        "Last Name": "family_name",
        "Company": "company_name",
        "Department": "department",
        "Job Title": "title",
        "Home Street": "address_line",
        "Home City": "city",
        "Home State": "prefecture",
        "Home Postal Code": "postal_code",
        "Mobile Phone": "phone",
        "Home Phone": "phone",
        "Business Phone": "phone",
        "E-mail Address": "email",
        "E-mail 2 Address": "email",
        "Birthday": "birthday",
        "Notes": "notes",
        "Categories": "tags",
        "Yomi First Name": "given_kana",
        "Yomi Last Name": "family_kana",
        "姓": "family_name",
        "名": "given_name",
        "姓 (ふりがな)": "family_kana",
        "名 (ふりがな)": "given_kana",
        "会社名": "company_name",
        "部署": "department",
        "役職": "title",
        "自宅の郵便番号": "postal_code",
        "自宅の都道府県": "prefecture",
        "自宅の市区町村": "city",
        "自宅の番地": "address_line",
        "携帯電話": "phone",
        "自宅電話": "phone",
        "電子メール アドレス": "email",
        "誕生日": "birthday",
        "メモ": "notes",
        "分類項目": "tags",
    },
}
PRESET_LABELS = {"google": "Google Contacts", "outlook": "Outlook"}


def suggest(headers: list[str], preset: str = "") -> dict[str, str]:
    """``{header: field}`` for the headers of a people file we recognise (a preset's
    headers first, then the synonyms, then the numbered Google/Outlook patterns)."""
    table = PRESETS.get(preset, {})
    preset_keys = {header_key(k): v for k, v in table.items()}
    return suggest_from(headers, {**_INDEX, **preset_keys}, _PATTERNS)


def suggest_from(headers: list[str], index: dict[str, str], patterns=()) -> dict[str, str]:
    """``{header: field}`` from an index ``{header_key: field}``; a field that may hold
    one value only is given to its first column."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = index.get(header_key(header))
        if field is None:
            field = next(
                (f for pattern, f in patterns if pattern.match(normalize_text(header))), None
            )
        if field is None or (field in taken and field not in MULTI):
            continue
        chosen[header] = field
        taken.add(field)
    return chosen


def detect_preset(headers: list[str]) -> str:
    keys = {header_key(h) for h in headers}
    if {"givennameyomi", "familynameyomi"} & keys or any(
        header_key(h).startswith("email1") for h in headers
    ):
        return "google"
    if {"homepostalcode", "mobilephone", "email2address"} & keys or "自宅の郵便番号" in keys:
        return "outlook"
    return ""


# --- rows -> data --------------------------------------------------------------------------

_GENDERS = {
    "男": "male",
    "男性": "male",
    "m": "male",
    "male": "male",
    "女": "female",
    "女性": "female",
    "f": "female",
    "female": "female",
    "その他": "other",
    "other": "other",
}
_YES = {
    "1",
    "yes",
    "y",
    "true",
    "はい",
    "同意",
    "同意する",
    "許可",
    "希望",
    "希望する",
    "○",
    "o",
    "opt-in",
    "optin",
}
_NO = {
    "0",
    "no",
    "n",
    "false",
    "いいえ",
    "不同意",
    "拒否",
    "不要",
    "希望しない",
    "×",
    "x",
    "opt-out",
    "optout",
}
_ERAS = {
    "明治": 1867,
    "m": 1867,
    "大正": 1911,
    "t": 1911,
    "昭和": 1925,
    "s": 1925,
    "平成": 1988,
    "h": 1988,
    "令和": 2018,
    "r": 2018,
}
_JP_DATE = re.compile(
    r"^(明治|大正|昭和|平成|令和|[MTSHRmtshr])?\s*(\d{1,4}|元)\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$"
)


@functools.lru_cache(maxsize=1 << 16)  # a few tens of thousands of distinct dates in any file
def parse_birthday(value: str) -> str:
    """'1980/1/2', '1980年1月2日', '昭和55年1月2日', 'S55.1.2' → '1980-01-02'; other text
    is returned unchanged so validation reports it."""
    text = normalize_text(value)
    match = _JP_DATE.match(text)
    if not match:
        return text
    era, year, month, day = match.groups()
    year_number = 1 if year == "元" else int(year)
    if era:
        year_number += _ERAS[era.lower() if len(era) == 1 else era]
    return f"{year_number:04d}-{int(month):02d}-{int(day):02d}"


def split_address(value: str) -> dict[str, str]:
    """A one-column address (住所, 所在地) → postal code, prefecture, city and the rest
    (core.japanese_addresses.split_address: the parts it recognises, the rest as written)."""
    parts = split_address_parts(value)
    values = {
        "postal_code": parts.postal_code,
        "prefecture": parts.prefecture,
        "city": parts.city,
        "address_line": parts.rest,
    }
    return {key: part for key, part in values.items() if part}


def _phone_cell(value: str) -> str:
    text = normalize_text(value)
    # Excel drops the leading 0 of a phone number typed as a number (9012345678)
    if text.isdigit() and len(text) in (9, 10) and not text.startswith("0"):
        return "0" + text
    return text


# compiled once: row_data runs for every row of a file of up to a million rows
_EMAIL_SEPARATORS = re.compile(r"[\n;,\s]+|:::")
_PHONE_SEPARATORS = re.compile(r"[\n;/,]+|:::")
_TAG_SEPARATORS = re.compile(r"[,、;\n]|:::")


# the fields row_data reads in a way of their own; every other field takes the cell as it is
_READ_SPECIALLY = frozenset(
    {
        "email",
        "phone",
        "tags",
        "full_name",
        "full_kana",
        "address",
        "birthday",
        "gender",
        "consent_email",
    }
)


def row_data(mapping: list[tuple[int, str]], cells: list[str]) -> dict:
    """Service data (customers.create_person keys + import extras) from one row; empty
    cells are left out, so an update never blanks a field the file did not fill."""
    data: dict = {}
    emails: list[str] = []
    phones: list[str] = []
    tags: list[str] = []
    count = len(cells)
    for index, field in mapping:
        if index >= count:
            continue
        value = cells[index].strip()
        if not value:
            continue
        if value[0] == "'":  # neutralised by an export or the failed-rows file: as it was
            value = unneutralise(value)
        if field not in _READ_SPECIALLY:  # most columns: the cell as it is (cleaned later)
            data.setdefault(field, value)
        elif field == "email":
            emails.extend(v for v in _EMAIL_SEPARATORS.split(value) if v)
        elif field == "phone":
            phones.extend(_phone_cell(v) for v in _PHONE_SEPARATORS.split(value) if v.strip())
        elif field == "tags":
            tags.extend(
                t.strip().lstrip("* ")
                for t in _TAG_SEPARATORS.split(value)
                if t.strip().lstrip("* ")
            )
        elif field == "full_name":
            family, given = split_full_name(value)
            data.setdefault("family_name", family)
            if given:
                data.setdefault("given_name", given)
        elif field == "full_kana":
            family, given = split_full_kana(value)
            data.setdefault("family_kana", family)
            if given:
                data.setdefault("given_kana", given)
        elif field == "address":
            for key, part in split_address(value).items():
                data.setdefault(key, part)
        elif field == "birthday":
            data.setdefault("birthday", parse_birthday(value))
        elif field == "gender":
            data.setdefault("gender", _GENDERS.get(normalize_text(value).lower(), value))
        elif field == "consent_email":
            lowered = normalize_text(value).lower()
            data.setdefault(
                "consent_email", True if lowered in _YES else False if lowered in _NO else value
            )
    if emails:
        data["emails"] = list(dict.fromkeys(emails))
    if phones:
        data["phones"] = phones
    if tags:
        data["tags"] = list(dict.fromkeys(tags))
    return data


def compile_mapping(
    headers: list[str], mapping: dict[str, str], fields=FIELDS
) -> list[tuple[int, str]]:
    """``{header: field}`` → ``[(column index, field)]``; unknown fields and headers are ignored."""
    plan = []
    for index, header in enumerate(headers):
        field = mapping.get(header)
        if field in fields:
            plan.append((index, field))
    return plan


def name_in_row(plan: list[tuple[int, str]], cells: list[str], changes: dict | None = None) -> str:
    """The name a row gives its customer, for the result page: a person's 氏名 (or 姓 and 名),
    a company's name — from the row's cells, else from what a dry run kept of it."""
    data = row_data(plan, cells) if cells else {}
    values = (changes or {}).get("values") or {}
    if data.get("name") or (changes or {}).get("name"):
        return str(data.get("name") or changes["name"])
    family = data.get("family_name") or values.get("family_name") or ""
    given = data.get("given_name") or values.get("given_name") or ""
    return f"{family} {given}".strip()
