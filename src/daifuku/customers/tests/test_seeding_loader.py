"""The bulk loader writes what the services would write, with reserved ids and one audit
entry per run; ``daifuku seed`` drives it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from daifuku.core import db, search
from daifuku.core.errors import ValidationFailed
from daifuku.core.models import AuditEntry, SearchDocument
from daifuku.customers import selectors, services
from daifuku.customers.models import (
    Company,
    Contact,
    EmailAddress,
    HouseholdMember,
    Person,
    PhoneNumber,
    RelationshipStageChange,
)
from daifuku.customers.search_index import COMPANY, PERSON, company_sort_kana, person_sort_kana
from daifuku.customers.seeding import SeedGenerator
from daifuku.customers.seeding.loader import TABLES, PhoneCache, load
from daifuku.customers.validation import clean_phones

pytestmark = pytest.mark.django_db


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", [list(TABLES)]
            )
        else:
            marks = ", ".join(["%s"] * len(TABLES))
            cursor.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})",
                list(TABLES),
            )
        return {row[0] for row in cursor.fetchall()}


def test_phone_cache_matches_clean_phones_exactly():
    generator = SeedGenerator(seed=3)
    numbers = [p.phone for p in generator.people(4000) if p.phone]
    numbers += [c.phone for c in generator.companies(600) if c.phone]
    numbers += [
        "0120-123-456",
        "090-1234-5678",
        "03-1234-5678",
        "０３−１２３４−５６７８",
        "03(1234)5678",
        "12-34",
    ]
    cache = PhoneCache()
    for number in numbers:
        try:
            expected = clean_phones([number])[0]
        except ValidationFailed:
            expected = None
        got = cache.row(number)
        if expected is None:
            assert got is None, number
        else:
            assert got == (
                expected["number"],
                expected["e164"],
                expected["digits"],
                expected["digits_reversed"],
                expected["kind"],
            ), number
    assert any(cache.row(n) is None for n in numbers)  # the plan rejects some generated numbers


def test_load_writes_people_companies_and_everything_linked(rep, teammate):
    owners = [(rep.pk, rep.team_id), (teammate.pk, teammate.team_id)]
    before = index_names()
    report = load(
        actor=rep, people=400, companies=30, seed=5, duplicate_rate=0.05, owners=owners, batch=150
    )
    assert index_names() == before  # dropped for the load, rebuilt after it

    assert (report.people, report.companies) == (400, 30)
    people = list(Person.objects.order_by("id"))
    assert [p.pk for p in people] == list(
        range(report.first_person_id, report.first_person_id + 400)
    )
    assert Company.objects.count() == 30
    assert EmailAddress.objects.filter(person__isnull=False).count() == report.emails
    assert PhoneNumber.objects.count() == report.phones
    assert HouseholdMember.objects.count() == report.household_members > 0
    assert Contact.objects.count() == report.contacts > 0
    assert RelationshipStageChange.objects.count() == 400
    assert SearchDocument.objects.filter(entity_type=PERSON).count() == 400
    assert SearchDocument.objects.filter(entity_type=COMPANY).count() == 30

    for person in people:
        assert person.sort_kana == person_sort_kana(
            person.family_name, person.given_name, person.family_kana, person.given_kana
        )
        assert (person.owner_id, person.team_id) in owners
        assert person.family_kana == "" or all(
            "ァ" <= ch <= "ヺ" or ch == "ー" for ch in person.family_kana
        )
    for company in Company.objects.all():
        assert company.sort_kana == company_sort_kana(company.name, company.kana)
    for email in EmailAddress.objects.all():
        assert (
            email.domain == email.address.rpartition("@")[2]
            and email.address == email.address.lower()
        )
    for phone in PhoneNumber.objects.all():
        row = clean_phones([phone.number])[0]
        assert (phone.e164, phone.digits, phone.digits_reversed) == (
            row["e164"],
            row["digits"],
            row["digits_reversed"],
        )
    stage = {c.person_id: c for c in RelationshipStageChange.objects.all()}
    assert all(stage[p.pk].stage == p.relationship_stage for p in people)

    # one audit entry for the run, not one per row
    entries = AuditEntry.objects.filter(action="seed")
    assert entries.count() == 1
    assert entries.get().changes["people"] == 400 and entries.get().actor == rep
    assert not AuditEntry.objects.filter(action="create", object_type="customers.person").exists()


def test_loaded_rows_equal_what_the_service_writes(admin):
    seed = next(iter(SeedGenerator(seed=9).people(1)))
    report = load(actor=admin, people=1, seed=9)
    loaded = Person.objects.get(pk=report.first_person_id)
    created = services.create_person(
        actor=admin,
        data={
            "family_name": seed.family_name,
            "given_name": seed.given_name,
            "family_kana": seed.family_kana,
            "given_kana": seed.given_kana,
            "postal_code": seed.postal_code,
            "prefecture": seed.prefecture,
            "city": seed.city,
            "address_line": seed.address_line,
            "building": seed.building,
            "birthday": seed.birthday,
            "gender": seed.gender,
            "relationship_stage": seed.relationship_stage,
            "lifecycle": seed.lifecycle,
            "source_channel": seed.source_channel,
            "email": seed.email,
            "phone": seed.phone if seed.phone and PhoneCache().row(seed.phone) else None,
        },
    )
    for field in (
        "family_name",
        "given_name",
        "family_kana",
        "given_kana",
        "sort_kana",
        "postal_code",
        "prefecture",
        "city",
        "address_line",
        "building",
        "birthday",
        "gender",
        "relationship_stage",
        "lifecycle",
        "source_channel",
    ):
        assert getattr(loaded, field) == getattr(created, field), field
    documents = {d.entity_id: d for d in SearchDocument.objects.filter(entity_type=PERSON)}
    assert documents[loaded.pk].text == documents[created.pk].text
    assert documents[loaded.pk].sort_key == documents[created.pk].sort_key
    with connection.cursor() as cursor:
        grams = []
        for document in (documents[loaded.pk], documents[created.pk]):
            cursor.execute(
                f"SELECT gram, sort_key FROM {search.GRAM_TABLE} WHERE document_id = %s",
                [document.pk],
            )
            grams.append(sorted(cursor.fetchall()))
    assert grams[0] == grams[1] and grams[0]
    columns = ("number", "e164", "digits", "digits_reversed", "kind", "is_primary")
    assert list(loaded.phones.values_list(*columns)) == list(created.phones.values_list(*columns))
    assert list(loaded.emails.values_list("address", "domain", "is_primary")) == list(
        created.emails.values_list("address", "domain", "is_primary")
    )


def test_loaded_people_are_found_by_the_search_box(rep):
    report = load(actor=rep, people=200, companies=10, seed=12)
    person = Person.objects.get(pk=report.first_person_id + 17)
    results, _ = selectors.search_customers(rep, person.family_name + person.given_name)
    assert person.pk in [r.id for r in results if r.type == "person"]
    results, _ = selectors.search_customers(rep, person.family_kana)
    assert person.pk in [r.id for r in results]
    phone = PhoneNumber.objects.filter(person__isnull=False).first()
    results, _ = selectors.search_customers(rep, phone.e164)
    assert phone.person_id in [r.id for r in results]


def test_a_second_load_appends_after_existing_rows_and_keeps_indexes(admin):
    services.create_person(actor=admin, data={"family_name": "先客", "family_kana": "センキャク"})
    first = load(actor=admin, people=50, companies=5, seed=1)
    before = index_names()
    second = load(actor=admin, people=50, companies=5, seed=2)
    assert index_names() == before
    assert second.first_person_id == first.first_person_id + 50
    assert second.first_company_id == first.first_company_id + 5
    assert Person.objects.count() == 101
    # ids handed out by the database afterwards do not collide with the reserved ranges
    later = services.create_person(actor=admin, data={"family_name": "後客"})
    assert later.pk > second.first_person_id + 49


def test_next_ids_reserves_a_range_that_the_database_does_not_reuse(admin):
    with transaction.atomic():
        start = db.next_ids("customers_person", 10)
    person = services.create_person(actor=admin, data={"family_name": "予約"})
    assert person.pk >= start + 10


def test_seed_command_shares_customers_among_reps(rep, other_rep, capsys):
    call_command("seed", customers=60, companies=4, seed=3)
    out = capsys.readouterr().out
    assert "Seeded 60 people, 4 companies" in out
    owners = set(Person.objects.values_list("owner_id", "team_id"))
    assert owners == {(rep.pk, rep.team_id), (other_rep.pk, other_rep.team_id)}
    assert AuditEntry.objects.filter(action="seed", via="command").count() == 1


def test_seed_command_refuses_bad_arguments():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed", customers=-1)
    with pytest.raises(CommandError):
        call_command("seed", customers=10, duplicates=1.5)


class _Undo(Exception):
    pass


def _snapshot(report) -> dict:
    """Everything a load wrote, with ids relative to the first person/company."""
    p0, c0 = report.first_person_id, report.first_company_id
    tables = {
        "people": Person.objects.order_by("id").values_list(
            "id",
            "family_name",
            "given_name",
            "family_kana",
            "sort_kana",
            "birthday",
            "owner_id",
            "created_at",
        ),
        "emails": EmailAddress.objects.order_by("person_id", "company_id", "address").values_list(
            "person_id", "company_id", "address", "domain", "is_primary"
        ),
        "phones": PhoneNumber.objects.order_by("person_id", "company_id", "number").values_list(
            "person_id", "company_id", "number", "e164", "digits", "kind"
        ),
        "household": HouseholdMember.objects.order_by("person_id", "name", "relation").values_list(
            "person_id", "name", "kana", "relation", "birthday"
        ),
        "stages": RelationshipStageChange.objects.order_by("person_id").values_list(
            "person_id", "stage", "reached_on"
        ),
        "contacts": Contact.objects.order_by("person_id", "company_id").values_list(
            "person_id", "company_id", "title"
        ),
        "documents": SearchDocument.objects.order_by("entity_type", "entity_id").values_list(
            "entity_type", "entity_id", "text", "sort_key"
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.entity_type, d.entity_id, g.gram, g.sort_key FROM {search.GRAM_TABLE} g "
            f"JOIN {search.DOC_TABLE} d ON d.id = g.document_id ORDER BY 1, 2, 3"
        )
        grams = cursor.fetchall()

    # ids relative to the first person/company: PostgreSQL's sequences do not roll back
    def rel_person(value):
        return None if value is None else value - p0

    def rel_company(value):
        return None if value is None else value - c0

    shot = {name: [tuple(row) for row in rows] for name, rows in tables.items()}
    shot["people"] = [(rel_person(row[0]), *row[1:]) for row in shot["people"]]
    for name in ("emails", "phones"):
        shot[name] = [(rel_person(row[0]), rel_company(row[1]), *row[2:]) for row in shot[name]]
    for name in ("household", "stages"):
        shot[name] = [(rel_person(row[0]), *row[1:]) for row in shot[name]]
    shot["contacts"] = [
        (rel_person(row[0]), rel_company(row[1]), *row[2:]) for row in shot["contacts"]
    ]
    shot["documents"] = [
        (row[0], row[1] - (p0 if row[0] == PERSON else c0), *row[2:]) for row in shot["documents"]
    ]
    grams = [(t, e - (p0 if t == PERSON else c0), g, k) for t, e, g, k in grams]
    # registration moments are drawn from a pool anchored at "now": compare them relatively
    start = shot["people"][0][-1]
    shot["people"] = [(*row[:-1], row[-1] - start) for row in shot["people"]]
    shot["grams"] = sorted(grams)
    shot["rejected"] = report.phones_rejected
    return shot


def test_rows_built_in_a_forked_process_are_the_rows_built_here(admin):
    shots = []
    for parallel in (True, False):
        try:
            with transaction.atomic():
                report = load(
                    actor=admin,
                    people=300,
                    companies=12,
                    seed=5,
                    batch=70,
                    parallel=parallel,
                    owners=[(admin.pk, None)],
                )
                assert report.people == 300 and report.search_documents == 312
                shots.append(_snapshot(report))
                raise _Undo
        except _Undo:
            pass
    assert shots[0] == shots[1]
    assert len(shots[0]["grams"]) > 300 * 5


def test_a_failing_row_builder_fails_the_load_and_writes_nothing(admin, monkeypatch):
    from daifuku.customers.seeding import loader as loader_module

    def broken(self, first, offset, chunk):
        raise ValueError("generator broke")

    monkeypatch.setattr(loader_module.Loader, "_people_rows", broken)
    with pytest.raises(RuntimeError, match="generator broke"):
        load(actor=admin, people=50, parallel=True)
    assert Person.objects.count() == 0 and SearchDocument.objects.count() == 0
