"""Mail templates (issue 20): rendering one campaign's mail for every recipient.

``CompiledMail`` parses, checks and CSS-inlines the template once, then renders each
recipient from a dict of merge fields. Baseline in the same run: the naive loop — for each
recipient, compile the same mail as a Django template and render it (and, second baseline,
inline its CSS as a loop that inlines after rendering would). Same merge fields, same rank
and buyer blocks, same output size; no database.

Second result, ``mail_contexts``: the merge fields of the benchmark ledger's first people
(2,000 at the small scale) read set-based by ``recipient_contexts`` against a per-person
loop through the models and analytics' ``recommendations_for`` (the person, their figures,
their company, their last order, the recommendations), with the queries each issues.
"""

from __future__ import annotations

import time

from . import common

RECIPIENTS = {"tiny": 200, "small": 10_000, "full": 100_000}
CONTEXT_PEOPLE = {"tiny": 200, "small": 2_000, "full": 10_000}  # the naive loop is slow
RANKS = ("ゴールド", "シルバー", "ブロンズ", "")

STYLE = """<style>
  .box { font-family: sans-serif; max-width: 600px; margin: 0 auto; color: #333; }
  .gold { background: #fdf6e3; padding: 12px; border-left: 4px solid #b8860b; }
  td { padding: 6px; border-bottom: 1px solid #eee; }
  a.button { display: inline-block; padding: 8px 16px; background: #b22; color: #fff; }
</style>"""
JINJA_BODY = """<div class="box">
  <p>{{ display_name }}</p>
  <p>いつも大福茶舗をご利用いただきありがとうございます。秋の新茶のご案内です。</p>
  {% rank "ゴールド" %}<p class="gold">ゴールド会員さま限定の先行販売をご用意しました。</p>{% endrank %}
  {% buyer "first" %}<p>初めてのご購入ありがとうございました。次回使える10%クーポンです。</p>{% endbuyer %}
  <table><tbody>{% for item in recommendations %}<tr><td>{{ item.name }}</td><td>{{ item.price }}</td></tr>{% endfor %}</tbody></table>
  <p>前回ご購入: {{ last_product }}</p>
  <p><a class="button" href="https://shop.example.jp/autumn?rank={{ rank }}">詳しく見る</a></p>
  <p>{{ signature }}</p>
</div>"""
DJANGO_BODY = (
    JINJA_BODY.replace('{% rank "ゴールド" %}', '{% if rank == "ゴールド" %}')
    .replace("{% endrank %}", "{% endif %}")
    .replace('{% buyer "first" %}', '{% if buyer_status == "first" %}')
    .replace("{% endbuyer %}", "{% endif %}")
)
SUBJECT = "{{ display_name }}へ 秋の新茶のご案内"
TEXT = "{{ display_name }}\n\n秋の新茶のご案内です。\n{{ signature }}\n"


def _contexts(n: int) -> list[dict]:
    return [
        {
            "display_name": f"田中 太郎{i} 様",
            "family_name": "田中",
            "rank": RANKS[i % len(RANKS)],
            "buyer_status": ("first", "repeat", "none")[i % 3],
            "last_product": "煎茶 100g",
            "recommendations": [
                {"name": "玉露 50g", "price": "2,000円"},
                {"name": "湯呑み", "price": "3,000円"},
            ],
            "signature_text": "大福茶舗 店長 山田",
            "signature_html": "<b>大福茶舗</b> 店長 山田",
        }
        for i in range(n)
    ]


def run(scale: str) -> list[common.Result]:
    return [_render(scale), _contexts_result(scale)]


def _naive_context(user, pk: int) -> dict:
    """One person's merge fields the obvious way: one read after another."""
    from daifuku.analytics.models import CustomerMetrics
    from daifuku.analytics.selectors.crosssell import recommendations_for
    from daifuku.commerce.models import Order
    from daifuku.customers.models import Contact, Person

    person = Person.objects.get(pk=pk)
    metrics = CustomerMetrics.objects.filter(person=person).select_related("rank").first()
    contact = Contact.objects.filter(person=person).select_related("company").first()
    last = Order.objects.filter(person=person).order_by("-ordered_at").first()
    line = last.lines.first() if last else None
    return {
        "display_name": f"{person.full_name} 様",
        "rank": metrics.rank.name if metrics and metrics.rank else "",
        "company_name": contact.company.display_name if contact else "",
        "last_product": line.name if line else "",
        "recommendations": recommendations_for(user, person=person, limit=3),
        "age_band": person.age_band or "",
    }


