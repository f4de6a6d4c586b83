"""A fresh installation has a pipeline, so the first deal can be opened on day one."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from daifuku.sales import services
from daifuku.sales.defaults import ensure_default_pipeline
from daifuku.sales.models import Deal, Pipeline, Stage

pytestmark = pytest.mark.django_db(transaction=True)


def _default():
    return Pipeline.objects.get(name="新規営業")


def test_migrate_creates_the_default_pipeline():
    pipeline = _default()
    assert [
        (s.name, s.probability, s.kind, s.rotting_days)
        for s in pipeline.stages.order_by("position")
    ] == [
        ("見込み", 10, "open", 30),
        ("提案", 30, "open", 30),
        ("見積提示", 60, "open", 21),
        ("交渉", 80, "open", 14),
        ("受注", 100, "won", None),
        ("失注", 0, "lost", None),
    ]
    assert Pipeline.objects.count() == 1


def test_first_deal_on_a_fresh_install_through_the_form(rep, company):
    from django.test import Client

    client = Client()
    client.force_login(rep)
    first_stage = _default().stages.order_by("position").first()
    page = client.get(reverse("sales:deal-create")).content.decode()
    assert f'<option value="{first_stage.pk}"' in page
    response = client.post(
        reverse("sales:deal-create"),
        {
            "title": "初めての商談",
            "company": company.pk,
            "stage": first_stage.pk,
            "expected_close": "2026-06-30",
            "forecast_category": "pipeline",
        },
    )
    assert response.status_code == 302
    deal = Deal.objects.get(title="初めての商談")
    assert (deal.pipeline, deal.stage, deal.probability) == (_default(), first_stage, 10)


def test_default_pipeline_is_editable(admin):
    stage = _default().stages.get(name="提案")
    services.update_stage(actor=admin, stage=stage, data={"name": "提案・デモ", "probability": 40})
    services.update_pipeline(actor=admin, pipeline=_default(), data={"name": "法人営業"})
    assert Stage.objects.get(pk=stage.pk).name == "提案・デモ"


def test_it_is_created_only_while_there_is_no_pipeline(admin):
    assert ensure_default_pipeline() is False  # already there: nothing added
    services.update_pipeline(
        actor=admin, pipeline=_default(), data={"name": "法人営業", "is_active": False}
    )
    call_command("migrate", interactive=False, verbosity=0)
    assert list(Pipeline.objects.values_list("name", flat=True)) == [
        "法人営業"
    ]  # renamed, inactive: left alone
    Pipeline.objects.all().delete()
    call_command("migrate", interactive=False, verbosity=0)
    assert Pipeline.objects.get().name == "新規営業" and Stage.objects.count() == 6


def test_demo_fills_the_default_pipeline(admin, rep):
    from daifuku.core import demo
    from daifuku.customers.services import create_company
    from daifuku.sales.demo import add_demo_deals

    companies = [create_company(actor="test", data={"name": f"デモ商事{i}"}).pk for i in range(12)]
    add_demo_deals(demo.DemoContext(users={"admin": admin, "rep1": rep}, company_ids=companies))
    assert sorted(Pipeline.objects.values_list("name", flat=True)) == ["契約更新", "新規営業"]
    assert Deal.objects.filter(pipeline=_default()).count() >= 10
