"""core.fixed_query on the ledger's models: the rows, related objects and converted values
are the queryset's own, values are bound per call, and builds it cannot serve are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from daifuku.core.fixed_query import FixedQuery
from daifuku.customers import services
from daifuku.customers.models import Consent, Contact, EmailAddress, HouseholdMember, Person

CONTACTS = FixedQuery(
    lambda pk: Contact.objects.filter(
        person_id=pk, company__deleted_at__isnull=True
    ).select_related("company")
)
HOUSEHOLD = FixedQuery(
    lambda pk: HouseholdMember.objects.filter(person_id=pk).select_related("linked_person")
)
PEOPLE_NAMED = FixedQuery(
    lambda family, pk: Person.objects.filter(family_name=family, id__gte=pk, deleted_at=None)
)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def yamada(rep):
    person = services.create_person(
        actor=rep,
        data={
            "family_name": "山田",
            "given_name": "太郎",
            "birthday": "1980-04-01",
            "emails": ["taro@example.jp"],
            "phones": ["090-1234-5678"],
        },
    )
    company = services.create_company(actor=rep, data={"name": "山田商事"})
    gone = services.create_company(actor=rep, data={"name": "廃業商事"})
    for firm in (company, gone):
        services.add_contact(actor=rep, person=person, company=firm, data={"title": "部長"})
    services.delete_company(actor=rep, company=gone)
    wife = services.create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    services.add_household_member(
        actor=rep,
        person=person,
        data={
            "name": "山田 花子",
            "relation": "spouse",
            "birthday": dt.date(1982, 5, 6),
            "linked_person": wife,
        },
    )
    services.add_household_member(
        actor=rep, person=person, data={"name": "山田 一郎", "relation": "child"}
    )
    services.record_consent(
        actor=rep,
        person=person,
        channel="email",
        status="opted_in",
        method="form",
        evidence="申込フォーム",
    )
    return person


def test_rows_and_related_objects_are_the_querysets(yamada, django_assert_num_queries):
    expected = list(
        Contact.objects.filter(person=yamada, company__deleted_at__isnull=True).select_related(
            "company"
        )
    )
    with django_assert_num_queries(1):
        contacts = CONTACTS(yamada.pk)
        assert [c.company.name for c in contacts] == ["山田商事"]  # joined, no extra query
    assert [_fields(c) for c in contacts] == [_fields(c) for c in expected]
    assert [_fields(c.company) for c in contacts] == [_fields(c.company) for c in expected]

    members = HOUSEHOLD(yamada.pk)
    expected = list(HouseholdMember.objects.filter(person=yamada).select_related("linked_person"))
    assert [_fields(m) for m in members] == [_fields(m) for m in expected]
    assert {m.name: (m.linked_person.given_name if m.linked_person else None) for m in members} == {
        "山田 花子": "花子",
        "山田 一郎": None,
    }
    assert {m.name: m.birthday for m in members}["山田 花子"] == dt.date(
        1982, 5, 6
    )  # converted, not text


def test_values_are_converted_as_the_orm_does(yamada):
    consents = FixedQuery(lambda pk: Consent.objects.filter(person_id=pk))(yamada.pk)
    assert (
        isinstance(consents[0].recorded_at, dt.datetime)
        and consents[0].recorded_at.tzinfo is not None
    )
    person = FixedQuery(lambda pk: Person.objects.filter(pk=pk))(yamada.pk)[0]
    assert _fields(person) == _fields(Person.objects.get(pk=yamada.pk))
    assert person.birthday == dt.date(1980, 4, 1)
    emails = FixedQuery(lambda pk: EmailAddress.objects.filter(person_id=pk))(yamada.pk)
    assert emails[0].is_primary is True


def test_each_call_binds_its_own_values(rep, yamada):
    other = services.create_person(actor=rep, data={"family_name": "佐藤", "given_name": "次郎"})
    assert [p.given_name for p in PEOPLE_NAMED("山田", 0)] == ["太郎", "花子"]
    assert [p.given_name for p in PEOPLE_NAMED("山田", yamada.pk + 1)] == ["花子"]
    assert [p.given_name for p in PEOPLE_NAMED("佐藤", 0)] == ["次郎"]
    assert PEOPLE_NAMED("鈴木", 0) == [] and CONTACTS(other.pk) == []


def test_an_argument_equal_to_a_constant_of_the_query_is_still_bound(rep):
    """``deleted_at=None`` compiles to IS NULL; a constant 1 next to an argument 1 must
    not be taken for it."""
    first = services.create_person(actor=rep, data={"family_name": "一", "given_name": "一"})
    query = FixedQuery(
        lambda pk, flag: EmailAddress.objects.filter(person_id=pk, is_primary=True, label=flag)
    )
    assert query(first.pk, "1") == []
    assert query(first.pk + 1000, "") == []


@pytest.mark.parametrize(
    "build, args, message",
    [
        (lambda n: Person.objects.all()[:n], (5,), "must not depend"),
        (lambda pk: Person.objects.filter(pk=pk).prefetch_related("emails"), (1,), "prefetch"),
        (
            lambda when: Person.objects.filter(created_at__lt=when),
            (dt.datetime(2026, 1, 1, tzinfo=dt.UTC),),
            "ids and strings",
        ),
        (
            lambda name: Person.objects.filter(family_name__contains=name),
            ("山",),
            "not one of the arguments",
        ),
    ],
)
def test_builds_it_cannot_serve_are_refused(db, build, args, message):
    with pytest.raises(TypeError, match=message):
        FixedQuery(build)(*args)


def test_a_none_after_the_plan_is_refused_not_bound(yamada):
    """``= NULL`` matches nothing where the ORM would have written IS NULL."""
    CONTACTS(yamada.pk)
    with pytest.raises(TypeError, match="ids and strings"):
        CONTACTS(None)


def test_the_company_page_reads_what_the_orm_reads(rep, django_assert_max_num_queries):
    """company_360's compiled reads give the rows its related managers give: contact
    points, tags, and the people who work there except those in the trash."""
    from daifuku.customers import selectors
    from daifuku.customers.models import Company, Tag

    firm = services.create_company(
        actor=rep,
        data={
            "name": "山田商事",
            "emails": ["info@example.jp", "sales@example.jp"],
            "phones": ["03-1234-5678"],
            "tags": ["取引先", "VIP"],
        },
    )
    stays = services.create_person(actor=rep, data={"family_name": "山田", "given_name": "一"})
    leaves = services.create_person(actor=rep, data={"family_name": "川口", "given_name": "二"})
    for person in (stays, leaves):
        services.add_contact(actor=rep, person=person, company=firm, data={"title": "課長"})
    services.delete_person(actor=rep, person=leaves)
    selectors.company_360(rep, firm.pk)  # plans compiled
    with django_assert_max_num_queries(6):
        page = selectors.company_360(rep, firm.pk)
        assert [c.person.display_name for c in page["contacts"]] == [stays.display_name]
    company = Company.objects.get(pk=firm.pk)
    assert [_fields(e) for e in page["emails"]] == [_fields(e) for e in company.emails.all()]
    assert [_fields(p) for p in page["phones"]] == [_fields(p) for p in company.phones.all()]
    assert [t.name for t in page["tags"]] == [t.name for t in Tag.objects.filter(companies=firm)]
    assert len(page["emails"]) == 2 and len(page["tags"]) == 2
