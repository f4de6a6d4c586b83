"""The mail-template engine: the sandbox, escaping, blocks by rank / buyer / age band,
merge fields for many recipients in a bounded number of queries, persona choice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daifuku.marketing.templating import (
    TemplateInvalid,
    choose_persona,
    company_contexts,
    compile_mail,
    persona_context,
    preview,
    recipient_contexts,
)

from .tpl_world import build_mail_world


@pytest.fixture
def mail_world(db, rep, admin, django_capture_on_commit_callbacks):
    return build_mail_world(rep, admin, django_capture_on_commit_callbacks)


ATTACKS = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ settings.SECRET_KEY }}",
    "{{ rank|attr('__class__') }}",
    "{{ recommendations.pop() }}",
    "{{ recommendations['__class__'] }}",
    "{{ range(100000)|join }}",
    "{{ lipsum() }}",
    "{% include 'base.html' %}",
    "{% extends 'base.html' %}",
    "{% import 'x.html' as x %}",
    "{{ cycler }}",
    "{{ _ }}",
    "{{ family_name.upper() }}",
    "{% for k in recommendations[0].items() %}{% endfor %}",
    # what would make one mail huge or slow
    '{{ "x" * 1000000000 }}',
    "{{ 9 ** 9 ** 9 }}",
    '{{ "%0999999999d" % 1 }}',
    "{% set x = display_name ~ display_name %}{{ x }}",
    "{% with x = display_name %}{{ x }}{% endwith %}",
    '{{ display_name|replace("", "xxxxxxxxxx") }}',
    "{{ display_name|center(1000000000) }}",
    "{% macro m() %}{% endmacro %}",
    "{% for a in recommendations %}{% for b in recommendations %}{% for c in recommendations %}"
    "{% endfor %}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("part", ["subject", "html", "text"])
def test_attacks_are_refused_when_the_template_is_checked(attack, part):
    parts = {"subject": "件名", "html": "<p>本文</p>", "text": "本文"}
    parts[part] = "1行目\n" + attack if part != "subject" else attack
    with pytest.raises(TemplateInvalid) as caught:
        compile_mail(**parts)
    assert list(caught.value.errors) == [part]
    message = caught.value.errors[part][0]
    assert message.startswith("line ") or message.startswith("1 行目") or "行目" in message


def test_a_runtime_context_cannot_reach_internals_either():
    """Even with a Python object in the context, the sandbox refuses its attributes."""
    compiled = compile_mail("{{ rank }}", "", "")
    assert compiled.render({"rank": "ゴールド"}).subject == "ゴールド"
    from jinja2.exceptions import SecurityError

    from daifuku.marketing.templating.sandbox import HTML_ENV

    with pytest.raises(SecurityError):
        HTML_ENV.from_string("{{ x.__class__.__name__ }}").render(x="")
    with pytest.raises(SecurityError):  # no attribute of anything, not even str.upper
        HTML_ENV.from_string("{{ x.upper }}").render(x="a")


def test_syntax_errors_name_the_part_and_the_line():
    with pytest.raises(TemplateInvalid) as caught:
        compile_mail("ok", "<p>\n\n{% if rank %}</p>", "{{ display_name")
    errors = caught.value.errors
    assert set(errors) == {"html", "text"}
    assert "3" in errors["html"][0] or "4" in errors["html"][0]
    assert "1" in errors["text"][0]


def test_unknown_fields_are_refused_at_validation_and_empty_at_send():
    with pytest.raises(TemplateInvalid) as caught:
        compile_mail("{{ nickname }}様", "", "")
    assert "nickname" in caught.value.errors["subject"][0]
    compiled = compile_mail("{{ rank }}様", "<p>{{ last_product }}</p>", "")
    mail = compiled.render({})  # a field missing at send time prints nothing
    assert (mail.subject, mail.html) == ("様", "<p></p>")


def test_html_is_escaped_subject_and_text_are_not():
    compiled = compile_mail("{{ family_name }}", "<p>{{ family_name }}</p>", "{{ family_name }}")
    mail = compiled.render({"family_name": "<b>田中&</b>"})
    assert mail.html == "<p>&lt;b&gt;田中&amp;&lt;/b&gt;</p>"
    assert mail.subject == mail.text == "<b>田中&</b>"


def test_css_is_inlined_once_at_compile_time_and_blocks_survive_tables():
    html = (
        "<style>td { color: #c00 } .note { font-size: 12px }</style>"
        "<table><tbody>{% rank 'ゴールド' %}<tr><td>{{ display_name }}</td></tr>{% endrank %}"
        "</tbody></table><p class='note'><a href=\"https://x.jp/?r={{ rank }}\">x</a></p>"
    )
    compiled = compile_mail("s", html, "")
    assert "<style" not in compiled.html_source
    assert '<td style="color: #c00;">' in compiled.html_source
    gold = compiled.render({"rank": "ゴールド", "display_name": "田中 花子 様"}).html
    other = compiled.render({"rank": "シルバー", "display_name": "鈴木 一郎 様"}).html
    assert '<tr><td style="color: #c00;">田中 花子 様</td></tr>' in gold
    assert "<tr>" not in other and "鈴木" not in other
    assert 'href="https://x.jp/?r=ゴールド"' in gold


@pytest.mark.parametrize(
    ("source", "context", "shown"),
    [
        ("{% rank 'ゴールド', 'プラチナ' %}Y{% endrank %}", {"rank": "プラチナ"}, True),
        ("{% rank 'ゴールド' %}Y{% endrank %}", {"rank": "シルバー"}, False),
        ("{% buyer 'first' %}Y{% endbuyer %}", {"buyer_status": "first"}, True),
        ("{% buyer '初回' %}Y{% endbuyer %}", {"buyer_status": "first"}, True),
        ("{% buyer 'リピート' %}Y{% endbuyer %}", {"buyer_status": "first"}, False),
        ("{% buyer 'repeat' %}Y{% endbuyer %}", {"buyer_status": "repeat"}, True),
        ("{% age_band '20代', '30代' %}Y{% endage_band %}", {"age_band": "30s"}, True),
        ("{% age_band '70s+' %}Y{% endage_band %}", {"age_band": "60s"}, False),
        ("{% age_band '10代以下' %}Y{% endage_band %}", {"age_band": ""}, False),
        ('{% if rank == "ゴールド" %}Y{% endif %}', {"rank": "ゴールド"}, True),
        ("{% if first_time_buyer %}Y{% endif %}", {"first_time_buyer": True}, True),
        ("{% if repeat_buyer %}Y{% else %}N{% endif %}", {"repeat_buyer": False}, False),
    ],
)
def test_blocks_by_rank_buyer_and_age_band(source, context, shown):
    assert (compile_mail(source, "", "").render(context).subject == "Y") is shown


def test_recipient_contexts_hold_every_merge_field(mail_world):
    w = mail_world
    ctx = recipient_contexts([w["hanako"].pk, w["ichiro"].pk, w["kenta"].pk, 999999])
    assert set(ctx) == {w["hanako"].pk, w["ichiro"].pk, w["kenta"].pk}
    hanako, ichiro = ctx[w["hanako"].pk], ctx[w["ichiro"].pk]
    assert hanako["display_name"] == "田中 花子 様"
    assert hanako["company_display_name"] == "株式会社山田製作所 御中"
    assert hanako["department"] == "総務部"
    assert (hanako["rank"], hanako["buyer_status"], hanako["age_band"]) == (
        "ゴールド",
        "repeat",
        "40s",
    )
    assert hanako["age_band_label"] == "40代"
    assert hanako["last_product"] == "急須"
    assert hanako["recommendations"] == []  # she owns every product that sells
    assert (ichiro["rank"], ichiro["buyer_status"], ichiro["age_band"]) == (
        "ブロンズ",
        "first",
        "20s",
    )
    assert ichiro["first_time_buyer"] and not ichiro["repeat_buyer"]
    assert ichiro["company_name"] == ""
    assert [r["name"] for r in ichiro["recommendations"]][:1] == ["煎茶"]  # bought with 湯呑み
    assert ichiro["recommendations"][0]["price"] == "1,000円"


def test_company_recipients_are_addressed_onchu(mail_world):
    ctx = company_contexts([mail_world["company"].pk])[mail_world["company"].pk]
    assert ctx["display_name"] == "株式会社山田製作所 御中"
    assert ctx["family_name"] == ""


def test_recipient_contexts_take_a_bounded_number_of_queries(mail_world, rep):
    from daifuku.customers.services import create_person

    ids = [mail_world[k].pk for k in ("hanako", "ichiro", "kenta")]
    recipient_contexts(ids)  # warm analytics' co-purchase cache
    with CaptureQueriesContext(connection) as few:
        recipient_contexts(ids)
    for n in range(30):
        ids.append(create_person(actor=rep, data={"family_name": f"客{n}"}).pk)
    with CaptureQueriesContext(connection) as many:
        recipient_contexts(ids)
    assert len(many) == len(few) <= 8
    with CaptureQueriesContext(connection) as lean:
        recipient_contexts(ids, fields={"display_name", "rank"})
    assert len(lean) == 2  # people, figures


def test_persona_choice_by_age_band_else_default(db):
    from daifuku.marketing.services.personas import create_persona

    assert choose_persona("20s") is None
    young = create_persona(
        actor="test",
        data={"name": "さき", "from_name": "スタッフ さき", "age_bands": ["10s", "20s"]},
    )
    shop = create_persona(
        actor="test",
        data={
            "name": "店長",
            "from_name": "店長 山田",
            "is_default": True,
            "signature_text": "店長 山田",
        },
    )
    assert choose_persona("20s") == young
    assert choose_persona("50s") == shop
    assert choose_persona(None) == shop
    assert persona_context(shop)["signature_text"] == "店長 山田"


def test_signature_is_html_in_html_and_text_in_text():
    compiled = compile_mail("s", "<div>{{ signature }}</div>", "--\n{{ persona_signature }}")
    mail = compiled.render(
        {"signature_html": "<b>山田</b>", "signature_text": "山田\n03-0000-0000"}
    )
    assert mail.html == "<div><b>山田</b></div>"
    assert mail.text == "--\n山田\n03-0000-0000"
    plain = compiled.render({"signature_text": "山田\n<03>"})
    assert plain.html == "<div>山田<br>&lt;03&gt;</div>"


def test_preview_as_a_customer_uses_their_persona(mail_world):
    from daifuku.marketing.models import MailTemplate
    from daifuku.marketing.services.personas import create_persona

    create_persona(
        actor="test",
        data={"name": "さき", "from_name": "さき", "age_bands": ["20s"], "signature_text": "さき"},
    )
    template = MailTemplate(
        name="t",
        subject="{{ display_name }}へ",
        html="",
        text="{% rank 'ブロンズ' %}B{% endrank %}{{ signature }}",
    )
    mail = preview(template, mail_world["ichiro"])
    assert (mail.subject, mail.text) == ("鈴木 一郎 様へ", "Bさき")


def test_a_campaigns_own_persona_wins_over_the_age_band_rule(mail_world):
    from types import SimpleNamespace

    from daifuku.marketing.services.personas import create_persona

    create_persona(actor="test", data={"name": "さき", "from_name": "さき", "age_bands": ["20s"],
                                       "signature_text": "さき"})  # fmt: skip
    shop = create_persona(actor="test", data={"name": "店長", "from_name": "店長",
                                              "signature_text": "店長"})  # fmt: skip
    campaign = SimpleNamespace(subject="s", html="", text="{{ signature }}", persona=shop)
    assert preview(campaign, mail_world["ichiro"]).text == "店長"
    assert preview(campaign, None).text == "店長"


def test_very_deep_nesting_is_checked_quickly_and_refused():
    deep = "{% for a in recommendations %}" * 60 + "{% endfor %}" * 60
    with pytest.raises(TemplateInvalid) as caught:
        compile_mail("s", deep, "")
    assert "nested" in caught.value.errors["html"][0] or "入れ子" in caught.value.errors["html"][0]


def test_a_value_that_does_not_fit_is_a_clear_error_not_a_crash():
    compiled = compile_mail("{{ rank + 1 }}", "", "")
    with pytest.raises(TemplateInvalid):
        compiled.render({"rank": "ゴールド"})
    with pytest.raises(TemplateInvalid):
        compile_mail("x" * 100_001, "", "")
