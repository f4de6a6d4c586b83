"""The Kanban board: one column per stage, drag and drop (or the per-card "move to"
select, for keyboards) posts to the move endpoint and gets the re-rendered board back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, sees_everything
from daifuku.core.errors import DomainError
from daifuku.core.screens import page_or_partial, wants_partial

from .. import selectors, services


@login_required
def home(request):
    """Sales starts on the board of the first pipeline (or offers to create one)."""
    pipelines = selectors.pipelines(request.user)
    if pipelines:
        return redirect("sales:board", pipelines[0].pk)
    return render(request, "sales/empty.html", {"can_manage": sees_everything(request.user)})


def _board_context(request, pipeline) -> dict:
    columns = selectors.board(request.user, pipeline)
    open_columns = [c for c in columns if c.stage.is_open]
    return {
        "pipeline": pipeline,
        "pipelines": selectors.pipelines(request.user),
        "columns": columns,
        "lost_reasons": selectors.active_lost_reasons(request.user),
        "move_stages": [c.stage for c in columns],
        "total_amount": sum(c.amount for c in open_columns),
        "total_weighted": sum(c.weighted for c in open_columns),
        "total_count": sum(c.count for c in open_columns),
    }


@login_required
def board(request, pk: int):
    pipeline = selectors.get_pipeline(request.user, pk)
    context = _board_context(request, pipeline)
    return page_or_partial(request, "sales/board.html", "sales/partials/_board.html", context)


@login_required
def board_column(request, pk: int, stage_id: int):
    """ "Show more" of one column (htmx): the next cards after the cursor."""
    pipeline = selectors.get_pipeline(request.user, pk)
    stage = selectors.stage_in_pipeline(request.user, pipeline.pk, stage_id)
    if stage is None:
        from django.http import Http404

        raise Http404
    cards, next_cursor = selectors.column_cards(
        request.user, stage, cursor=request.GET.get("after")
    )
    return render(
        request,
        "sales/partials/_cards.html",
        {
            "pipeline": pipeline,
            "stage": stage,
            "cards": cards,
            "next_cursor": next_cursor,
            "move_stages": selectors.stages_of(pipeline),
        },
    )


@login_required
@require_POST
def move(request, pk: int):
    """Move a deal (board drag and drop, the card's select, or the deal page's forms). A
    move to a lost stage names a lost reason; refused on the deal page, the page comes
    back with the error on that field."""
    deal = selectors.get_deal(request.user, pk, CHANGE)
    stage = selectors.stage_in_pipeline(
        request.user, deal.pipeline_id, request.POST.get("stage") or 0
    )
    error, field_errors = None, {}
    if stage is None:
        error = _("Choose a stage of this deal's pipeline.")
    else:
        try:
            deal = services.move_deal_to_stage(
                actor=request.user,
                deal=deal,
                stage=stage,
                reason=request.POST.get("reason", ""),
                lost_reason=request.POST.get("lost_reason") or None,
            )
        except DomainError as exc:
            error, field_errors = str(exc.message), exc.errors
            if exc.errors:
                error = "; ".join(m for msgs in exc.errors.values() for m in msgs)
    if wants_partial(request) and request.POST.get("from") == "board":
        context = _board_context(request, deal.pipeline)
        context.update({"error": error, "moved_id": deal.pk})
        return render(
            request, "sales/partials/_board.html", context
        )  # htmx swaps 2xx only: the error shows in the board
    if "lost_reason" in field_errors:
        from .deals import detail_context

        context = detail_context(
            request,
            selectors.get_deal(request.user, pk),
            lost_errors=field_errors["lost_reason"],
            lost_note=request.POST.get("reason", ""),
        )
        return render(request, "sales/deal_detail.html", context, status=422)
    if error:
        messages.error(request, error)
    elif stage.kind == "won":
        messages.success(request, _("Marked as won."))
    elif stage.kind == "lost":
        messages.success(request, _("Marked as lost."))
    else:
        messages.success(request, _("Moved to %(stage)s.") % {"stage": deal.stage.name})
    return redirect(
        request.POST.get("next")
        if _safe(request.POST.get("next"))
        else reverse("sales:deal", args=[deal.pk])
    )


def _safe(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")
