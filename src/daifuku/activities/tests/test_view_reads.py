"""What the activities screens read through the selectors: the goals and reps a manager
looks after, and the rep whose day is shown."""

import pytest

from daifuku.activities import services

pytestmark = pytest.mark.django_db


def test_goals_page_shows_the_managers_team_only(client, manager, rep, teammate, other_rep, admin):
    services.set_activity_goal(actor=manager, rep=rep, period="week", target=7)
    services.set_activity_goal(actor=manager, team=manager.team, period="day", target=3)
    services.set_activity_goal(actor=admin, rep=other_rep, period="week", target=11)
    services.set_activity_goal(actor=admin, team=other_rep.team, period="day", target=13)
    client.force_login(manager)
    response = client.get("/activities/goals/")
    assert sorted(goal.target for goal in response.context["goals"]) == [3, 7]
    assert set(response.context["form"].fields["rep"].queryset) == {manager, rep, teammate}
    refused = client.post(
        "/activities/goals/", {"rep": other_rep.pk, "period": "week", "target": 5}
    )
    assert "rep" in refused.context["form"].errors  # another team's rep is not a choice


def test_a_managers_look_at_a_reps_day_needs_an_active_rep_of_the_team(
    client, manager, rep, other_rep
):
    client.force_login(manager)
    assert client.get(f"/activities/?rep={rep.pk}").status_code == 200
    for rep_id in (other_rep.pk, "abc", "999999"):
        assert client.get(f"/activities/?rep={rep_id}").status_code == 404, rep_id
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert client.get(f"/activities/?rep={rep.pk}").status_code == 404
