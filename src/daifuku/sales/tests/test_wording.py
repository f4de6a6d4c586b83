"""Every sales label reads as the sales catalogue says. Django merges the catalogues of all
installed apps and the first app wins, so an English msgid that another app translates
differently ("Title" → 役職 for a person) showed that app's word on sales pages (the deal
name read 「役職」, open deals 「未処理」). Such a word needs a context (pgettext) in sales."""

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from daifuku.sales.models import DealStatus, StageKind

CATALOGUE = "src/daifuku/sales/locale/ja/LC_MESSAGES/django.po"
# Labels of the quote page and quote model, which the quotes work owns: 件名 / 備考 there.
LEFT_TO_QUOTES = {"Subject", "notes"}


def test_no_sales_label_is_shadowed_by_another_apps_translation():
    shadowed = []
    with translation.override("ja"):
        for entry in polib.pofile(CATALOGUE):
            if entry.obsolete or entry.msgid in LEFT_TO_QUOTES:
                continue
            if entry.msgid_plural:
                shown, wanted = ngettext(entry.msgid, entry.msgid_plural, 1), entry.msgstr_plural[0]
            elif entry.msgctxt:
                shown, wanted = pgettext(entry.msgctxt, entry.msgid), entry.msgstr
            else:
                shown, wanted = gettext(entry.msgid), entry.msgstr
            if shown != wanted:
                shadowed.append(f"{entry.msgid!r}: sales says {wanted!r}, the page shows {shown!r}")
    assert not shadowed, "use pgettext for these (or agree on the word):\n" + "\n".join(shadowed)


@pytest.mark.django_db
def test_deal_words_in_japanese(rep, make_deal):
    from django.test import Client
    from django.urls import reverse

    with translation.override("ja"):
        assert (str(DealStatus.OPEN.label), str(StageKind.OPEN.label)) == ("進行中", "進行中")
    deal = make_deal(rep)
    client = Client()
    client.force_login(rep)
    page = client.get(reverse("sales:deal", args=[deal.pk])).content.decode()
    assert "進行中 · 見込み" in page and "未処理" not in page
    form = client.get(reverse("sales:deal-edit", args=[deal.pk])).content.decode()
    assert '<label for="id_title">商談名' in form and "役職" not in form
