"""Constant tables behind :mod:`daifuku.core.japanese`.

Kept apart so the normalisation code stays readable. Nothing here needs Django or any
third-party package; the tables are plain data that change only when Japan does.
"""

from __future__ import annotations

# The 47 prefectures in JIS X 0401 order: (code, official name, Hepburn romaji without
# long-vowel marks). The romaji column lets imports from English-language systems
# ("Tokyo", "Osaka-fu") land on the same prefecture.
_PREFECTURE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("01", "北海道", "hokkaido"),
    ("02", "青森県", "aomori"),
    ("03", "岩手県", "iwate"),
    ("04", "宮城県", "miyagi"),
    ("05", "秋田県", "akita"),
    ("06", "山形県", "yamagata"),
    ("07", "福島県", "fukushima"),
    ("08", "茨城県", "ibaraki"),
    ("09", "栃木県", "tochigi"),
    ("10", "群馬県", "gunma"),
    ("11", "埼玉県", "saitama"),
    ("12", "千葉県", "chiba"),
    ("13", "東京都", "tokyo"),
    ("14", "神奈川県", "kanagawa"),
    ("15", "新潟県", "niigata"),
    ("16", "富山県", "toyama"),
    ("17", "石川県", "ishikawa"),
    ("18", "福井県", "fukui"),
    ("19", "山梨県", "yamanashi"),
    ("20", "長野県", "nagano"),
    ("21", "岐阜県", "gifu"),
    ("22", "静岡県", "shizuoka"),
    ("23", "愛知県", "aichi"),
    ("24", "三重県", "mie"),
    ("25", "滋賀県", "shiga"),
    ("26", "京都府", "kyoto"),
    ("27", "大阪府", "osaka"),
    ("28", "兵庫県", "hyogo"),
    ("29", "奈良県", "nara"),
    ("30", "和歌山県", "wakayama"),
    ("31", "鳥取県", "tottori"),
    ("32", "島根県", "shimane"),
    ("33", "岡山県", "okayama"),
    ("34", "広島県", "hiroshima"),
    ("35", "山口県", "yamaguchi"),
    ("36", "徳島県", "tokushima"),
    ("37", "香川県", "kagawa"),
    ("38", "愛媛県", "ehime"),
    ("39", "高知県", "kochi"),
    ("40", "福岡県", "fukuoka"),
    ("41", "佐賀県", "saga"),
    ("42", "長崎県", "nagasaki"),
    ("43", "熊本県", "kumamoto"),
    ("44", "大分県", "oita"),
    ("45", "宮崎県", "miyazaki"),
    ("46", "鹿児島県", "kagoshima"),
    ("47", "沖縄県", "okinawa"),
)

PREFECTURES: tuple[tuple[str, str], ...] = tuple((code, name) for code, name, _ in _PREFECTURE_ROWS)
PREFECTURE_NAMES: tuple[str, ...] = tuple(name for _, name in PREFECTURES)
PREFECTURE_ROMAJI: dict[str, str] = {romaji: name for _, name, romaji in _PREFECTURE_ROWS}
# Older spellings still found in address books.
PREFECTURE_ROMAJI["gumma"] = "群馬県"

# Company legal forms: stable key (stored in the database) -> the form as registered.
LEGAL_FORMS: dict[str, str] = {
    "kabushiki": "株式会社",
    "yugen": "有限会社",
    "godo": "合同会社",
    "goshi": "合資会社",
    "gomei": "合名会社",
    "ippan_shadan": "一般社団法人",
    "ippan_zaidan": "一般財団法人",
    "koeki_shadan": "公益社団法人",
    "koeki_zaidan": "公益財団法人",
    "npo": "特定非営利活動法人",
    "iryo": "医療法人",
    # Most medical corporations are registered as 医療法人社団/財団; without their own
    # keys "医療法人社団○○会" would keep "社団" in the base and never match "(医)○○会".
    "iryo_shadan": "医療法人社団",
    "iryo_zaidan": "医療法人財団",
    "shakai_iryo": "社会医療法人",
    "shakai_fukushi": "社会福祉法人",
    "gakko": "学校法人",
    "shukyo": "宗教法人",
    "kyodo_kumiai": "協同組合",
    "dokuritsu_gyosei": "独立行政法人",
    "chiho_dokuritsu_gyosei": "地方独立行政法人",
    "kokuritsu_daigaku": "国立大学法人",
    "koritsu_daigaku": "公立大学法人",
}

