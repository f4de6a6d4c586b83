"""The shell on a phone (390×844): every menu entry, button and form control of every
area's first page is at least 44 px high and wide (WCAG 2.5.5), with the menu open."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TARGETS = """() => [...document.querySelectorAll(
    'nav a, button, .btn, input[type=submit], select, input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map(e => `${e.tagName.toLowerCase()} «${(e.innerText || e.name || e.id || '').trim().slice(0, 20)}» `
            + `${Math.round(e.getBoundingClientRect().width)}×${Math.round(e.getBoundingClientRect().height)}`)"""


def test_touch_targets_are_44px_on_every_area_page(page_for, live_server, admin):
    from django.urls import reverse

    from daifuku.web.context_processors import AREAS

    paths = [reverse(name) for _, _, name, _ in AREAS] + [
        reverse("accounts:users"),
        reverse("accounts:teams"),
        reverse("activities:team"),
    ]
    page = page_for(admin, viewport=(390, 844))
    too_small = {}
    for path in paths:
        page.goto(path)
        page.locator(".menu-toggle").click()
        small = page.evaluate(TARGETS)
        if small:
            too_small[path] = small
    assert not too_small, "\n".join(f"{p}: {', '.join(s)}" for p, s in too_small.items())
