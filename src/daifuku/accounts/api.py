"""``GET /api/v1/me``: who the token or session belongs to."""

from __future__ import annotations

from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    team: int | None
    team_name: str | None
    calendar_url: str | None


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    from . import profile_extras

    return {
        "id": user.pk, "username": user.username, "display_name": str(user), "role": user.role,
        "team": user.team_id, "team_name": user.team.name if user.team_id else None,
        "calendar_url": profile_extras.calendar_url(request, user),
    }