# Abbreviations written in parentheses, e.g. (株) / （株） / ㈱ (NFKC turns all three into
# "(株)"). (社) and (財) are deliberately absent: before the 2008 reform they meant
# 社団法人/財団法人, which today may be 一般 or 公益, so guessing would be wrong.
LEGAL_FORM_ABBREVIATIONS: dict[str, str] = {
    "株": "kabushiki",
    "有": "yugen",
    "同": "godo",
    "資": "goshi",
    "名": "gomei",
    "一社": "ippan_shadan",
    "一財": "ippan_zaidan",
    "公社": "koeki_shadan",
    "公財": "koeki_zaidan",
    "特非": "npo",
    "医": "iryo",
    "福": "shakai_fukushi",
    "社福": "shakai_fukushi",
    "学": "gakko",
    "宗": "shukyo",
    "協": "kyodo_kumiai",
}

# Abbreviations written without parentheses.
LEGAL_FORM_WORDS: dict[str, str] = {
    "NPO法人": "npo",
}

# English suffixes (regular expressions, matched case-insensitively at the end of a name
# after a space or comma). A Japanese company's English name almost always renders
# 株式会社 as one of "Co., Ltd.", "Inc.", "K.K.", "Corporation" or "Ltd.", and 合同会社 as
# "LLC" / "G.K.", so these map to kabushiki / godo: the same company typed in English
# or Japanese then shares one match key.
LEGAL_FORM_ENGLISH: tuple[tuple[str, str], ...] = (
    (r"co\.?\s*,?\s*ltd\.?", "kabushiki"),
    (r"kabushiki\s+kaisha", "kabushiki"),
    (r"k\.\s?k\.?|kk", "kabushiki"),
    (r"inc\.?|incorporated", "kabushiki"),
    (r"corporation|corp\.?", "kabushiki"),
    (r"ltd\.?|limited", "kabushiki"),
    (r"godo\s+kaisha|g\.\s?k\.|llc|l\.l\.c\.", "godo"),
)

