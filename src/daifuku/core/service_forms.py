"""Forms in front of a service: the service validates, and its refusal
(:class:`~daifuku.core.errors.ValidationFailed`) is shown on the fields it names, so a
person sees the error beside what they typed. Every app's forms start here."""

from __future__ import annotations

from django import forms

from .errors import ValidationFailed


class ServiceForm(forms.Form):
    """A form whose ``apply_errors`` puts a service's field errors on its own fields."""

    # a service's field name -> this form's field, where the two differ
    field_aliases: dict[str, str] = {}

    def field_for(self, name: str) -> str:
        """The form field a service's error name belongs to (``lines.0.price`` → ``lines``)."""
        target = self.field_aliases.get(name, name)
        return target if target in self.fields else target.split(".")[0]

    def apply_errors(self, exc: ValidationFailed) -> None:
        for name, messages in exc.errors.items():
            target = self.field_for(name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
        if not exc.errors:
            self.add_error(None, str(exc.message))
