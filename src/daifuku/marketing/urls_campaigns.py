"""The campaign screens' URLs (メール配信), included from marketing/urls.py."""

from django.urls import path

from .views import campaign_preview, campaigns

urlpatterns = [
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign-create"),
    path("campaigns/preview/", campaign_preview.campaign_preview, name="campaign-preview"),
    path("campaigns/test-send/", campaign_preview.campaign_test_send, name="campaign-test-send"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/send/", campaigns.campaign_send, name="campaign-send"),
    path("campaigns/<int:pk>/cancel/", campaigns.campaign_cancel, name="campaign-cancel"),
    path("campaigns/<int:pk>/audience/", campaigns.campaign_audience, name="campaign-audience"),
    path("campaigns/<int:pk>/progress/", campaigns.campaign_progress, name="campaign-progress"),
]
