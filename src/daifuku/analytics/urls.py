from django.urls import path

from .views import advocacy

app_name = "analytics"
urlpatterns = [
    path("advocates/", advocacy.advocate_list, name="advocates"),
    path("people/<int:pk>/nps/", advocacy.add_nps, name="person-nps"),
    path("people/<int:pk>/referrals/", advocacy.add_referral, name="person-referral"),
]