def _contexts_result(scale: str) -> common.Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from daifuku.customers.models import Person
    from daifuku.marketing.templating import recipient_contexts

    from . import ledger

    ledger.ensure_people(scale)
    user = ledger.bench_user()
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[: CONTEXT_PEOPLE[scale]])
    recipient_contexts(ids[:10])  # warm analytics' co-purchase cache alike
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ours_queries:
        found = recipient_contexts(ids)
    ours_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as naive_queries:
        naive = [_naive_context(user, pk) for pk in ids]
    naive_ms = (time.perf_counter() - started) * 1000
    assert len(found) == len(naive) == len(ids)
    return common.Result(
        benchmark="mail_contexts",
        scale=scale,
        metrics={"people": len(ids), "ms": round(ours_ms, 1), "queries": len(ours_queries)},
        baseline={"ms": round(naive_ms, 1), "queries": len(naive_queries)},
        ratio=round(naive_ms / max(ours_ms, 0.001), 2),
        goal="a handful of queries per 2,000 recipients, not per recipient",
        notes="merge fields of the benchmark ledger's first people: recipient_contexts vs one "
        "person at a time through the models and analytics' recommendations_for",
    )


def _render(scale: str) -> common.Result:
    import css_inline
    from django.template import Context, Engine
    from django.utils.safestring import mark_safe

    from daifuku.marketing.templating import compile_mail

    contexts = _contexts(RECIPIENTS[scale])
    engine = Engine(autoescape=True)

    def compiled_loop() -> int:
        mail = compile_mail(SUBJECT, STYLE + JINJA_BODY, TEXT)
        return sum(len(mail.render(ctx).html) for ctx in contexts)

    def naive_loop(inline: bool) -> int:
        size = 0
        for ctx in contexts:
            html_ctx = Context({**ctx, "signature": mark_safe(ctx["signature_html"])})
            html = engine.from_string(STYLE + DJANGO_BODY).render(html_ctx)
            if inline:
                html = css_inline.inline_fragment(html.split("</style>", 1)[1], STYLE[7:-8])
            text_ctx = Context({**ctx, "signature": ctx["signature_text"]}, autoescape=False)
            engine.from_string(SUBJECT).render(text_ctx)
            engine.from_string(TEXT).render(text_ctx)
            size += len(html)
        return size

    def best_of(function, rounds: int = 3) -> float:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
        return round(min(times), 1)

    compiled_loop()  # warm imports and caches alike
    naive_loop(False)
    metrics = {"render_ms": best_of(compiled_loop), "recipients": len(contexts)}
    baseline = {
        "render_ms": best_of(lambda: naive_loop(False)),
        "render_and_inline_ms": best_of(lambda: naive_loop(True)),
    }
    ratio = {
        "vs_naive_compile_render": round(
            baseline["render_ms"] / max(metrics["render_ms"], 0.001), 2
        ),
        "vs_naive_with_css_inlining": round(
            baseline["render_and_inline_ms"] / max(metrics["render_ms"], 0.001), 2
        ),
    }
    per_second = round(len(contexts) / max(metrics["render_ms"], 0.001) * 1000)
    metrics["recipients_per_s"] = per_second
    return common.Result(
        benchmark="mail_render",
        scale=scale,
        metrics=metrics,
        baseline=baseline,
        ratio=ratio,
        goal="render is not the delivery bottleneck: ≫ 1,000 recipients/s on one core",
        passed=None,
        notes=f"{len(contexts):,} recipients, one mail (subject, HTML with CSS, text, rank "
        "and buyer blocks, 2 recommendations); compile_mail once + render each vs "
        "Django Template compile + render per recipient (and + css-inline per recipient)",
    )
