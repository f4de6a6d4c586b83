"""Small tables the touch services keep next to the touches so the team dashboard answers
"which customers did each rep touch this week/month" and "which customers nobody touched
for N days" from a few thousand index entries instead of millions of touches. Every row is
derived: ``services.rollups.rebuild_rollups`` recomputes them from the touches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupPeriod(models.TextChoices):
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class RepCustomerPeriod(models.Model):
    """One customer (person) a rep touched in one week (Monday first) or month, in Asia/Tokyo
    dates, with the number of those touches. The row appears with the rep's first touch of
    the customer in that period and goes away with the last one, so the number of rows of a
    (rep, period, start) is exactly the number of customers the rep touched then (訪問・接触
    した顧客数). Kept by the touch services in the touch's own transaction."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint leads with rep
    period = models.CharField(max_length=6, choices=RollupPeriod.choices)
    start = models.DateField()
    person = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="+")
    touches = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rep", "period", "start", "person"], name="rep_customer_period_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rep_id} {self.period} {self.start} #{self.person_id}: {self.touches}"


class PersonLastTouch(models.Model):
    """When anyone last touched a customer (person): the newest ``occurred_at`` of the
    person's touches, absent when the person has none. The dashboard's "not touched for N
    days" reads it instead of probing the touches of every customer."""

    person = models.OneToOneField(
        "customers.Person", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_touched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"#{self.person_id}: {self.last_touched_at:%Y-%m-%d %H:%M}"
