import pytest

from daifuku.core.errors import ConflictError, NotFound, ValidationFailed
from daifuku.core.japanese import collation_key
from daifuku.core.models import AuditEntry
from daifuku.customers import services
from daifuku.customers.models import Company, Consent, Person, RelationshipStageChange
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db


def test_create_person_normalises_kana_contact_points_and_fills_address(rep):
    person = factories.person(
        rep,
        family_kana="たなか",
        given_kana="ﾀﾛｳ",
        email=" Tanaka@Example.JP ",
        phone="０９０（１２３４）５６７８",
        postal_code="〒100-0001",
        birthday="1980-05-01",
    )
    assert (person.family_kana, person.given_kana) == ("タナカ", "タロウ")
    assert person.sort_kana == collation_key("タナカ タロウ")
    assert [e.address for e in person.emails.all()] == ["tanaka@example.jp"]
    phone = person.phones.get()
    assert (phone.number, phone.e164, phone.digits, phone.digits_reversed) == (
        "090-1234-5678",
        "+819012345678",
        "09012345678",
        "87654321090",
    )
    assert (person.prefecture, person.city, person.address_line) == ("東京都", "千代田区", "千代田")
    assert person.owner == rep and person.team == rep.team
    assert person.display_name == "田中 太郎 様"
    assert RelationshipStageChange.objects.filter(person=person, stage="exploratory").count() == 1


def test_create_person_reports_every_bad_field_at_once_and_writes_nothing(rep):
    with pytest.raises(ValidationFailed) as info:
        services.create_person(
            actor=rep,
            data={
                "family_name": "",
                "family_kana": "tanaka",
                "email": "not-an-email",
                "phone": "123",
                "postal_code": "12",
                "birthday": "2999-01-01",
                "gender": "x",
            },
        )
    assert set(info.value.errors) == {
        "family_name",
        "family_kana",
        "emails",
        "phones",
        "postal_code",
        "birthday",
        "gender",
    }
    assert Person.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="customers.person").count() == 0


def test_bad_contact_point_on_create_is_refused_before_anything_is_saved(rep):
    with pytest.raises(ValidationFailed) as info:
        services.create_person(
            actor=rep, data={"family_name": "田中", "emails": ["ok@example.jp", "bad@@x"]}
        )
    assert "emails.1" in info.value.errors
    assert Person.objects.count() == 0


def test_several_emails_one_primary(rep):
    person = factories.person(
        rep,
        emails=["a@example.jp", {"address": "b@example.jp", "is_primary": True}, "a@example.jp"],
    )
    assert [(e.address, e.is_primary) for e in person.emails.order_by("id")] == [
        ("a@example.jp", False),
        ("b@example.jp", True),
    ]


def test_update_records_old_and_new_values_in_audit(rep):
    person = factories.person(rep, email="a@example.jp")
    services.update_person(
        actor=rep,
        person=person,
        data={"given_name": "次郎", "email": "b@example.jp", "tags": ["VIP"]},
    )
    entry = AuditEntry.objects.filter(
        object_type="customers.person", object_id=person.pk, action="update"
    ).get()
    assert entry.changes["given_name"] == ["太郎", "次郎"]
    assert entry.changes["emails"] == [["a@example.jp"], ["b@example.jp"]]
    assert entry.changes["tags"] == [[], ["VIP"]]
    assert entry.actor == rep and entry.via == "system"


def test_update_without_changes_writes_no_audit_and_keeps_version(rep):
    person = factories.person(rep)
    services.update_person(actor=rep, person=person, data={"given_name": "太郎"})
    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEntry.objects.filter(action="update").exists()


