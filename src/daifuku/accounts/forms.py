"""Forms of the user administration screens and the invitation page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.core.errors import ValidationFailed
from daifuku.core.form_fields import ModelChoiceField

from .selectors import role_choices, teams


class ServiceForm(forms.Form):
    """Shows a service's refusal on the fields it names."""

    def apply_errors(self, exc: ValidationFailed) -> None:
        for name, messages in exc.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        if not exc.errors:
            self.add_error(None, str(exc.message))


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