# About 300 of the most common surnames with their usual katakana readings ("/" separates
# alternatives), including the common old-form kanji variants (齋藤, 渡邊, 髙橋 …).
# Used only to guess where an unspaced 氏名 or フリガナ splits; callers show the guess.
_SURNAME_TEXT = """
佐藤 サトウ|鈴木 スズキ|高橋 タカハシ|田中 タナカ|伊藤 イトウ|渡辺 ワタナベ|山本 ヤマモト
中村 ナカムラ|小林 コバヤシ|加藤 カトウ|吉田 ヨシダ|山田 ヤマダ|佐々木 ササキ|山口 ヤマグチ
松本 マツモト|井上 イノウエ|木村 キムラ|林 ハヤシ|斎藤 サイトウ|清水 シミズ|山崎 ヤマザキ/ヤマサキ
森 モリ|池田 イケダ|橋本 ハシモト|阿部 アベ|石川 イシカワ|山下 ヤマシタ|中島 ナカジマ/ナカシマ
石井 イシイ|小川 オガワ|前田 マエダ|岡田 オカダ|長谷川 ハセガワ|藤田 フジタ|後藤 ゴトウ
近藤 コンドウ|村上 ムラカミ|遠藤 エンドウ|青木 アオキ|坂本 サカモト|斉藤 サイトウ|福田 フクダ
太田 オオタ|西村 ニシムラ|藤井 フジイ|金子 カネコ|岡本 オカモト|藤原 フジワラ|中野 ナカノ
三浦 ミウラ|原田 ハラダ|中川 ナカガワ|松田 マツダ|竹内 タケウチ|小野 オノ|田村 タムラ
中山 ナカヤマ|和田 ワダ|石田 イシダ|森田 モリタ|上田 ウエダ|原 ハラ|内田 ウチダ|柴田 シバタ
酒井 サカイ|宮崎 ミヤザキ|横山 ヨコヤマ|高木 タカギ|安藤 アンドウ|宮本 ミヤモト|大野 オオノ
小島 コジマ|谷口 タニグチ|今井 イマイ|工藤 クドウ|高田 タカダ|増田 マスダ|丸山 マルヤマ
杉山 スギヤマ|村田 ムラタ|大塚 オオツカ|新井 アライ|小山 コヤマ/オヤマ|平野 ヒラノ|藤本 フジモト
河野 コウノ/カワノ|上野 ウエノ|野口 ノグチ|武田 タケダ|松井 マツイ|千葉 チバ|岩崎 イワサキ
菅原 スガワラ|木下 キノシタ|久保 クボ|佐野 サノ|野村 ノムラ|松尾 マツオ|市川 イチカワ
菊地 キクチ|杉本 スギモト|古川 フルカワ|大西 オオニシ|島田 シマダ|水野 ミズノ|桜井 サクライ
高野 タカノ|渡部 ワタナベ/ワタベ|吉川 ヨシカワ|山内 ヤマウチ|西田 ニシダ|飯田 イイダ|菊池 キクチ
西川 ニシカワ|小松 コマツ|北村 キタムラ|安田 ヤスダ|五十嵐 イガラシ|川口 カワグチ|平田 ヒラタ
関 セキ|中田 ナカタ|久保田 クボタ|服部 ハットリ|東 ヒガシ/アズマ|岩田 イワタ|土屋 ツチヤ
川崎 カワサキ|福島 フクシマ|本田 ホンダ|辻 ツジ|樋口 ヒグチ|秋山 アキヤマ|田口 タグチ
永井 ナガイ|山中 ヤマナカ|中西 ナカニシ|吉村 ヨシムラ|川上 カワカミ|石原 イシハラ|大橋 オオハシ
松岡 マツオカ|馬場 ババ|浅野 アサノ|荒木 アラキ|大久保 オオクボ|野田 ノダ|小池 コイケ
菅野 スガノ/カンノ|松下 マツシタ|熊谷 クマガイ|大石 オオイシ|星野 ホシノ|大島 オオシマ
内藤 ナイトウ|松浦 マツウラ|谷 タニ|岡 オカ|黒田 クロダ|尾崎 オザキ|永田 ナガタ|川村 カワムラ
望月 モチヅキ|田辺 タナベ|松村 マツムラ|荒井 アライ|堀 ホリ|大谷 オオタニ|平井 ヒライ
西山 ニシヤマ|早川 ハヤカワ|栗原 クリハラ|広瀬 ヒロセ|横田 ヨコタ|石橋 イシバシ|萩原 ハギワラ
岩本 イワモト|片山 カタヤマ|関口 セキグチ|宮田 ミヤタ|大川 オオカワ|本間 ホンマ|須藤 スドウ
岡崎 オカザキ|小西 コニシ|伊東 イトウ|南 ミナミ|鎌田 カマタ|上原 ウエハラ|篠原 シノハラ
小澤 オザワ|小沢 オザワ|吉岡 ヨシオカ|中尾 ナカオ|松原 マツバラ|福井 フクイ|古賀 コガ
大森 オオモリ|小田 オダ|成田 ナリタ|奥村 オクムラ|内山 ウチヤマ|北川 キタガワ|飯島 イイジマ
西尾 ニシオ|平山 ヒラヤマ|川田 カワダ|前川 マエカワ|高山 タカヤマ|松永 マツナガ|中谷 ナカタニ
島崎 シマザキ|堀内 ホリウチ|中井 ナカイ|白石 シライシ|浅井 アサイ|大竹 オオタケ|秋元 アキモト
細川 ホソカワ|桑原 クワハラ|竹田 タケダ|野崎 ノザキ|野中 ノナカ|金田 カネダ|高井 タカイ
今村 イマムラ|矢野 ヤノ|吉野 ヨシノ|杉浦 スギウラ|西 ニシ|新田 ニッタ|武藤 ムトウ|岡野 オカノ
堀田 ホッタ|宮下 ミヤシタ|宮内 ミヤウチ|川島 カワシマ|岩井 イワイ|小倉 オグラ|大木 オオキ
松山 マツヤマ|今野 コンノ|三宅 ミヤケ|坂口 サカグチ|竹中 タケナカ|大田 オオタ|沢田 サワダ
澤田 サワダ|森本 モリモト|榎本 エノモト|黒木 クロキ|山根 ヤマネ|関根 セキネ|伊達 ダテ
中嶋 ナカジマ|宇野 ウノ|荻野 オギノ|根本 ネモト|田島 タジマ|小原 オハラ/コハラ|福本 フクモト
岸 キシ|石塚 イシヅカ|長田 ナガタ/オサダ|吉原 ヨシハラ|篠田 シノダ|西野 ニシノ|山岸 ヤマギシ
西岡 ニシオカ|宮川 ミヤガワ|岡村 オカムラ|大山 オオヤマ|水谷 ミズタニ|川端 カワバタ
林田 ハヤシダ|志村 シムラ|飯塚 イイヅカ|中沢 ナカザワ|中澤 ナカザワ|齋藤 サイトウ|齊藤 サイトウ
渡邊 ワタナベ|渡邉 ワタナベ|髙橋 タカハシ|山﨑 ヤマザキ|吉澤 ヨシザワ|吉沢 ヨシザワ
相沢 アイザワ|相澤 アイザワ|青山 アオヤマ|赤木 アカギ|秋田 アキタ|浅田 アサダ|天野 アマノ
荒川 アラカワ|有馬 アリマ|池上 イケガミ|石黒 イシグロ|石山 イシヤマ|市村 イチムラ|井口 イグチ
今田 イマダ|岩瀬 イワセ|上村 ウエムラ/カミムラ|臼井 ウスイ|内海 ウツミ|梅田 ウメダ|江口 エグチ
遠山 トオヤマ|大沢 オオサワ|大澤 オオサワ|大平 オオヒラ|大村 オオムラ|岡部 オカベ|奥田 オクダ
落合 オチアイ|小野寺 オノデラ|片岡 カタオカ|加納 カノウ|金井 カナイ|金沢 カナザワ|川原 カワハラ
河合 カワイ|河村 カワムラ|神田 カンダ|岸本 キシモト|北野 キタノ|木内 キウチ|久野 クノ
栗田 クリタ|黒川 クロカワ|小泉 コイズミ|小早川 コバヤカワ|小森 コモリ|坂田 サカタ|坂井 サカイ
桜田 サクラダ|佐久間 サクマ|笹川 ササカワ|佐竹 サタケ|佐伯 サエキ|塩田 シオタ|篠崎 シノザキ
柴崎 シバサキ|島 シマ|下田 シモダ|白井 シライ|菅 スガ/カン|杉田 スギタ|関谷 セキヤ|瀬戸 セト
高島 タカシマ|高松 タカマツ|高見 タカミ|滝沢 タキザワ|竹下 タケシタ|竹本 タケモト|田代 タシロ
立石 タテイシ|谷川 タニガワ|田原 タハラ|千田 チダ|塚本 ツカモト|津田 ツダ|土田 ツチダ
寺田 テラダ|戸田 トダ|富田 トミタ|豊田 トヨダ/トヨタ|中原 ナカハラ|中本 ナカモト|長野 ナガノ
西本 ニシモト|西原 ニシハラ|野上 ノガミ|橋口 ハシグチ|長谷部 ハセベ|畑中 ハタナカ|浜田 ハマダ
濱田 ハマダ|早坂 ハヤサカ|原口 ハラグチ|日高 ヒダカ|平川 ヒラカワ|広田 ヒロタ|福岡 フクオカ
福永 フクナガ|藤川 フジカワ|藤村 フジムラ|藤岡 フジオカ|古田 フルタ|堀江 ホリエ|本多 ホンダ
牧野 マキノ|町田 マチダ|松崎 マツザキ|松島 マツシマ|三上 ミカミ|水田 ミズタ|溝口 ミゾグチ
三井 ミツイ|宮原 ミヤハラ|宮地 ミヤジ|向井 ムカイ|村井 ムライ|村山 ムラヤマ|茂木 モテギ
森下 モリシタ|森山 モリヤマ|守屋 モリヤ|八木 ヤギ|安井 ヤスイ|柳田 ヤナギダ|矢島 ヤジマ
山岡 ヤマオカ|山川 ヤマカワ|山村 ヤマムラ|湯浅 ユアサ|横井 ヨコイ|吉永 ヨシナガ|吉本 ヨシモト
米田 ヨネダ|若林 ワカバヤシ
"""

