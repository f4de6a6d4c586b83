"""The organisation profile (issuer settings): registration number check, service with
audit and optimistic concurrency, the admin settings page and /api/v1/settings/organization."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from daifuku.accounts.models import OrganizationProfile
from daifuku.accounts.selectors_organization import organization_profile
from daifuku.accounts.services_organization import (
    update_organization_profile,
    validate_registration_number,
)
from daifuku.core.audit import history_for
from daifuku.core.errors import ConflictError, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

# 7000012050002 is the 国税庁's own 法人番号 (check digit 7).
NTA = "T7000012050002"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "written",
    ["T7000012050002", "t7000012050002", "Ｔ７０００－０１２０－５０００２", "T 7000 0120 50002"],
)
def test_registration_number_is_normalised(written):
    assert validate_registration_number(written) == NTA


@pytest.mark.parametrize(
    "written, message",
    [
        ("7000012050002", "「T」に続けて13桁"),  # the T is part of the number
        ("T700001205000", "「T」に続けて13桁"),  # 12 digits
        ("T70000120500021", "「T」に続けて13桁"),  # 14 digits
        ("TX000012050002", "「T」に続けて13桁"),
        ("T1000012050002", "検査用数字"),  # a typo in the first digit
        ("T7000012050003", "検査用数字"),  # a typo elsewhere changes the check
    ],
)
def test_registration_number_is_refused_with_the_rule_it_breaks(written, message):
    with pytest.raises(ValueError) as info:
        validate_registration_number(written)
    assert message in str(info.value)


def test_registration_number_error_reads_japanese():
    from django.utils import translation

    with translation.override("ja"), pytest.raises(ValueError) as info:
        validate_registration_number("T1000012050002")
    assert "検査用数字" in str(info.value)


def test_update_profile_normalises_audits_and_counts_versions(admin):
    assert organization_profile().pk == 1 and not organization_profile().name  # nothing saved yet
    profile = update_organization_profile(
        actor=admin,
        data={
            "name": "株式会社大福商事",
            "postal_code": "１００－０００５",
            "prefecture": "東京",
            "city": "千代田区",
            "address_line": "丸の内1-1-1",
            "phone": "0312345678",
            "email": "Info@Daifuku.example",
            "registration_number": "t7000012050002",
            "inquiry_contact": "営業部 お客様窓口",
            "inquiry_email": "support@daifuku.example",
        },
    )
    assert (
        profile.postal_code,
        profile.prefecture,
        profile.phone,
        profile.email,
        profile.registration_number,
    ) == ("1000005", "東京都", "03-1234-5678", "info@daifuku.example", NTA)
    assert profile.postal_code_display == "〒100-0005"
    assert profile.address == "東京都千代田区丸の内1-1-1"
    assert profile.version == 2
    entry = history_for(profile)[0]
    assert entry.action == "update" and entry.changes["registration_number"] == ["", NTA]
    # a second change keeps what it does not mention
    again = update_organization_profile(
        actor=admin, data={"building": "大福ビル3F"}, expected_version=2
    )
    assert (
        again.name == "株式会社大福商事" and again.address == "東京都千代田区丸の内1-1-1 大福ビル3F"
    )
    with pytest.raises(ConflictError):
        update_organization_profile(actor=admin, data={"name": "古い画面から"}, expected_version=2)
    assert OrganizationProfile.objects.get().name == "株式会社大福商事"


def test_update_profile_refuses_bad_fields_and_keeps_what_was_saved(admin):
    update_organization_profile(
        actor=admin, data={"name": "株式会社大福商事", "registration_number": NTA}
    )
    with pytest.raises(ValidationFailed) as info:
        update_organization_profile(
            actor=admin,
            data={
                "name": "",
                "registration_number": "T1234567890123",
                "postal_code": "12",
                "phone": "03-1234",
                "email": "not an address",
                "prefecture": "架空県",
            },
        )
    assert set(info.value.errors) == {
        "name",
        "registration_number",
        "postal_code",
        "phone",
        "email",
        "prefecture",
    }
    saved = OrganizationProfile.objects.get()
    assert (saved.name, saved.registration_number, saved.version) == ("株式会社大福商事", NTA, 2)


def test_only_admins_change_the_profile(rep, manager):
    for actor in (rep, manager):
        with pytest.raises(PermissionDenied):
            update_organization_profile(actor=actor, data={"name": "乗っ取り"})
    assert not OrganizationProfile.objects.exists()


def test_seal_must_be_a_small_png_or_jpeg(admin):
    with pytest.raises(ValidationFailed) as info:
        update_organization_profile(
            actor=admin, data={"name": "大福"}, seal=SimpleUploadedFile("seal.png", b"not an image")
        )
    assert "seal" in info.value.errors
    profile = update_organization_profile(
        actor=admin, data={"name": "大福"}, seal=SimpleUploadedFile("seal.png", _png())
    )
    assert profile.seal.name.endswith(".png")
    profile = update_organization_profile(actor=admin, data={}, remove_seal=True)
    assert not profile.seal


def test_settings_page_for_admins_with_field_errors_in_japanese(admin, rep):
    client = Client()
    client.force_login(rep)
    assert client.get(reverse("accounts:organization")).status_code == 404
    client.force_login(admin)
    page = client.get(reverse("accounts:organization"), HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    assert "適格請求書発行事業者登録番号" in page.content.decode()
    response = client.post(
        reverse("accounts:organization"),
        {
            "version": 1,
            "name": "株式会社大福商事",
            "registration_number": "T1000012050002",
            "postal_code": "100-0005",
        },
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_registration_number-error"' in html and "検査用数字" in html
    assert 'value="株式会社大福商事"' in html  # what was typed is kept
    assert not OrganizationProfile.objects.exists()
    response = client.post(
        reverse("accounts:organization"),
        {
            "version": 1,
            "name": "株式会社大福商事",
            "registration_number": NTA,
            "postal_code": "100-0005",
            "prefecture": "東京都",
            "city": "千代田区",
            "address_line": "丸の内",
            "seal": SimpleUploadedFile("s.png", _png()),
        },
    )
    assert response.status_code == 302
    saved = OrganizationProfile.objects.get()
    assert saved.registration_number == NTA and saved.seal
    assert client.get(reverse("accounts:organization-seal"))["Content-Type"] == "image/png"
    # the form carries the version it read: a stale form is refused, not saved over
    stale = client.post(reverse("accounts:organization"), {"version": 1, "name": "古い画面"})
    assert stale.status_code == 200 and OrganizationProfile.objects.get().name == "株式会社大福商事"


def test_settings_page_offers_the_postal_code_lookup(admin):
    client = Client()
    client.force_login(admin)
    html = client.get(reverse("accounts:organization")).content.decode()
    assert reverse("customers:postal-lookup") in html and 'id="id_address_line"' in html
    filled = client.get(reverse("customers:postal-lookup"), {"postal_code": "1000005"}).json()
    assert filled["areas"][0]["prefecture"] == "東京都"


def test_api_reads_for_everyone_and_writes_for_admins(admin_api, rep_api):
    read = rep_api.get("/api/v1/settings/organization")
    assert read.status_code == 200 and read.json()["name"] == "" and read["ETag"] == '"1"'

    def put(api, body, **headers):
        return api.client.put(
            "/api/v1/settings/organization",
            body,
            content_type="application/json",
            **api._headers(headers),
        )

    refused = put(rep_api, {"name": "乗っ取り"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    bad = put(admin_api, {"name": "株式会社大福商事", "registration_number": "T7000012050003"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error" and list(bad.json()["errors"]) == [
        "registration_number"
    ]
    unknown = put(admin_api, {"nmae": "typo"})
    assert unknown.status_code == 422 and "nmae" in unknown.json()["errors"]
    done = put(
        admin_api,
        {"name": "株式会社大福商事", "registration_number": NTA, "phone": "03-1234-5678"},
        HTTP_IF_MATCH='"1"',
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["registration_number"], body["version"], body["has_seal"]) == (NTA, 2, False)
    stale = put(admin_api, {"name": "古い"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert rep_api.get("/api/v1/settings/organization").json()["name"] == "株式会社大福商事"
