"""Form fields for hot pages.

Django's ``ModelChoiceField`` lists its choices with ``queryset.iterator()``, which on
PostgreSQL opens a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a
list of colleagues the 360° page shows on every visit. The app's choice lists are short
(people of one install, teams), so :class:`ModelChoiceField` reads them with one plain
query instead; everything else is Django's field."""

from __future__ import annotations

from django import forms


class ListModelChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a :class:`ModelChoiceField`, fetched in one query.

    Iterates a fresh copy of the queryset each time, as Django's iterator does, so a form
    rendered twice sees rows added in between and the field's queryset keeps no cache."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """``forms.ModelChoiceField`` whose choices come from one plain query (no server-side
    cursor); use it for every model choice in the app's forms."""

    iterator = ListModelChoiceIterator
