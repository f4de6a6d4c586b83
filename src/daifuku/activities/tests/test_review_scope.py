"""The next-action edit form renders, and "no next step" lists only the customers whose
next actions the user may see."""

from __future__ import annotations

from django.utils import timezone

from daifuku.activities import services
from daifuku.customers.services import create_person


def test_the_edit_form_of_a_next_action_renders_and_saves(client, rep, person):
    action = services.create_next_action(
        actor=rep, person=person, data={"title": "見積説明", "due_at": timezone.now()}
    )
    client.force_login(rep)
    page = client.get(f"/activities/actions/{action.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "次のアクションを編集" in html
        and 'value="見積説明"' in html
        and 'name="next" value=""' in html
    )
    back = client.get(
        f"/activities/actions/{action.pk}/edit/", {"next": f"/customers/people/{person.pk}/"}
    )
    assert f'name="next" value="/customers/people/{person.pk}/"' in back.content.decode()
    saved = client.post(
        f"/activities/actions/{action.pk}/edit/",
        {
            "title": "見積説明（改）",
            "due_at": timezone.localtime(action.due_at).strftime("%Y-%m-%dT%H:%M"),
            "assignee": rep.pk,
            "priority": "high",
            "remind_minutes_before": 30,
            "next": f"/customers/people/{person.pk}/",
        },
    )
    assert saved.status_code == 302 and saved["Location"] == f"/customers/people/{person.pk}/"
    action.refresh_from_db()
    assert action.title == "見積説明（改）" and action.priority == "high"


def _listed(client, user, **params) -> tuple[int, str]:
    client.force_login(user)
    response = client.get("/activities/no-next-step/", params)
    html = response.content.decode()
    return response.status_code, html[html.find('id="no-next-step-table"') : html.find("</table>")]


def test_no_next_step_shows_a_rep_only_the_customers_of_their_team(
    client, rep, teammate, other_rep, manager, admin
):
    mine = create_person(actor=rep, data={"family_name": "東山", "given_name": "一"})
    team = create_person(actor=teammate, data={"family_name": "西田", "given_name": "二"})
    osaka = create_person(actor=other_rep, data={"family_name": "南野", "given_name": "三"})
    planned = create_person(actor=other_rep, data={"family_name": "北川", "given_name": "四"})
    services.create_next_action(
        actor=other_rep, person=planned, data={"title": "訪問", "due_at": timezone.now()}
    )

    # another team's rep: 404, not a list that tells which of their customers lack a plan
    assert _listed(client, rep, owner=other_rep.pk)[0] == 404
    assert _listed(client, rep, owner=999999)[0] == 404
    status, html = _listed(client, rep, owner="all")
    assert (
        status == 200
        and "東山" in html
        and "西田" in html
        and "南野" not in html
        and "北川" not in html
    )
    status, html = _listed(client, rep, owner=teammate.pk)
    assert status == 200 and "西田" in html and "東山" not in html
    status, html = _listed(client, rep)
    assert "東山" in html and "西田" not in html

    for lead in (manager, admin):
        status, html = _listed(client, lead, owner=other_rep.pk)
        assert status == 200 and "南野" in html and "北川" not in html, lead.username
    assert str(mine.pk) and str(team.pk) and str(osaka.pk)
