from django.urls import path

from . import views_orders, views_webhooks

app_name = "commerce"

urlpatterns = [
    path("orders/", views_orders.order_list, name="orders"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order"),
    path("orders/<int:pk>/returns/", views_orders.order_return, name="order-return"),
    path("channels/", views_orders.channel_settings, name="channels"),
    path("webhooks/<slug:slug>/orders", views_webhooks.receive_orders, name="webhook-receive"),
    path("settings/webhooks/", views_webhooks.webhook_sources, name="webhooks"),
    path("settings/webhooks/<int:pk>/rotate", views_webhooks.webhook_rotate, name="webhook-rotate"),
    path("settings/webhooks/<int:pk>/toggle", views_webhooks.webhook_toggle, name="webhook-toggle"),
]
