from django.urls import path

from . import views, views_organization

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token-create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("organization/", views_organization.organization_settings, name="organization"),
    path("organization/seal/", views_organization.organization_seal, name="organization-seal"),
]
