"""Order history import (--target order): real files in, orders and outcomes checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from daifuku.commerce.maths.currency import currency_of
from daifuku.commerce.models import Order, Product
from daifuku.customers.models import Person
from daifuku.imports import orders, orders_mapping, services
from daifuku.imports.models import ImportRun

CDNOW = Path(__file__).parents[2] / "analytics" / "tests" / "data" / "CDNOW_sample.txt"

PER_LINE = (
    "注文番号,会員番号,注文日,商品コード,商品名,数量,単価,税率\r\n"
    "A-1,M-1,20250131,SKU-1,緑茶,2,500,8\r\n"
    "A-1,M-1,20250131,,湯呑み,1,1500,10\r\n"
    "A-2,Ｍ－２,2025/02/03,,急須,1,3000,10\r\n"
    "A-3,M-9,2025-02-04,,急須,1,3000,10\r\n"
    "A-4,M-1,2025/02/30,,急須,1,3000,10\r\n"
)


def upload(actor, name: str, content: bytes) -> ImportRun:
    return services.upload(
        actor=actor, file=SimpleUploadedFile(name, content), name=name, target="order"
    )


@pytest.fixture
def members(rep):
    Product.objects.create(code="SKU-1", name="緑茶 100g", unit_price=500, tax_category="reduced")
    return [
        Person.objects.create(family_name="山田", member_number="M-1", owner=rep),
        Person.objects.create(family_name="佐藤", member_number="M-2", owner=rep),
    ]


def test_headers_suggest_the_order_fields():
    headers = [
        "注文番号",
        "会員番号",
        "注文日",
        "数量",
        "金額",
        "商品コード",
        "商品名",
        "単価",
        "税率",
    ]
    assert orders_mapping.suggest(headers) == {
        "注文番号": "order_number",
        "会員番号": "member_number",
        "注文日": "ordered_at",
        "数量": "quantity",
        "金額": "amount",
        "商品コード": "sku",
        "商品名": "product_name",
        "単価": "unit_price",
        "税率": "tax_rate",
    }
    english = ["Order Number", "Customer Number", "Date", "Quantity", "Amount", "SKU"]
    assert set(orders_mapping.suggest(english).values()) == {
        "order_number",
        "member_number",
        "ordered_at",
        "quantity",
        "amount",
        "sku",
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20250131", "2025-01-31"),
        ("2025/1/31", "2025-01-31"),
        ("2025-01-31", "2025-01-31"),
        ("2025年1月31日", "2025-01-31"),
        ("2025/01/31 14:05", "2025-01-31 14:05:00"),
        ("2025-01-31T14:05:00+09:00", "2025-01-31 14:05:00+09:00"),
    ],
)
def test_dates(text, expected):
    assert str(orders_mapping.parse_ordered_at(text)) == expected


def test_rows_per_line_are_grouped_cp932_idempotent_and_undone(
    rep, members, run_import, django_capture_on_commit_callbacks
):
    run = upload(rep, "orders.csv", PER_LINE.encode("cp932"))
    assert run.encoding == "cp932" and run.mapping["会員番号"] == "member_number"
    run = run_import(rep, run, mapping=orders.columns(run))
    assert (run.created_count, run.unchanged_count, run.failed_count) == (2, 0, 2)
    first = Order.objects.get(number="A-1")
    assert (first.person, first.subtotal, first.tax, first.total) == (
        members[0],
        2500,
        80 + 150,
        2730,
    )
    assert [(line.name, line.product_id is not None) for line in first.lines.all()] == [
        ("緑茶", True),  # the name the file gives, the catalog product linked
        ("湯呑み", False),
    ]
    assert Order.objects.get(number="A-2").person == members[1]  # width-folded number
    reasons = {o.row_number: o.reason for o in run.outcomes.filter(action="failed")}
    assert set(reasons) == {5, 6}
    assert "会員番号" in reasons[5] and "2025/02/30" in reasons[6]
    assert "2 件" in orders.summary(run) or "2 orders" in orders.summary(run)

    again = run_import(rep, upload(rep, "orders.csv", PER_LINE.encode("cp932")), source="import")
    assert (again.created_count, again.unchanged_count) == (0, 2)
    assert Order.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=run)
    assert not Order.objects.exists()
    assert Person.objects.count() == 2


def test_missing_customers_are_created_with_their_member_number_only(
    rep, run_import, django_capture_on_commit_callbacks
):
    content = "注文番号,会員番号,注文日,金額\r\nB-1,X-1,20250101,1100\r\nB-2,X-1,20250201,2200\r\n"
    refused = run_import(rep, upload(rep, "o.csv", content.encode()), source="import")
    assert (refused.created_count, refused.failed_count) == (0, 2)
    run = run_import(rep, upload(rep, "o.csv", content.encode()), create_missing_customers=True)
    assert (run.created_count, run.failed_count) == (2, 0)
    person = Person.objects.get(member_number="X-1")
    assert person.orders.count() == 2 and person.owner == rep
    assert Order.objects.get(number="B-1").tax == 100  # total tax included, 10 %
    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=run)
    assert not Order.objects.exists()
    assert not Person.objects.filter(member_number="X-1").exists()


def test_cdnow_sample_in_dollars_from_the_command_line(rep, tmp_path, capsys):
    rows = [line.split() for line in CDNOW.read_text().splitlines()[:300]]
    csv = "customer_id,date,quantity,amount\n" + "".join(
        f"{r[0]},{r[2]},{r[3]},{r[4]}\n" for r in rows
    )
    path = tmp_path / "cdnow.csv"
    path.write_text(csv)
    call_command(
        "import",
        str(path),
        target="orders",
        create_missing_customers=True,
        currency="USD",
        user=rep.username,
    )
    out = capsys.readouterr().out
    assert Order.objects.count() == 300
    assert Person.objects.count() == len({r[0] for r in rows})
    cents = sum(round(float(r[4]) * 100) for r in rows)
    assert sum(Order.objects.values_list("total", flat=True)) == cents
    order = Order.objects.order_by("id").first()
    assert (order.source, currency_of(order.source), order.tax) == ("import:USD", "USD", 0)
    assert "300" in out
    call_command("import", str(path), target="orders", currency="USD", user=rep.username)
    assert Order.objects.count() == 300  # the same file again: nothing new


def test_people_import_fills_the_member_number(rep, run_import):
    content = "会員番号,氏名\r\nＭ－５,山田 太郎\r\n".encode()
    run = services.upload(actor=rep, file=SimpleUploadedFile("p.csv", content), name="p.csv")
    assert run.mapping["会員番号"] == "member_number"
    run = run_import(rep, run, mode="create")
    assert run.created_count == 1
    assert Person.objects.get().member_number == "M-5"


def test_api_imports_orders_with_its_options(rep_api, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "orders.csv"
    path.write_bytes("注文番号,会員番号,注文日,金額\r\nC-1,Z-1,20250101,29.33\r\n".encode("cp932"))
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = rep_api.upload(
            "/api/v1/imports",
            {
                "file": handle,
                "target": "order",
                "create_missing_customers": "true",
                "currency": "usd",
            },
        )
    assert response.status_code == 201, response.content
    body = rep_api.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert body["target"] == "order" and body["status"] == "finished"
    assert "注文 1 件を登録" in body["summary"]
    order = Order.objects.get(number="C-1")
    assert (order.total, order.source) == (2933, "import:USD")
    with path.open("rb") as handle:
        refused = rep_api.upload(
            "/api/v1/imports", {"file": handle, "target": "order", "currency": "XXX"}
        )
    assert refused.status_code in (400, 422) and "currency" in refused.json()["errors"]
    fields = rep_api.get("/api/v1/imports/fields", {"target": "order"}).json()
    assert "order_number" in fields and "member_number" in fields
