"""Demo deals for ``daifuku demo``: two pipelines, a small price list, deals in every stage
(some won and lost in past months), line items and a quote, and targets for this month and
fiscal quarter — so the board, forecast, funnel and targets have something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services
from .maths.periods import period_containing
from .models import LostReason, Pipeline, SalesSettings

PRODUCTS = [
    ("SYS-STD", "販売管理システム 標準ライセンス", 480_000, "standard", "式"),
    ("SYS-OPT", "在庫管理オプション", 120_000, "standard", "式"),
    ("SUP-YEAR", "年間保守サポート", 96_000, "standard", "年"),
    ("TRN-DAY", "導入研修（1日）", 60_000, "standard", "日"),
    ("GIFT-SET", "贈答用 和菓子詰め合わせ", 3_240, "reduced", "箱"),
]
TITLES = [
    "基幹システム更改",
    "在庫管理の刷新",
    "保守契約の見直し",
    "新店舗向け導入",
    "研修パッケージ",
    "ECサイト連携",
    "全社展開",
    "追加ライセンス",
    "販促ギフト",
    "物流拠点の自動化",
]
RENEWAL = [
    {"name": "更新案内", "probability": 60, "rotting_days": 30},
    {"name": "条件調整", "probability": 80},
    {"name": "更新", "kind": "won"},
    {"name": "解約", "kind": "lost"},
]


def add_demo_deals(context) -> str:
    users, rng = context.users, context.random
    admin = users.get("admin") or "daifuku demo"
    reps = [users[name] for name in ("rep1", "rep2") if name in users] or [admin]
    # a fresh installation already has its default pipeline: the demo fills that one
    new_business = Pipeline.objects.order_by("position", "id").first() or services.create_pipeline(
        actor=admin, name="新規開拓"
    )
    services.create_pipeline(actor=admin, name="契約更新", stages=RENEWAL)
    products = [
        services.create_product(
            actor=admin, data={"code": c, "name": n, "unit_price": p, "tax_category": t, "unit": u}
        )
        for c, n, p, t, u in PRODUCTS
    ]
    stages = list(new_business.stages.order_by("position"))
    open_stages = [s for s in stages if s.kind == "open"]
    won, lost = (
        next(s for s in stages if s.kind == "won"),
        next(s for s in stages if s.kind == "lost"),
    )
    lost_reason = LostReason.objects.filter(is_active=True).order_by("position", "id").first()
    today = timezone.localdate()
    now = timezone.now()
    created = 0
    for index, company_id in enumerate(context.company_ids[:30]):
        rep = reps[index % len(reps)]
        deal = services.create_deal(
            actor=rep,
            data={
                "title": TITLES[index % len(TITLES)],
                "company_id": company_id,
                "pipeline_id": new_business.pk,
                "amount": rng.randrange(5, 300) * 10_000,
                "expected_close": today + dt.timedelta(days=rng.randint(-20, 150)),
                "forecast_category": rng.choice(["pipeline", "best_case", "commit"]),
                "source": rng.choice(["紹介", "展示会", "Web問い合わせ"]),
            },
        )
        created += 1
        start = now - dt.timedelta(days=rng.randint(40, 120))
        steps = rng.randrange(len(open_stages))
        for step in range(1, steps + 1):
            deal = services.move_deal_to_stage(
                actor=rep,
                deal=deal,
                stage=open_stages[step],
                at=start + dt.timedelta(days=step * rng.randint(5, 12)),
            )
        if index % 5 == 0:
            deal = services.move_deal_to_stage(
                actor=rep,
                deal=deal,
                stage=won,
                reason="導入実績を評価いただいた",
                at=now - dt.timedelta(days=rng.randint(1, 25)),
            )
        elif index % 7 == 0:
            deal = services.move_deal_to_stage(
                actor=rep,
                deal=deal,
                stage=lost,
                reason="価格で競合に敗れた",
                lost_reason=lost_reason,
                at=now - dt.timedelta(days=rng.randint(1, 25)),
            )
        if index < 3:
            for product in rng.sample(products, 2):
                services.add_line_item(
                    actor=rep,
                    deal=deal,
                    data={"product_id": product.pk, "quantity": rng.randint(1, 3)},
                )
    first = context.company_ids[0] if context.company_ids else None
    if first:
        deal = new_business.deals.filter(company_id=first).first()
        if deal and deal.lines.exists():
            _demo_issuer(admin)
            services.issue_quote(actor=deal.owner or admin, deal=deal)
    start_month = SalesSettings.current().fiscal_year_start_month
    manager = users.get("manager") or admin
    for rep in reps:
        if getattr(rep, "pk", None) and hasattr(rep, "role"):
            services.set_target(
                actor=manager if hasattr(manager, "role") else "daifuku demo",
                metric="revenue",
                period=period_containing(today, "quarter", start_month).key,
                value=5_000_000,
                user=rep,
            )
            services.set_target(
                actor=manager if hasattr(manager, "role") else "daifuku demo",
                metric="deals_won",
                period=period_containing(today, "month", start_month).key,
                value=3,
                user=rep,
            )
    return f"{created} deals in 2 pipelines, {len(products)} products"


def _demo_issuer(admin) -> None:
    """A made-up issuer for the demo quote (registration number with a valid check digit),
    unless an administrator already filled the organisation profile in."""
    from daifuku.accounts.selectors_organization import organization_profile
    from daifuku.accounts.services_organization import update_organization_profile

    if not organization_profile().name:
        update_organization_profile(
            actor=admin,
            data={
                "name": "株式会社大福商事",
                "postal_code": "1000005",
                "prefecture": "東京都",
                "city": "千代田区",
                "address_line": "丸の内1-1-1",
                "building": "大福ビル3F",
                "phone": "03-1234-5678",
                "email": "sales@daifuku.example",
                "registration_number": "T7000012050002",
                "inquiry_contact": "営業部 お客様窓口",
                "inquiry_email": "support@daifuku.example",
            },
        )
