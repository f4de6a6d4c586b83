"""The per-user iCalendar feed of next actions and scheduled visits (RFC 5545)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar, Event

from .selectors import calendar_actions


def feed_for(user, *, host: str = "daifuku") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Daifuku CRM//activities//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Daifuku: {user}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        for action in calendar_actions(user):
            event = Event()
            event.add("uid", f"next-action-{action.pk}@{host}")
            event.add("dtstamp", now)
            event.add("dtstart", action.due_at)
            event.add("dtend", action.due_at + dt.timedelta(minutes=action.duration_minutes or 30))
            customer = str(action.customer) if action.customer else ""
            kind = f"[{action.get_kind_display()}] " if action.kind else ""
            event.add("summary", f"{kind}{action.title} — {customer}")
            if action.notes:
                event.add("description", action.notes)
            event.add("priority", {"high": 1, "normal": 5, "low": 9}[action.priority])
            event.add("last-modified", action.updated_at)
            calendar.add_component(event)
    return calendar.to_ical()
