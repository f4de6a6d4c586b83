from django.urls import path

from .views import advocacy, ranks

app_name = "analytics"
urlpatterns: list = [
    path("ranks/", ranks.rank_rules, name="rank-rules"),
    path("ranks/<int:pk>/", ranks.rank_rule_update, name="rank-rule-update"),
    path("ranks/<int:pk>/delete/", ranks.rank_rule_delete, name="rank-rule-delete"),
    path("rfm/<str:entity>/", ranks.rfm_scale_update, name="rfm-scale-update"),
    path("advocates/", advocacy.advocate_list, name="advocates"),
    path("people/<int:pk>/nps/", advocacy.add_nps, name="person-nps"),
    path("people/<int:pk>/referrals/", advocacy.add_referral, name="person-referral"),
]
