from django.urls import include, path
from django.views.i18n import set_language

from daifuku.api.api import api
from daifuku.core.favicon import favicon

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("daifuku.accounts.urls")),
    path("customers/", include("daifuku.customers.urls")),
    path("activities/", include("daifuku.activities.urls")),
    path("sales/", include("daifuku.sales.urls")),
    path("commerce/", include("daifuku.commerce.urls")),
    path("marketing/", include("daifuku.marketing.urls")),
    # the unsubscribe link of every advertising mail (no login; signed token)
    path("m/u/", include("daifuku.marketing.urls_unsubscribe")),
    path("imports/", include("daifuku.imports.urls")),
    path("analytics/", include("daifuku.analytics.urls")),
    path("behaviour/", include("daifuku.behaviour.urls")),
    path("dashboards/", include("daifuku.dashboards.urls")),
    path("api/v1/", api.urls),
    path("", include("daifuku.web.urls")),
]

handler403 = "daifuku.web.errors.permission_denied"
handler400 = "daifuku.web.errors.bad_request"
handler404 = "daifuku.web.errors.not_found"
handler500 = "daifuku.web.errors.server_error"
