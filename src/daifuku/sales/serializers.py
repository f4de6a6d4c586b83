"""Plain-dict renderings of sales objects for the API."""

from __future__ import annotations

from django.urls import reverse


def pipeline_dict(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "is_active": p.is_active,
        "stages": [
            {
                "id": s.pk,
                "name": s.name,
                "position": s.position,
                "probability": s.probability,
                "kind": s.kind,
                "rotting_days": s.rotting_days,
            }
            for s in sorted(p.stages.all(), key=lambda s: (s.position, s.pk))
        ],
    }


def product_dict(p) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "unit_price": p.unit_price,
        "tax_category": p.tax_category,
        "unit": p.unit,
        "category": p.category,
        "is_active": p.is_active,
    }


def line_dict(line) -> dict:
    return {
        "id": line.pk,
        "product_id": line.product_id,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "tax_category": line.tax_category,
        "total": line.total,
    }


def deal_dict(d) -> dict:
    return {
        "id": d.pk,
        "title": d.title,
        "company_id": d.company_id,
        "person_id": d.person_id,
        "owner": d.owner.username if d.owner_id and d.owner else None,
        "team_id": d.team_id,
        "pipeline_id": d.pipeline_id,
        "stage_id": d.stage_id,
        "stage": d.stage.name,
        "status": d.status,
        "amount": d.amount,
        "amount_from_lines": d.amount_from_lines,
        "expected_close": d.expected_close,
        "probability": d.probability,
        "probability_overridden": d.probability_overridden,
        "weighted_amount": d.weighted_amount,
        "forecast_category": d.forecast_category,
        "source": d.source,
        "competitors": d.competitors,
        "description": d.description,
        "closed_at": d.closed_at,
        "close_reason": d.close_reason,
        "lost_reason_id": d.lost_reason_id,
        "stage_entered_at": d.stage_entered_at,
        "last_touch_at": d.last_touch_at,
        "stalled_at": d.stalled_at,
        "stalled_reason": d.stalled_reason,
        "version": d.version,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


def deal_detail_dict(d) -> dict:
    return {
        **deal_dict(d),
        "lines": [line_dict(line) for line in d.lines.all()],
        "contacts": [
            {"id": c.pk, "person_id": c.person_id, "role": c.role} for c in d.contacts.all()
        ],
    }


def quote_dict(q) -> dict:
    return {
        "id": q.pk,
        "number": q.number,
        "deal_id": q.deal_id,
        "issued_on": q.issued_on,
        "valid_until": q.valid_until,
        "subtotal": q.subtotal,
        "tax": q.tax,
        "total": q.total,
        "tax_breakdown": q.tax_breakdown,
        "rounding": q.rounding,
        "pdf_url": reverse("api:quote_pdf", kwargs={"quote_id": q.pk}),
    }


def target_dict(t, result=None) -> dict:
    return {
        "id": t.pk,
        "metric": t.metric,
        "period": t.period,
        "starts_on": t.starts_on,
        "ends_on": t.ends_on,
        "value": t.value,
        "user": t.user.username if t.user_id else None,
        "team_id": t.team_id,
        "actual": result.actual if result else None,
        "forecast": result.forecast if result else None,
        "attainment_percent": result.percent if result else None,
    }
