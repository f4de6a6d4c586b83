from django.urls import path

from . import admin_views, views, views_organization

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token-create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("organization/", views_organization.organization_settings, name="organization"),
    path("organization/seal/", views_organization.organization_seal, name="organization-seal"),
    path("users/", admin_views.users, name="users"),
    path("users/invite/", admin_views.invite, name="user-invite"),
    path("users/<int:pk>/", admin_views.user_detail, name="user"),
    path("users/<int:pk>/active/", admin_views.user_set_active, name="user-set-active"),
    path(
        "users/<int:pk>/invitation/",
        admin_views.user_resend_invitation,
        name="user-resend-invitation",
    ),
    path("teams/", admin_views.teams, name="teams"),
    path("teams/<int:pk>/", admin_views.team_rename, name="team"),
]
