"""Marketing mail's records: who sends (送信者情報, personas), what is sent (templates,
campaigns and their A/B variants), to whom and how it went (one delivery row per recipient,
the events that follow it), and who must never be sent to again (the suppression list).

The delivery row is the unit of the engine's promise — a recipient is sent a campaign at most
once and is never silently lost: the row exists before anything is sent, a worker claims it
before it talks to the SMTP server, and a claim that no worker finished becomes ``unknown``
(reported, never resent).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.core.links import id_url
from daifuku.core.models import TimeStampedModel, VersionedModel


class MailSettings(models.Model):
    """The sender identity every advertising mail must show (特定電子メール法 第4条): the
    sender's name, postal address, an inquiry contact and the From address; plus the
    engine's speed limits and how long after a mail a purchase counts as its conversion.
    One row (pk 1), changed by administrators on 設定 → メール配信 or ``PUT
    /api/v1/settings/sender``."""

    SINGLETON_PK = 1

    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    postal_address = models.CharField(_("sender postal address"), max_length=300, blank=True)
    contact = models.CharField(_("contact for inquiries"), max_length=300, blank=True)
    from_email = models.EmailField(_("from address"), max_length=254, blank=True)
    reply_to = models.EmailField(_("reply-to address"), max_length=254, blank=True)
    unsubscribe_email = models.EmailField(
        _("address that receives unsubscribe mails"), max_length=254, blank=True
    )
    global_rate = models.PositiveIntegerField(_("messages per second, in all"), default=200)
    per_domain_rate = models.PositiveIntegerField(
        _("messages per second to one receiving domain"), default=50
    )
    conversion_days = models.PositiveIntegerField(
        _("a purchase counts as a conversion for (days after an open or click)"), default=7
    )
    dkim_domain = models.CharField(_("DKIM signing domain"), max_length=253, blank=True)
    dkim_selector = models.CharField(_("DKIM selector"), max_length=63, blank=True)
    dkim_private_key = models.TextField(blank=True, editable=False)
    under_order = models.BooleanField(
        _("a 措置命令 was received (consent records are kept for one year)"), default=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mail settings")
        verbose_name_plural = _("mail settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class MailTopic(models.Model):
    """A kind of mail a person may refuse on its own (新商品のお知らせ, セミナー案内) on the
    preference page, without refusing every advertising mail."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(pgettext_lazy("mail topic", "name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("mail topic")
        verbose_name_plural = _("mail topics")

    def __str__(self) -> str:
        return self.name


