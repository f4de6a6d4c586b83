from django.urls import path

from .views import board, deals, quotes, reports, setup

app_name = "sales"

urlpatterns = [
    path("", board.home, name="home"),
    path("pipelines/<int:pk>/board/", board.board, name="board"),
    path(
        "pipelines/<int:pk>/board/stages/<int:stage_id>/", board.board_column, name="board-column"
    ),
    path("deals/", deals.deal_list, name="deals"),
    path("deals/new/", deals.deal_create, name="deal-create"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal"),
    path("deals/<int:pk>/edit/", deals.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/move/", board.move, name="deal-move"),
    path("deals/<int:pk>/lines/", deals.line_add, name="line-add"),
    path("deals/<int:pk>/lines/<int:line_id>/delete/", deals.line_remove, name="line-remove"),
    path("people/pick/", deals.person_options, name="person-options"),
    path("deals/<int:pk>/contacts/", deals.contact_add, name="contact-add"),
    path(
        "deals/<int:pk>/contacts/<int:contact_id>/delete/",
        deals.contact_remove,
        name="contact-remove",
    ),
    path("deals/<int:pk>/next-action/", deals.next_action_add, name="next-action-add"),
    path("deals/<int:pk>/quotes/", quotes.quote_issue, name="quote-issue"),
    path("quotes/<int:pk>/", quotes.quote_detail, name="quote"),
    path("quotes/<int:pk>/pdf/", quotes.quote_pdf, name="quote-pdf"),
    path("views/", deals.saved_view_create, name="view-save"),
    path("views/<int:pk>/delete/", deals.saved_view_delete, name="view-delete"),
    path("forecast/", reports.forecast, name="forecast"),
    path("funnel/", reports.funnel, name="funnel"),
    path("stalled/", reports.stalled, name="stalled"),
    path("targets/", reports.targets, name="targets"),
    path("targets/<int:pk>/delete/", reports.target_delete, name="target-delete"),
    path("products/", setup.products, name="products"),
    path("products/<int:pk>/", setup.product_edit, name="product-edit"),
    path("setup/", setup.pipeline_setup, name="setup"),
    path("setup/pipelines/", setup.pipeline_create, name="pipeline-create"),
    path("setup/pipelines/<int:pk>/stages/", setup.stage_create, name="stage-create"),
    path("setup/stages/<int:pk>/", setup.stage_update, name="stage-update"),
    path("setup/lost-reasons/", setup.lost_reason_create, name="lost-reason-create"),
    path("setup/lost-reasons/<int:pk>/", setup.lost_reason_update, name="lost-reason-update"),
]
