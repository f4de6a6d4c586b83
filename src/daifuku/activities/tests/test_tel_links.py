"""A customer's phone number on the activities pages is a tel: link (one tap calls)."""

from __future__ import annotations

from django.utils import timezone

from daifuku.activities import services
from daifuku.customers.services import create_person


def test_phone_numbers_are_tappable_on_activities_pages(
    client, rep, log, django_assert_max_num_queries
):
    person = create_person(
        actor=rep, data={"family_name": "田中", "given_name": "一郎", "phone": "03-1234-5678"}
    )
    idle = create_person(
        actor=rep, data={"family_name": "北川", "given_name": "二郎", "phone": "090-1111-2222"}
    )
    touch = log(person=person)
    services.create_next_action(
        actor=rep, person=person, data={"title": "見積の電話", "due_at": timezone.now()}
    )
    client.force_login(rep)
    tel = '<a class="tel" href="tel:+81312345678"'
    for path in ("/activities/", f"/activities/touches/{touch.pk}/", "/"):
        html = client.get(path).content.decode()
        assert tel in html and "03-1234-5678</a>" in html, path
    html = client.get("/activities/no-next-step/").content.decode()
    assert '<a class="tel" href="tel:+819011112222"' in html and str(idle) in html
    for n in range(5):  # the numbers are read with the rows, not once per row
        services.create_next_action(
            actor=rep,
            person=create_person(
                actor=rep,
                data={"family_name": f"顧客{n}", "given_name": "様", "phone": f"03-5555-010{n}"},
            ),
            data={"title": "電話", "due_at": timezone.now()},
        )
    with django_assert_max_num_queries(25):
        assert client.get("/activities/").content.decode().count('class="tel"') == 6