SURNAMES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (kanji, tuple(readings.split("/")))
    for kanji, readings in (
        entry.split(" ") for entry in _SURNAME_TEXT.replace("\n", "|").split("|") if entry
    )
)

#: 異体字: old, rare or registry forms people write the same name with, folded to the
#: common form wherever names are compared — search (index and query: search_key) and
#: 名寄せ (dedup.scoring.name_key). 斎/斉 and their old forms are one name (斎藤, 齋藤,
#: 斉藤 and 齊藤 are the same サイトウ on different documents).
KANJI_VARIANTS: dict[str, str] = {
    "髙": "高", "齋": "斎", "齊": "斎", "斉": "斎", "﨑": "崎", "嵜": "崎", "邊": "辺", "邉": "辺",
    "澤": "沢", "濱": "浜", "櫻": "桜", "廣": "広", "國": "国", "德": "徳", "槇": "槙", "嶋": "島",
    "嶌": "島", "冨": "富", "惠": "恵", "眞": "真", "實": "実", "龍": "竜", "瀨": "瀬", "藏": "蔵",
    "榮": "栄", "壽": "寿", "萬": "万", "禮": "礼", "條": "条", "淺": "浅", "來": "来", "靜": "静",
    "𠮷": "吉", "舘": "館", "峯": "峰", "栁": "柳", "澁": "渋",
}  # fmt: skip