def test_second_editor_gets_a_conflict_not_a_silent_overwrite(rep, teammate):
    person = factories.person(rep)
    services.update_person(actor=rep, person=person, data={"notes": "first"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.update_person(
            actor=teammate, person=person, data={"notes": "second"}, expected_version=1
        )
    person.refresh_from_db()
    assert person.notes == "first" and person.version == 2


def test_failed_update_loses_nothing(rep):
    person = factories.person(rep, email="keep@example.jp", phone="090-1111-2222")
    with pytest.raises(ValidationFailed):
        services.update_person(
            actor=rep, person=person, data={"given_name": "次郎", "phones": ["nonsense"]}
        )
    person.refresh_from_db()
    assert person.given_name == "太郎"
    assert list(person.phones.values_list("number", flat=True)) == ["090-1111-2222"]


def test_rep_of_another_team_cannot_change_or_delete(rep, other_rep, manager):
    person = factories.person(rep)
    with pytest.raises(NotFound):
        services.update_person(actor=other_rep, person=person, data={"notes": "x"})
    with pytest.raises(NotFound):
        services.delete_person(actor=other_rep, person=person)
    services.update_person(actor=manager, person=person, data={"notes": "manager may"})


def test_soft_delete_hides_from_default_manager_and_search_then_restore(rep):
    from daifuku.customers.selectors import search_customers

    person = factories.person(rep)
    services.delete_person(actor=rep, person=person)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Person.all_objects.get(pk=person.pk).deleted_by == rep
    assert search_customers(rep, "田中")[0] == []
    services.restore_person(actor=rep, person=Person.all_objects.get(pk=person.pk))
    assert [r.id for r in search_customers(rep, "田中")[0]] == [person.pk]
    assert list(
        AuditEntry.objects.filter(object_type="customers.person", object_id=person.pk)
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["create", "delete", "restore"]


def test_relationship_stage_history_records_each_stage(rep):
    person = factories.person(rep)
    services.update_person(actor=rep, person=person, data={"relationship_stage": "basic"})
    services.update_person(actor=rep, person=person, data={"relationship_stage": "collaborative"})
    assert list(person.stage_changes.values_list("stage", flat=True)) == [
        "exploratory",
        "basic",
        "collaborative",
    ]


@pytest.mark.parametrize(
    "raw, base, form, position",
    [
        ("株式会社山田製作所", "山田製作所", "kabushiki", "before"),
        ("(株)山田製作所", "山田製作所", "kabushiki", "before"),
        ("山田製作所㈱", "山田製作所", "kabushiki", "after"),
        ("山田製作所", "山田製作所", "", ""),
    ],
)
def test_company_legal_form_is_kept_apart(rep, raw, base, form, position):
    company = services.create_company(actor=rep, data={"name": raw})
    assert (company.name, company.legal_form, company.legal_form_position) == (base, form, position)


def test_company_display_name_prints_the_full_legal_form(rep):
    assert factories.company(rep, name="山田製作所㈱").display_name == "山田製作所株式会社"


def test_corporate_number_is_validated_and_unique(rep):
    with pytest.raises(ValidationFailed) as info:
        factories.company(rep, corporate_number="1234567890123")
    assert "corporate_number" in info.value.errors
    factories.company(rep, corporate_number="7000012050002")
    with pytest.raises(ValidationFailed) as info:
        factories.company(rep, name="別会社", corporate_number="7000-0120-50002")
    assert info.value.code == "duplicate_corporate_number"
    assert Company.objects.count() == 1


def test_custom_fields_are_validated_on_every_write(admin, rep):
    services.define_custom_field(
        actor=admin,
        data={
            "target": "person",
            "key": "visits",
            "label": "来店頻度",
            "field_type": "choice",
            "choices": ["週1", "月1"],
            "required": True,
        },
    )
    services.define_custom_field(
        actor=admin,
        data={"target": "person", "key": "member_no", "label": "会員番号", "field_type": "number"},
    )
    with pytest.raises(ValidationFailed) as info:
        factories.person(rep, custom_fields={"member_no": "abc", "nope": 1})
    assert set(info.value.errors) == {
        "custom_fields.visits",
        "custom_fields.member_no",
        "custom_fields.nope",
    }
    person = factories.person(rep, custom_fields={"visits": "週1", "member_no": "１２３"})
    assert person.custom_fields == {"visits": "週1", "member_no": 123}


def test_only_managers_define_custom_fields(rep):
    from daifuku.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.define_custom_field(
            actor=rep, data={"target": "person", "key": "x", "label": "X", "field_type": "text"}
        )


def test_consent_needs_evidence_and_is_audited(rep):
    person = factories.person(rep)
    with pytest.raises(ValidationFailed) as info:
        services.record_consent(
            actor=rep,
            person=person,
            channel="email",
            status="opted_in",
            method="form",
            evidence=" ",
        )
    assert set(info.value.errors) == {"evidence"}
    services.record_consent(
        actor=rep,
        person=person,
        channel="email",
        status="opted_in",
        method="form",
        evidence="Web申込フォーム 2026-04-01",
    )
    services.record_consent(
        actor=rep,
        person=person,
        channel="email",
        status="opted_out",
        method="email",
        evidence="配信停止リンク",
    )
    consent = Consent.objects.get(person=person, channel="email")
    assert consent.status == "opted_out"
    entries = AuditEntry.objects.filter(action="consent", subject_id=person.pk).order_by("id")
    assert [e.changes["status"][1] for e in entries] == ["opted_in", "opted_out"]


def test_household_and_contacts(rep):
    person = factories.person(rep)
    company = factories.company(rep)
    member = services.add_household_member(
        actor=rep,
        person=person,
        data={
            "name": "田中 花子",
            "kana": "はなこ",
            "relation": "spouse",
            "birthday": "1982-03-03",
        },
    )
    assert member.kana == "ハナコ"
    with pytest.raises(ValidationFailed):
        services.add_household_member(
            actor=rep, person=person, data={"name": "", "relation": "cousin"}
        )
    contact = services.add_contact(
        actor=rep, person=person, company=company, data={"title": "部長", "is_key_person": True}
    )
    assert contact.is_key_person
    with pytest.raises(ValidationFailed):
        services.add_contact(actor=rep, person=person, company=company)
    subjects = set(
        AuditEntry.objects.filter(
            subject_id=person.pk, subject_type="customers.person"
        ).values_list("object_type", flat=True)
    )
    assert {"customers.householdmember", "customers.contact"} <= subjects
