from django.urls import path

from . import views_orders

app_name = "commerce"

urlpatterns = [
    path("orders/", views_orders.order_list, name="orders"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order"),
    path("orders/<int:pk>/returns/", views_orders.order_return, name="order-return"),
    path("channels/", views_orders.channel_settings, name="channels"),
]
