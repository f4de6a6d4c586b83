"""Inbound order webhooks (注文の自動取り込み): managing the senders and receiving their orders.

Two formats are accepted, each on its own address ``/commerce/webhooks/<slug>/orders``:

* **Daifuku JSON** — the body of ``POST /api/v1/orders``, signed in the header
  ``X-Daifuku-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``. The
  timestamp must be within ±5 minutes and a signature is accepted once (a captured request
  cannot be replayed); the same order number again returns the recorded order.
* **Shopify ``orders/create``, ``orders/cancelled``, ``orders/updated`` and
  ``refunds/create``** (a cancellation reverses the order whole, as a cancellation entry; a
  refund of line items is a return of those lines: shopify_changes.py) — exactly as
  Shopify sends them: ``X-Shopify-Hmac-Sha256`` is
  the base64 HMAC-SHA256 of the raw body with the app's secret; ``X-Shopify-Webhook-Id``
  makes Shopify's retries of one delivery record nothing twice.

Every refusal is a :class:`WebhookRefused` with a stable code (``unknown_source``,
``bad_signature``, ``stale_timestamp``, ``replayed``, ``invalid_body``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import DomainError, PermissionDenied, ValidationFailed

from ..models import Channel, WebhookDelivery, WebhookKind, WebhookSource
from .order_body import record_order_body
from .shopify import shopify_cancellation, shopify_order
from .shopify_changes import shopify_refund, shopify_update

WINDOW_SECONDS = 300  # ± five minutes between the sender's clock and ours
KEEP_DELIVERIES = timedelta(days=1)  # far longer than the window: a replay is always seen
MAX_BODY = 1_000_000


class WebhookRefused(DomainError):
    """The request was not accepted; ``code`` says why (stable, for the sender's logs)."""

    status = 400


@dataclass(frozen=True)
class Received:
    status: int  # 201 recorded, 200 already known
    order: Any
    duplicate_delivery: bool = False


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only administrators can manage order webhooks."))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _unique_slug(name: str) -> str:
    base = (slugify(name) or "shop")[:28]
    slug, n = base, 1
    while WebhookSource.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_source(
    *,
    actor,
    name: str,
    kind: str,
    secret: str = "",
    shop_domain: str = "",
    channel: Channel | None = None,
    create_missing_customers: bool = True,
) -> tuple[WebhookSource, str]:
    """Add an EC site that may send orders; returns the source and its secret (shown once).
    For Shopify the secret is the app's client secret Shopify gives; for our format one is
    generated unless given."""
    _require_admin(actor)
    name = str(name or "").strip()[:100]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the site that sends the orders.")]
    if kind not in WebhookKind.values:
        errors["kind"] = [_("Choose a format.")]
    secret = str(secret or "").strip()
    if kind == WebhookKind.SHOPIFY and not secret:
        errors["secret"] = [_("Paste the webhook signing secret shown in Shopify's admin.")]
    if errors:
        raise ValidationFailed(errors)
    source = WebhookSource.objects.create(
        name=name,
        slug=_unique_slug(name),
        kind=kind,
        secret=secret or new_secret(),
        shop_domain=str(shop_domain or "").strip().lower()[:200],
        channel=channel,
        acts_as=actor,
        create_missing_customers=bool(create_missing_customers),
    )
    audit.record(
        actor=actor,
        action="create",
        obj=source,
        changes={"name": [None, name], "kind": [None, kind]},  # never the secret
    )
    return source, source.secret


@transaction.atomic
def rotate_secret(*, actor, source: WebhookSource, secret: str = "") -> str:
    """A new secret replaces the old one at once (the old one stops working)."""
    _require_admin(actor)
    source.secret = str(secret or "").strip() or new_secret()
    source.rotated_at = timezone.now()
    source.save(update_fields=["secret", "rotated_at"])
    audit.record(actor=actor, action="update", obj=source, changes={"secret": ["…", "…"]})
    return source.secret


@transaction.atomic
def set_active(*, actor, source: WebhookSource, active: bool) -> WebhookSource:
    _require_admin(actor)
    if source.is_active != bool(active):
        source.is_active = bool(active)
        source.save(update_fields=["is_active"])
        audit.record(
            actor=actor, action="update", obj=source, changes={"is_active": [not active, active]}
        )
    return source


# --- receiving ---------------------------------------------------------------------------


# what each Shopify topic does with its body (an order; a refund for refunds/create)
SHOPIFY_TOPICS = {
    "orders/create": shopify_order,
    "orders/cancelled": shopify_cancellation,
    "orders/updated": shopify_update,
    "refunds/create": shopify_refund,
}


def _refuse(code: str, message: str, status: int = 400) -> WebhookRefused:
    return WebhookRefused(message, code=code, status=status)


def daifuku_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value a sender puts on ``body`` (also what our tests and docs use)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def shopify_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _check_daifuku(source: WebhookSource, header: str, body: bytes, now: float) -> str:
    parts = dict(
        item.split("=", 1) for item in (header or "").replace(" ", "").split(",") if "=" in item
    )
    try:
        stamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise _refuse(
            "bad_signature",
            _("Sign the body: X-Daifuku-Signature: t=<unix time>,v1=<hex HMAC-SHA256>."),
            401,
        ) from None
    expected = hmac.new(
        source.secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, given.lower()):
        raise _refuse("bad_signature", _("The signature does not match the body."), 401)
    if abs(now - stamp) > WINDOW_SECONDS:
        raise _refuse(
            "stale_timestamp",
            _("The signature's time is more than 5 minutes from ours; sign again."),
        )
    return given.lower()


def _check_shopify(source: WebhookSource, headers, body: bytes) -> str:
    given = headers.get("X-Shopify-Hmac-Sha256", "")
    expected = shopify_signature(source.secret, body)
    if not given or not hmac.compare_digest(expected, given.strip()):
        raise _refuse("bad_signature", _("The signature does not match the body."), 401)
    domain = headers.get("X-Shopify-Shop-Domain", "").strip().lower()
    if source.shop_domain and domain != source.shop_domain:
        raise _refuse("unknown_source", _("This address does not take orders from that shop."), 404)
    topic = headers.get("X-Shopify-Topic", "")
    if topic not in SHOPIFY_TOPICS:
        raise _refuse(
            "invalid_body",
            _("Only these topics are taken here: %(topics)s (got %(topic)s).")
            % {"topics": ", ".join(SHOPIFY_TOPICS), "topic": topic},
        )
    return "shopify:" + (headers.get("X-Shopify-Webhook-Id", "") or expected)[:110]


def _json(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse("invalid_body", _("The body is not JSON.")) from None
    if not isinstance(data, dict):
        raise _refuse("invalid_body", _("The body is a JSON object."))
    return data


def receive(slug: str, headers, body: bytes, *, now: float | None = None) -> Received:
    """Check and record one delivery. ``headers`` is a case-insensitive mapping (Django's
    ``request.headers``). Raises :class:`WebhookRefused` or :class:`ValidationFailed`."""
    source = WebhookSource.objects.filter(slug=str(slug)[:40], is_active=True).first()
    if source is None:
        raise _refuse("unknown_source", _("No active order webhook has this address."), 404)
    if len(body) > MAX_BODY:
        raise _refuse("invalid_body", _("The body is too large."), 413)
    now = time.time() if now is None else now
    if source.kind == WebhookKind.SHOPIFY:
        key = _check_shopify(source, headers, body)
    else:
        key = "v1:" + _check_daifuku(source, headers.get("X-Daifuku-Signature", ""), body, now)
    known = WebhookDelivery.objects.filter(source=source, key=key).select_related("order").first()
    if known is not None:
        if source.kind == WebhookKind.SHOPIFY:  # Shopify retries: answer 200, record nothing
            return Received(200, known.order, duplicate_delivery=True)
        raise _refuse("replayed", _("This signature was used already; sign each request."), 409)
    data = _json(body)
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(source=source, key=key)
        except IntegrityError:  # the same delivery in parallel: the other one records it
            if source.kind == WebhookKind.SHOPIFY:
                return Received(200, None, duplicate_delivery=True)
            raise _refuse(
                "replayed", _("This signature was used already; sign each request."), 409
            ) from None
        if source.kind == WebhookKind.SHOPIFY:
            order, created = SHOPIFY_TOPICS[headers.get("X-Shopify-Topic", "")](source, data)
        else:
            order, created = _daifuku_order(source, data)
        delivery.order = order
        delivery.save(update_fields=["order"])
        WebhookSource.objects.filter(pk=source.pk).update(last_received_at=timezone.now())
    return Received(201 if created else 200, order)


def _daifuku_order(source: WebhookSource, data: dict):
    """Our own format: the fields of ``POST /api/v1/orders`` (docs/commerce.md)."""
    from pydantic import ValidationError

    from ..schemas import OrderIn

    try:
        payload = OrderIn.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            errors.setdefault(".".join(str(p) for p in error["loc"]) or "__all__", []).append(
                error["msg"]
            )
        raise ValidationFailed(errors, code="invalid_body") from None
    return record_order_body(
        actor=source.acts_as, payload=payload, source=source.slug, default_channel=source.channel
    )


def forget_old_deliveries(now=None) -> int:
    """Delete remembered deliveries older than a day (the replay window is 5 minutes)."""
    cutoff = (now or timezone.now()) - KEEP_DELIVERIES
    return WebhookDelivery.objects.filter(received_at__lt=cutoff).delete()[0]
