"""URLs of the click-redirect benchmark: Daifuku's own plus the baseline address
``/bench/click-naive/<token>?u=<address>``, what a straightforward click endpoint does —
find the delivery, insert the click event (one ORM insert, autocommit), redirect (and no
signature, first-open bookkeeping or batching)."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.urls import path

from daifuku import urls as daifuku_urls
from daifuku.marketing.models import Delivery, MailEvent


def click_naive(request, token):
    delivery = Delivery.objects.get(token=token)
    url = request.GET["u"]
    MailEvent.objects.create(
        delivery=delivery,
        campaign_id=delivery.campaign_id,
        person_id=delivery.person_id,
        kind="click",
        url=url,
    )
    return HttpResponseRedirect(url)


urlpatterns = [path("bench/click-naive/<str:token>", click_naive), *daifuku_urls.urlpatterns]
