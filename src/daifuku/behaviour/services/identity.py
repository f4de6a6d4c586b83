"""Stitching an anonymous visitor to a customer — only on proof, never by guessing.

The proof is a token signed with the organisation's identify secret (Settings → Web
behaviour). The site's server makes one when a customer logs in or submits a form (it
knows the member number); Daifuku makes one for the links of its own mails. Token:
``<subject>.<expires unix>.<hex HMAC-SHA256(secret, "<subject>.<expires>")>`` where the
subject is ``m`` + the base64url of a member number, or ``p`` + a person id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from daifuku.customers.models import Person

from ..models import Event, VisitorLink
from .collect import ID, CollectRefused
from .settings import current

VIAS = {"login", "form", "mail"}
MAIL_TOKEN_DAYS = 30


def _sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def member_subject(member_number: str) -> str:
    return "m" + base64.urlsafe_b64encode(member_number.encode()).decode().rstrip("=")


def make_token(
    person: Person | None = None, *, member_number: str | None = None, ttl: int = 86_400
) -> str:
    """A token for ``person`` (by id) or for a member number, valid ``ttl`` seconds."""
    subject = f"p{person.pk}" if person is not None else member_subject(str(member_number))
    expires = int(time.time()) + ttl
    return f"{subject}.{expires}.{_sign(current().identify_secret, f'{subject}.{expires}')}"


def _person(token: str) -> Person:
    refused = CollectRefused(_("The identify token is not valid."), code="bad_token", status=401)
    try:
        subject, expires_text, signature = str(token).split(".")
        expires = int(expires_text)
    except ValueError:
        raise refused from None
    expected = _sign(current().identify_secret, f"{subject}.{expires}")
    if not hmac.compare_digest(expected, signature) or expires < time.time():
        raise refused
    alive = Person.objects.filter(deleted_at__isnull=True)
    if subject.startswith("p") and subject[1:].isdigit():
        person = alive.filter(pk=int(subject[1:])).first()
    elif subject.startswith("m"):
        raw = subject[1:] + "=" * (-len(subject[1:]) % 4)
        try:
            number = base64.urlsafe_b64decode(raw.encode()).decode()
        except (ValueError, UnicodeDecodeError):
            raise refused from None
        found = list(alive.filter(custom_fields__member_number=number)[:2])
        person = found[0] if len(found) == 1 else None
    else:
        person = None
    if person is None:
        raise CollectRefused(
            _("No single customer matches this token."), code="unknown_customer", status=404
        )
    return person


@transaction.atomic
def identify(visitor_id: str, token: str, via: str = "login") -> Person:
    """Link the visitor to the token's customer and give that customer the visitor's
    events so far. A visitor already linked to someone else is moved (a shared computer:
    the latest proven log-in wins, earlier events stay with whom they were proven for)."""
    if not isinstance(visitor_id, str) or not ID.match(visitor_id):
        raise CollectRefused(_("A visitor id is required."), code="invalid_visitor")
    person = _person(token)
    via = via if via in VIAS else "login"
    try:
        with transaction.atomic():
            VisitorLink.objects.create(visitor_id=visitor_id, person=person, via=via)
    except IntegrityError:
        VisitorLink.objects.filter(visitor_id=visitor_id).update(person=person, via=via)
    Event.objects.filter(visitor_id=visitor_id, person__isnull=True).update(person=person)
    return person
