"""PlainSelect writes what Django's template-rendered Select writes."""

from html.parser import HTMLParser

import pytest
from django import forms

from daifuku.core.widgets import PlainSelect


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip()))


def _parsed(html: str):
    parser = _Tags()
    parser.feed(str(html))
    return parser.items


@pytest.mark.parametrize("required,initial", [(True, None), (False, "2"), (True, "<x>&")])
def test_plain_select_renders_like_select(required, initial):
    choices = [("", "---------"), ("1", "山田 <花子>"), ("2", "佐藤 & 鈴木"), ("<x>&", "quote \" it")]

    class Fast(forms.Form):
        who = forms.ChoiceField(choices=choices, required=required, widget=PlainSelect)

    class Slow(forms.Form):
        who = forms.ChoiceField(choices=choices, required=required)

    data = {"who": initial} if initial else None
    assert _parsed(Fast(data)["who"]) == _parsed(Slow(data)["who"])


@pytest.mark.django_db
def test_plain_select_with_a_model_choice_field():
    from django.contrib.contenttypes.models import ContentType

    rows = ContentType.objects.order_by("pk")
    chosen = rows[3]

    class Fast(forms.Form):
        what = forms.ModelChoiceField(rows, widget=PlainSelect)

    class Slow(forms.Form):
        what = forms.ModelChoiceField(rows)

    assert _parsed(Fast(initial={"what": chosen.pk})["what"]) == _parsed(Slow(initial={"what": chosen.pk})["what"])
    assert f'value="{chosen.pk}" selected' in str(Fast(initial={"what": chosen.pk})["what"])
