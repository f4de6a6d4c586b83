"""The menu marks exactly one entry as the current page: the area whose URL is the longest
prefix of the page's path."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from daifuku.web.context_processors import AREAS

pytestmark = pytest.mark.django_db

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>')


def _current_entries(client, path):
    response = client.get(path, follow=True)  # /sales/ opens the default pipeline's board
    assert response.status_code == 200, path
    html = response.content.decode()
    sidenav = html[html.index('<nav id="nav"') : html.index("</nav>", html.index('<nav id="nav"'))]
    return CURRENT.findall(sidenav)


@pytest.mark.parametrize("key", [key for key, *_ in AREAS])
def test_every_entry_is_the_only_current_one_on_its_own_page(admin, key):
    from django.urls import reverse

    client = Client()
    client.force_login(admin)
    url_name = next(name for k, _, name, _ in AREAS if k == key)
    url = reverse(url_name)
    assert _current_entries(client, url) == [(url, _current_label(client, url, key))]


def _current_label(client, url, key):
    html = client.get(url, follow=True).content.decode()
    return re.search(rf'<a href="{re.escape(url)}"[^>]*>([^<]+)</a>', html).group(1)


def test_company_page_marks_only_companies_and_admin_pages_mark_settings(admin):
    from daifuku.customers.services import create_company

    company = create_company(actor=admin, data={"name": "東京商事"})
    client = Client()
    client.force_login(admin)
    assert [
        label for _, label in _current_entries(client, f"/customers/companies/{company.pk}/")
    ] == ["企業"]
    assert [label for _, label in _current_entries(client, "/customers/search/?q=東京")] == ["顧客"]
    for path in ["/accounts/users/", "/accounts/me/", "/customers/tags/"]:
        assert [label for _, label in _current_entries(client, path)] == ["設定"], path
    assert [label for _, label in _current_entries(client, "/")] == ["ダッシュボード"]
