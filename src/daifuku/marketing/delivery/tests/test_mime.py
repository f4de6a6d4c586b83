"""The bytes the engine sends: read back by Python's own mail parser (the strict modern
policy), they must give the Japanese subject and sender, both bodies, the delivery's
Message-ID and tracking header — with every header line short enough and every encoded word
within RFC 2047's limits."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

from daifuku.marketing.delivery.mime import MessageShape, encoded_words, message_id, text_header
from daifuku.marketing.mailing.hooks import OutgoingMail

SUBJECT = (
    "【大福商店】田中 太郎 様へ 春の新作と会員ランク特典のご案内（ゴールド会員さま限定・送料無料）"
)


def mail(**changes) -> OutgoingMail:
    values = dict(
        delivery_id=7,
        token="AbC-123_xyz",
        email="hanako@docomo.ne.jp",
        person_id=3,
        campaign_id=1,
        subject=SUBJECT,
        html="<p>田中 太郎 様</p><p>春の新作です。</p>\n.<p>点で始まる行</p>",
        text="田中 太郎 様\n\n春の新作です。\n.点で始まる行\n",
        from_name="店長 山田",
        from_email="news@shop.example.jp",
        headers={
            "List-Unsubscribe": "<https://crm.example.jp/m/u/AbC-123_xyz/this-is-a-long-signed-part>, "
            "<mailto:unsubscribe@shop.example.jp?subject=AbC-123_xyz>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    values.update(changes)
    return OutgoingMail(**values)


def encode(outgoing: OutgoingMail, shape: MessageShape | None = None) -> bytes:
    shape = shape or MessageShape(reply_to="support@shop.example.jp")
    return shape.encode(
        outgoing, msgid=message_id(outgoing.token, outgoing.from_email), now=1_700_000_000
    )


def test_a_japanese_mail_reads_back_exactly():
    data = encode(mail())
    parsed = message_from_bytes(data, policy=policy.default)
    assert parsed["Subject"] == SUBJECT
    assert parsed["From"].addresses[0].display_name == "店長 山田"
    assert parsed["From"].addresses[0].addr_spec == "news@shop.example.jp"
    assert parsed["To"] == "hanako@docomo.ne.jp"
    assert parsed["Reply-To"] == "support@shop.example.jp"
    assert parsed["Message-ID"] == "<AbC-123_xyz@shop.example.jp>"
    assert parsed["X-Daifuku-Delivery"] == "AbC-123_xyz"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "mailto:unsubscribe@shop.example.jp" in parsed["List-Unsubscribe"]
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.iter_parts()
    assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
    assert text.get_content() == "田中 太郎 様\n\n春の新作です。\n.点で始まる行\n"
    assert html.get_content_type() == "text/html"
    assert "<p>春の新作です。</p>" in html.get_content()
    assert not parsed.defects and all(not part.defects for part in parsed.walk())


def test_lines_are_crlf_short_and_encoded_words_whole():
    data = encode(mail())
    head = data.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends CRLF
    for line in data.split(b"\r\n"):
        # folded where it can be; one unbreakable URL may run longer (RFC 5322: 998)
        assert len(line) <= (76 if b"=?UTF-8?" in line else 998), line
        line.decode("ascii")  # 7-bit on the wire: no relay needs to re-encode
    words = re.findall(rb"=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=", head)
    assert words
    for word in words:
        assert len(word) + len("=?UTF-8?B??=") <= 75
        import base64

        base64.b64decode(word).decode("utf-8")  # no character split across two words


def test_text_only_html_only_and_plain_ascii():
    text_only = message_from_bytes(encode(mail(html="")), policy=policy.default)
    assert text_only.get_content_type() == "text/plain"
    assert text_only.get_content().startswith("田中 太郎 様")
    html_only = message_from_bytes(encode(mail(text="")), policy=policy.default)
    assert html_only.get_content_type() == "text/html"
    plain = message_from_bytes(
        encode(mail(subject="Spring sale", from_name="Daifuku Shop")), policy=policy.default
    )
    assert plain["Subject"] == "Spring sale"
    assert plain["From"] == "Daifuku Shop <news@shop.example.jp>"
    assert b"Subject: Spring sale\r\n" in encode(mail(subject="Spring sale"))


def test_one_shape_serves_the_whole_campaign():
    shape = MessageShape()
    first = message_from_bytes(encode(mail(), shape), policy=policy.default)
    second = message_from_bytes(
        encode(mail(token="second", email="b@ezweb.ne.jp", subject="佐藤様へ"), shape),
        policy=policy.default,
    )
    assert first.get_boundary() == second.get_boundary()
    assert second["Subject"] == "佐藤様へ" and second["To"] == "b@ezweb.ne.jp"
    assert second["Message-ID"] == "<second@shop.example.jp>"


def test_encoded_words_never_split_a_character():
    long = "あ" * 40 + "🍡" * 5
    words = encoded_words(long)
    assert len(words) > 2
    import base64

    decoded = "".join(base64.b64decode(w[10:-2]).decode("utf-8") for w in words)
    assert decoded == long
    header = text_header("Subject", "改行\r\nを含む件名")
    assert b"\r\n " in header or len(header) < 78
    assert (
        message_from_bytes(header + b"\r\n", policy=policy.default)["Subject"] == "改行 を含む件名"
    )
