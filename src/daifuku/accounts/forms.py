"""Forms of the user administration screens and the invitation page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.core.form_fields import ModelChoiceField
from daifuku.core.service_forms import ServiceForm

from .selectors import role_choices, teams


def _team_field():
    return ModelChoiceField(
        queryset=teams(), required=False, label=_("Team"), empty_label=_("No team")
    )


class InviteForm(ServiceForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("The invitee signs in with this address."),
    )
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=role_choices, initial="rep")
    team = None  # set in __init__ so the choices are read when the form is built

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = _team_field()


class UserChangeForm(ServiceForm):
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = _team_field()


class TeamForm(ServiceForm):
    name = forms.CharField(label=_("Team name"), max_length=100)


class ChoosePasswordForm(ServiceForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
