"""A won deal becomes one commerce order, numbered after the deal, however often it is won."""

from __future__ import annotations

from daifuku.commerce.models import Order
from daifuku.sales import services
from daifuku.sales.models import LostReason


def test_won_deal_records_its_order_once(
    rep, make_deal, stages, django_capture_on_commit_callbacks
):
    product = services.create_product(
        actor="test",
        data={
            "code": "GIFT",
            "name": "和菓子詰め合わせ",
            "unit_price": 3_001,
            "tax_category": "reduced",
        },
    )
    deal = make_deal(
        rep,
        lines=[
            {"product": product.pk, "quantity": 3},
            {"name": "配送料", "quantity": 1, "unit_price": 1_000},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        won = services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["受注"])
    order = Order.objects.get(source="sales", number=f"DEAL-{deal.pk}")
    # 8 %: 9,003 → 720; 10 %: 1,000 → 100
    assert (order.subtotal, order.tax, order.total) == (10_003, 820, 10_823)
    assert (order.company_id, order.ordered_at) == (deal.company_id, won.closed_at)
    assert [(line.product_id, line.quantity, line.tax_rate) for line in order.lines.all()] == [
        (product.pk, 3, 8),
        (None, 1, 10),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.move_deal_to_stage(actor=rep, deal=won, stage=stages["交渉"])
        services.move_deal_to_stage(actor=rep, deal=reopened, stage=stages["受注"])
    assert Order.objects.filter(source="sales").count() == 1


def test_a_deal_without_lines_orders_its_amount(
    rep, make_deal, stages, django_capture_on_commit_callbacks
):
    deal = make_deal(rep, amount=500_000)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["受注"])
    order = Order.objects.get(number=f"DEAL-{deal.pk}")
    assert ([line.name for line in order.lines.all()], order.subtotal, order.total) == (
        ["基幹システム更改"],
        500_000,
        550_000,
    )


def test_a_lost_deal_orders_nothing(rep, make_deal, stages, django_capture_on_commit_callbacks):
    deal = make_deal(rep)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_deal_to_stage(
            actor=rep,
            deal=deal,
            stage=stages["失注"],
            lost_reason=LostReason.objects.order_by("id").first(),
        )
    assert not Order.objects.exists()
