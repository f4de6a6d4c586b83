"""Short Japanese texts for seed records: preferences, notes, buildings, job titles.

All of it is invented and generic; nothing refers to a real person or business.
"""

from __future__ import annotations

#: Fragments of a customer's preferences (嗜好・要望); one or two make up the field.
PREFERENCE_FRAGMENTS: tuple[str, ...] = (
    "和食が好き。",
    "甘いものが苦手。",
    "週末は家族で来店。",
    "平日の夕方に来店することが多い。",
    "メールより電話での連絡を希望。",
    "午前中の連絡を希望。",
    "LINEでの案内を希望。",
    "ポイント会員。",
    "新商品の案内を希望。",
    "DMは不要。",
    "辛いものが好き。",
    "ワインが好き。",
    "日本酒が好き。",
    "コーヒーはブラック派。",
    "ギフト包装をよく依頼する。",
    "駐車場の有無を気にする。",
    "子ども連れで来店。",
    "犬を飼っている。",
    "減塩の商品を希望。",
    "セール時にまとめ買いする。",
    "季節の限定品に関心が高い。",
    "オンラインで購入することが多い。",
    "入口のスロープが必要。",
    "領収書は会社名で発行。",
    "誕生日に特典を案内済み。",
)

#: Free-form notes a sales rep or shop clerk leaves on a record (備考).
NOTES: tuple[str, ...] = (
    "展示会で名刺交換。",
    "紹介者は既存のお客様。",
    "誕生日月にDMを送付済み。",
    "前回購入から半年経過。",
    "電話がつながりにくい。夕方以降が確実。",
    "引っ越し予定あり。住所変更に注意。",
    "配送遅延の問い合わせ対応済み。",
    "法人契約も検討中。",
    "担当者変更の連絡済み。",
    "次回訪問時にカタログを持参する。",
    "見積書を送付済み。返答待ち。",
    "来店時は駐車券を渡す。",
)

_BUILDING_PREFIXES = (
    "メゾン",
    "コーポ",
    "ハイツ",
    "パーク",
    "グランド",
    "サン",
    "シティ",
    "ヴィラ",
)
_BUILDING_CORES = ("桜", "青葉", "緑が丘", "中央", "富士見", "若葉", "ひまわり", "朝日", "栄", "東")
_BUILDING_SUFFIXES = ("マンション", "ハイツ", "レジデンス", "コート", "荘")

#: Names of apartment buildings (建物名) for home addresses, e.g. "メゾン青葉", "桜マンション".
APARTMENT_NAMES: tuple[str, ...] = tuple(
    [prefix + core for prefix in _BUILDING_PREFIXES for core in _BUILDING_CORES]
    + [core + suffix for core in _BUILDING_CORES for suffix in _BUILDING_SUFFIXES]
)

#: Office building names; a company address may also use its own stem ("山田ビル").
OFFICE_BUILDING_NAMES: tuple[str, ...] = (
    "中央ビル",
    "第一ビル",
    "第二ビル",
    "駅前ビル",
    "本町ビル",
    "センタービル",
    "ビジネスタワー",
    "スクエアビル",
    "朝日ビル",
    "富士ビル",
)

#: (department, weight); "" is a contact whose department is unknown or a small firm.
DEPARTMENTS: tuple[tuple[str, int], ...] = (
    ("営業部", 30),
    ("総務部", 12),
    ("経理部", 6),
    ("人事部", 5),
    ("購買部", 6),
    ("製造部", 5),
    ("技術部", 6),
    ("開発部", 5),
    ("情報システム部", 5),
    ("経営企画部", 4),
    ("マーケティング部", 4),
    ("品質管理部", 2),
    ("広報部", 2),
    ("", 18),
)

#: (title, weight, per-mille chance the contact is a key person (キーパーソン)).
TITLES: tuple[tuple[str, int, int], ...] = (
    ("代表取締役", 5, 800),
    ("取締役", 4, 600),
    ("部長", 10, 500),
    ("次長", 3, 300),
    ("課長", 12, 250),
    ("係長", 8, 100),
    ("主任", 10, 60),
    ("マネージャー", 5, 150),
    ("", 43, 40),
)
