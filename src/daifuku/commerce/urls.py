from django.urls import path

from .views import orders, webhooks

app_name = "commerce"

urlpatterns = [
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/returns/", orders.order_return, name="order-return"),
    path("channels/", orders.channel_settings, name="channels"),
    path("webhooks/<slug:slug>/orders", webhooks.receive_orders, name="webhook-receive"),
    path("settings/webhooks/", webhooks.webhook_sources, name="webhooks"),
    path("settings/webhooks/<int:pk>/rotate", webhooks.webhook_rotate, name="webhook-rotate"),
    path("settings/webhooks/<int:pk>/toggle", webhooks.webhook_toggle, name="webhook-toggle"),
]
