"""Demo mail for ``daifuku demo`` (seed 003): 「スタッフ さき」 writes to customers up to
their 20s, 「店長 山田」 to everyone else; an autumn mail with a block only ゴールド members
see and one for first-time buyers; the sender's identity the law asks for; and a draft
campaign of that mail to the demo segment of repeat buyers with a mail consent — so a fresh
install shows the whole mail machine at once (preview, audience, send)."""

from __future__ import annotations

from .models import Campaign, MailSettings, MailTemplate, MailTopic, Persona, Segment
from .services.mail_templates import create_template
from .services.personas import create_persona

AUTUMN_HTML = """<style>
  .box { font-family: sans-serif; max-width: 600px; margin: 0 auto; color: #333; line-height: 1.7; }
  .gold { background: #fdf6e3; padding: 12px; border-left: 4px solid #b8860b; }
  .button { display: inline-block; padding: 8px 16px; background: #b22222; color: #fff; text-decoration: none; }
</style>
<div class="box">
  <p>{{ display_name }}</p>
  <p>いつも大福茶舗をご利用いただき、ありがとうございます。今年も秋の新茶が入荷しました。</p>
  {% rank "ゴールド" %}<p class="gold">ゴールド会員さまには、一般販売の3日前から先行でご案内しております。</p>{% endrank %}
  {% buyer "first" %}<p>先日は初めてのご購入、ありがとうございました。{{ last_product }}はいかがでしたか。</p>{% endbuyer %}
  {% if recommendations %}<p>{{ given_name }}さまへのおすすめ</p>
  <ul>{% for item in recommendations %}<li>{{ item.name }}（{{ item.price }}）</li>{% endfor %}</ul>{% endif %}
  <p><a class="button" href="https://shop.example.jp/autumn">秋の新茶を見る</a></p>
  <p>{{ signature }}</p>
</div>
"""
AUTUMN_TEXT = """{{ display_name }}

いつも大福茶舗をご利用いただき、ありがとうございます。今年も秋の新茶が入荷しました。
{% rank "ゴールド" %}ゴールド会員さまには、一般販売の3日前から先行でご案内しております。
{% endrank %}
https://shop.example.jp/autumn

{{ signature }}
"""


def add_demo_mail(context) -> str:
    actor = context.users.get("admin") or "daifuku demo"
    made = 0
    if not Persona.objects.exists():
        create_persona(
            actor=actor,
            data={
                "name": "店長",
                "from_name": "大福茶舗 店長 山田",
                "signature_text": "大福茶舗 店長 山田 一郎\nTEL 03-0000-0000",
                "is_default": True,
            },
        )
        create_persona(
            actor=actor,
            data={
                "name": "スタッフ さき",
                "from_name": "大福茶舗 スタッフ さき",
                "signature_text": "大福茶舗 スタッフ さき\nお気軽にご返信ください♪",
                "age_bands": ["10s", "20s"],
                "sort_order": 1,
            },
        )
        made += 2
    if not MailTemplate.objects.filter(name="秋の新茶のご案内").exists():
        create_template(
            actor=actor,
            data={
                "name": "秋の新茶のご案内",
                "subject": "{{ display_name }}へ 秋の新茶のご案内",
                "html": AUTUMN_HTML,
                "text": AUTUMN_TEXT,
                "is_advertising": True,
            },
        )
        made += 1
    _demo_sender(actor)
    made += _demo_topics(actor)
    made += _demo_campaign(actor)
    return f"{made} mail templates, personas, topics and campaigns"


DEMO_SENDER = {
    "name": "大福茶舗株式会社",
    "postal_address": "〒100-0005 東京都千代田区丸の内1-1-1",
    "contact": "お客様窓口 03-0000-0000（平日10時〜17時）",
    "from_email": "news@daifuku-demo.example",
}
DEMO_CAMPAIGN = "秋の新茶のご案内（下書き）"
DEMO_SEGMENT = "メール許諾ありのリピーター"  # demo.add_demo_segments makes it


def _demo_sender(actor) -> None:
    """The sender's identity (特定電子メール法) unless someone has set it already."""
    from .services.sender import update_sender_settings

    row = MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK).first()
    if row is not None and (row.sender_name or row.postal_address):
        return
    update_sender_settings(actor=actor, data=DEMO_SENDER)


DEMO_TOPICS = (
    ("new-products", "新商品のお知らせ", "新茶・季節の商品の入荷をお知らせします。"),
    ("events", "イベント・お茶会のご案内", "店舗でのお茶会や試飲会のご案内です。"),
)


def _demo_topics(actor) -> int:
    """Two mail topics a customer may refuse one by one on the preference page, and one
    address on the suppression list (a bounce), so the person page's mail panel and the
    send screen's reasons have something to show."""
    from daifuku.customers.models import EmailAddress

    from .services.suppression import suppress
    from .services.topics import create_topic

    if MailTopic.objects.exists():
        return 0
    for key, name, description in DEMO_TOPICS:
        create_topic(actor=actor, data={"key": key, "name": name, "description": description})
    last = EmailAddress.objects.filter(person__isnull=False).order_by("-person_id", "id").first()
    if last is not None:
        suppress(last.address, "bounce", note="デモデータ: 宛先不明で戻ったメール")
    return len(DEMO_TOPICS)


def _demo_campaign(actor) -> int:
    """A draft of the autumn mail to the repeat buyers, its audience counted."""
    from .services.audience_count import count_audience
    from .services.campaigns import create_campaign

    segment = Segment.objects.filter(name=DEMO_SEGMENT).first()
    template = MailTemplate.objects.filter(name="秋の新茶のご案内").first()
    if segment is None or template is None or Campaign.objects.filter(name=DEMO_CAMPAIGN):
        return 0
    topic = MailTopic.objects.filter(key="new-products").first()
    campaign = create_campaign(
        actor=actor,
        data={
            "name": DEMO_CAMPAIGN,
            "segment_id": segment.pk,
            "template_id": template.pk,
            "topic_id": topic.pk if topic else None,
        },
    )
    count_audience(campaign)
    return 1