class TopicPreference(models.Model):
    """A person's own choice for one topic (the row exists once they chose; no row = the
    topic follows their e-mail consent)."""

    person = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(MailTopic, on_delete=models.CASCADE, related_name="preferences")
    subscribed = models.BooleanField(default=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("topic preference")
        verbose_name_plural = _("topic preferences")
        constraints = [
            models.UniqueConstraint(fields=["person", "topic"], name="topic_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.topic_id} {self.subscribed}"


class Persona(models.Model):
    """A sender persona (seed 003): the name, address, signature and photo a mail is sent
    under, chosen by the recipient's age band (10代–20代 → 「スタッフ さき」, 40代以上 →
    「店長 山田」); the default persona answers everyone no rule names."""

    name = models.CharField(pgettext_lazy("persona", "name"), max_length=100, unique=True)
    from_name = models.CharField(_("sender name shown"), max_length=100)
    from_email = models.EmailField(_("from address"), max_length=254, blank=True)
    signature_text = models.TextField(_("signature (plain text)"), blank=True)
    signature_html = models.TextField(_("signature (HTML)"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="marketing/personas/", blank=True)
    age_bands = models.JSONField(_("age bands"), default=list, blank=True)
    is_default = models.BooleanField(_("default persona"), default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("sender persona")
        verbose_name_plural = _("sender personas")

    def __str__(self) -> str:
        return self.name


class MailTemplate(TimeStampedModel, VersionedModel):
    """A reusable mail: subject, HTML and plain-text bodies with merge fields in ``{{ }}``
    and blocks shown only to a rank, to first-time or repeat buyers or to an age band."""

    name = models.CharField(pgettext_lazy("mail template", "name"), max_length=100, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    html = models.TextField(_("HTML body"), blank=True)
    text = models.TextField(_("plain-text body"), blank=True)
    is_advertising = models.BooleanField(_("advertising mail"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    TESTING = "testing", _("A/B test running")
    SENT = "sent", pgettext_lazy("campaign", "Sent")
    CANCELLED = "cancelled", _("Cancelled")


class AbMetric(models.TextChoices):
    OPEN = "open", _("Open rate")
    CLICK = "click", _("Click rate")


class Campaign(TimeStampedModel, VersionedModel):
    """One mailing (配信): a segment or list, a subject and bodies (copied from a template or
    written here), a persona, a send time. With an A/B test, ``ab_share`` percent of the
    audience is split between the variants first and the rest gets the winner by
    ``ab_metric`` after ``ab_wait_hours``. ``skipped`` counts who was left out of the send
    and why (no consent, opted out, suppressed, no address) — never silently."""

    name = models.CharField(pgettext_lazy("campaign", "name"), max_length=200)
    segment = models.ForeignKey(
        "marketing.Segment",
        verbose_name=_("segment"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    template = models.ForeignKey(
        MailTemplate,
        verbose_name=_("mail template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    subject = models.CharField(_("subject"), max_length=200)
    html = models.TextField(_("HTML body"), blank=True)
    text = models.TextField(_("plain-text body"), blank=True)
    persona = models.ForeignKey(
        Persona,
        verbose_name=_("sender persona"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    topic = models.ForeignKey(
        MailTopic,
        verbose_name=_("mail topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    is_advertising = models.BooleanField(_("advertising mail"), default=True)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    ab_share = models.PositiveSmallIntegerField(
        _("share of the audience in the A/B test (%)"), default=0
    )
    ab_metric = models.CharField(
        _("winner chosen by"), max_length=5, choices=AbMetric.choices, default=AbMetric.OPEN
    )
    ab_wait_hours = models.PositiveIntegerField(_("hours before the winner is chosen"), default=4)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    skipped = models.JSONField(default=dict, blank=True, editable=False)
    # while a large audience's delivery rows are still being written (in chunks, by person
    # id, after the send started): the last person id whose row is written; None once
    # every recipient has a row (docs/mail-delivery.md, "A million recipients")
    audience_cursor = models.BigIntegerField(null=True, blank=True, editable=False)
    # the blocking pre-send problems that stopped a scheduled start ({code, message, field})
    problems = models.JSONField(default=list, blank=True, editable=False)
    # who it would reach, as last counted (the campaign's page shows this instead of
    # resolving the audience on every load): recipients, left out by reason, when, and the
    # campaign's version then (an edit since makes the count out of date)
    audience_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    audience_skipped = models.JSONField(default=dict, blank=True, editable=False)
    audience_counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    audience_version = models.PositiveIntegerField(default=0, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return id_url("marketing:campaign", self.pk)


class CampaignVariant(models.Model):
    """One subject line of an A/B test (A, B, …); the winner goes to the rest."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(_("label"), max_length=2)
    subject = models.CharField(_("subject"), max_length=200)
    is_winner = models.BooleanField(default=False)

    class Meta:
        ordering = ["label"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "label"], name="variant_label_once")
        ]

    def __str__(self) -> str:
        return self.label


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    DEFERRED = "deferred", _("Retrying")
    SENT = "sent", pgettext_lazy("delivery", "Sent")
    FAILED = "failed", _("Refused")
    BOUNCED = "bounced", _("Bounced")
    UNKNOWN = "unknown", _("Unknown (worker stopped mid-send)")


class Delivery(models.Model):
    """One recipient of one campaign, created before anything is sent. ``status`` moves
    pending → sending (claimed by ``claimed_by``) → sent / deferred / failed; a claim no
    worker finished becomes ``unknown`` and is reported, never resent. ``token`` names the
    delivery in tracking links, unsubscribe links and the VERP return path."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    variant = models.ForeignKey(
        CampaignVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=254)
    domain = models.CharField(max_length=253)
    token = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    response = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email"], name="delivery_once_per_address")
        ]
        indexes = [
            # the claim's index range (campaign, status) in id order (docs/mail-delivery.md)
            models.Index(fields=["campaign", "status", "id"], name="delivery_claim_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["person"], name="delivery_person_idx"),
            models.Index(fields=["message_id"], name="delivery_message_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.email}"


class MailEventKind(models.TextChoices):
    OPEN = "open", _("Opened")
    MACHINE_OPEN = "machine_open", _("Opened by a mail proxy")
    CLICK = "click", _("Clicked")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
    BOUNCE = "bounce", _("Bounced")
    SOFT_BOUNCE = "soft_bounce", _("Bounced (temporary)")
    COMPLAINT = "complaint", _("Marked as spam")
    CONVERSION = "conversion", _("Purchased")


class MailEvent(models.Model):
    """Something that happened to a delivered mail: an open (a privacy proxy's fetch counted
    apart), a click (with its address), an unsubscribe, a bounce, a complaint, a purchase
    within the conversion window (with its order and revenue). Person and campaign are kept
    on the row so the timeline, segments and statistics read one table."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=MailEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    url = models.CharField(max_length=2000, blank=True)
    order_id = models.BigIntegerField(null=True, blank=True)
    revenue = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("mail event")
        verbose_name_plural = _("mail events")
        indexes = [
            models.Index(fields=["campaign", "kind"], name="mail_event_campaign_idx"),
            models.Index(fields=["person", "kind", "at"], name="mail_event_person_idx"),
        ]
        constraints = [
            # an order is one delivery's conversion at most (tracking attributes it once)
            models.UniqueConstraint(
                fields=["order_id"],
                condition=models.Q(kind="conversion"),
                name="mail_conversion_once_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.kind}"


class SuppressionReason(models.TextChoices):
    BOUNCE = "bounce", _("Address does not exist (bounce)")
    COMPLAINT = "complaint", _("Marked as spam")
    UNSUBSCRIBE = "unsubscribe", _("Refused all mail")
    MANUAL = "manual", _("Added by hand")


class Suppression(models.Model):
    """An address no mail of this system goes to — campaigns and the CRM's 1:1 mails alike.
    ``email`` is stored lower-cased so one look-up answers for every spelling."""

    email = models.CharField(_("email address"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=12, choices=SuppressionReason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return self.email
