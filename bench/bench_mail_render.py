"""Mail templates (issue 20): rendering one campaign's mail for every recipient.

``CompiledMail`` parses, checks and CSS-inlines the template once, then renders each
recipient from a dict of merge fields. Baseline in the same run: the naive loop — for each
recipient, compile the same mail as a Django template and render it (and, second baseline,
inline its CSS as a loop that inlines after rendering would). Same merge fields, same rank
and buyer blocks, same output size; no database (``recipient_contexts`` is measured by its
query count in the tests).
"""

from __future__ import annotations

import time

from . import common

RECIPIENTS = {"tiny": 200, "small": 10_000, "full": 100_000}
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
    return [
        common.Result(
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
    ]
