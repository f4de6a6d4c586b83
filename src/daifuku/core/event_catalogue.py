"""Every business event of Daifuku, in one place (docs/architecture.md, "Events").

Core knows no domain, so an event here is only a name, what it means, the keywords its
handlers receive, and the apps that emit and react to it (strings, never imports). A new
event is declared here before it is emitted; the table in docs/architecture.md is this
catalogue (``tests/test_architecture.py`` compares them).

Payloads carry ids, never model instances — handlers run after commit and load what they
need. The merge's ``customer.merging`` / ``customer.unmerging`` run inside its transaction
and carry the ids of the two customers and of the journal the participants write their
undo steps into (``customers.dedup.services.journal.move_rows(journal_id, …)``).
"""

from .events import declare

ENTITY = '"person" or "company"'

# customers (the ledger)
declare(
    "customer.created",
    meaning="a person or company was added to the ledger",
    payload={"entity": ENTITY, "entity_id": "int"},
    emitted_by="customers",
    listened_by=("marketing",),
)
declare(
    "customer.updated",
    meaning="a person's or company's fields changed",
    payload={"entity": ENTITY, "entity_id": "int", "fields": "list[str]"},
    emitted_by="customers",
    listened_by=("marketing",),
)
declare(
    "customer.consent_changed",
    meaning="a person's consent for a channel was recorded (opted in or out, with evidence)",
    payload={"person_id": "int", "channel": "str", "status": '"opted_in" or "opted_out"'},
    emitted_by="customers",
    listened_by=("marketing",),
)
declare(
    "customer.deleted",
    meaning="a person or company was moved to the trash",
    payload={"entity": ENTITY, "entity_id": "int"},
    emitted_by="customers",
    listened_by=("analytics", "marketing"),
)
declare(
    "customer.restored",
    meaning="a person or company came back from the trash",
    payload={"entity": ENTITY, "entity_id": "int"},
    emitted_by="customers",
    listened_by=("analytics", "marketing"),
)
declare(
    "customer.merging",
    meaning="名寄せ: every domain moves its rows from the loser to the survivor",
    payload={
        "entity": ENTITY,
        "survivor_id": "int",
        "loser_id": "int",
        "journal_id": "int",
    },
    emitted_by="customers",
    listened_by=("activities", "analytics", "behaviour", "commerce", "marketing", "sales"),
    in_transaction=True,
)
declare(
    "customer.merged",
    meaning="two customers became one (the loser is kept, merged, for undo)",
    payload={"entity": ENTITY, "survivor_id": "int", "loser_id": "int", "journal_id": "int"},
    emitted_by="customers",
    listened_by=("analytics", "marketing"),
)
declare(
    "customer.unmerging",
    meaning="a merge is undone: every domain moves its rows back",
    payload={
        "entity": ENTITY,
        "survivor_id": "int",
        "loser_id": "int",
        "journal_id": "int",
    },
    emitted_by="customers",
    listened_by=("activities",),
    in_transaction=True,
)
declare(
    "customer.unmerged",
    meaning="a merge was undone",
    payload={"entity": ENTITY, "survivor_id": "int", "loser_id": "int", "journal_id": "int"},
    emitted_by="customers",
    listened_by=("analytics", "marketing"),
)

# activities (touches, next actions, hand-overs)
declare(
    "customer.handed_over",
    meaning="customers were handed over to another rep (ownership periods)",
    payload={"period_ids": "list[int]", "to_user_id": "int"},
    emitted_by="activities",
)
declare(
    "touch.logged",
    meaning="a visit, call or mail with a customer was recorded",
    payload={
        "touch_id": "int",
        "person_id": "int or None",
        "company_id": "int or None",
        "subject_type": "str",
        "subject_id": "int or None",
        "occurred_at": "datetime",
        "rep_id": "int",
        "kind": "str",
    },
    emitted_by="activities",
    listened_by=("marketing", "sales"),
)
declare(
    "touch.updated",
    meaning="a recorded touch was corrected",
    payload={"touch_id": "int", "fields": "list[str]"},
    emitted_by="activities",
)
declare(
    "next_action.created",
    meaning="a next step was planned for a customer",
    payload={
        "next_action_id": "int",
        "person_id": "int or None",
        "company_id": "int or None",
        "subject_type": "str",
        "subject_id": "int or None",
    },
    emitted_by="activities",
)
declare(
    "next_action.completed",
    meaning="a planned next step was done",
    payload={
        "next_action_id": "int",
        "person_id": "int or None",
        "company_id": "int or None",
        "subject_type": "str",
        "subject_id": "int or None",
    },
    emitted_by="activities",
)

# sales (deals and quotes)
declare("deal.created", meaning="a deal was opened", payload={"deal_id": "int"}, emitted_by="sales")
declare(
    "deal.updated",
    meaning="a deal's fields changed",
    payload={"deal_id": "int"},
    emitted_by="sales",
)
declare(
    "deal.stage_changed",
    meaning="a deal moved to another stage of its pipeline",
    payload={
        "deal_id": "int",
        "pipeline_id": "int",
        "from_stage_id": "int",
        "to_stage_id": "int",
        "changed_at": "datetime",
    },
    emitted_by="sales",
)
declare(
    "deal.won",
    meaning="a deal was won",
    payload={
        "deal_id": "int",
        "person_id": "int or None",
        "company_id": "int or None",
        "amount": "int (yen)",
        "won_at": "datetime",
    },
    emitted_by="sales",
    listened_by=("sales",),
)  # the win becomes an order
declare(
    "deal.lost",
    meaning="a deal was lost",
    payload={
        "deal_id": "int",
        "person_id": "int or None",
        "company_id": "int or None",
        "amount": "int (yen)",
        "lost_at": "datetime",
        "reason": "str",
        "lost_reason_id": "int or None",
        "lost_reason": "str",
    },
    emitted_by="sales",
)
declare(
    "deal.stalled",
    meaning="an open deal had no touch for too long",
    payload={
        "deal_id": "int",
        "reason": "str",
        "person_id": "int or None",
        "company_id": "int or None",
        "owner_id": "int or None",
        "stalled_at": "datetime",
    },
    emitted_by="sales",
    listened_by=("marketing",),
)
declare(
    "quote.issued",
    meaning="a quote (見積書) was issued for a deal",
    payload={"quote_id": "int", "deal_id": "int"},
    emitted_by="sales",
)

# commerce (purchases)
declare(
    "order.recorded",
    meaning="an order was recorded (by hand, the API, an import or a won deal)",
    payload={"order_id": "int", "entity": ENTITY, "entity_id": "int"},
    emitted_by="commerce",
    listened_by=("marketing",),
)
declare(
    "order.returned",
    meaning="a return or cancellation was recorded against an order",
    payload={"order_id": "int", "return_id": "int", "entity": ENTITY, "entity_id": "int"},
    emitted_by="commerce",
    listened_by=("marketing",),
)
declare(
    "order.recording",
    meaning="an order is being recorded: what depends on it is updated in its transaction",
    payload={"order_id": "int", "entity": ENTITY, "entity_id": "int"},
    emitted_by="commerce",
    listened_by=("analytics",),
    in_transaction=True,
)
declare(
    "orders.recording",
    meaning="a batch of imported orders is being recorded: what depends on their customers is updated in its transaction, once for the batch",
    payload={"customers": "list of (entity, id)"},
    emitted_by="commerce",
    listened_by=("analytics",),
    in_transaction=True,
)
declare(
    "order.returning",
    meaning="a return or cancellation is being recorded: what depends on it is updated in its transaction",
    payload={"order_id": "int", "return_id": "int", "entity": ENTITY, "entity_id": "int"},
    emitted_by="commerce",
    listened_by=("analytics",),
    in_transaction=True,
)

# analytics (customer metrics and ranks)
declare(
    "customer.rank_changed",
    meaning="a customer's rank (会員ランク) changed: an order, a return, the nightly decay or new rules",
    payload={
        "entity": ENTITY,
        "entity_id": "int",
        "from_rank": "str or None",
        "to_rank": "str or None",
        "reason": '"order", "return", "nightly", "rebuild" or "rules"',
    },
    emitted_by="analytics",
    listened_by=("marketing",),
)

# marketing (segments)
declare(
    "segment.entered",
    meaning="a person entered a segment's stored membership (step mails start here)",
    payload={
        "segment_id": "int",
        "person_id": "int",
        "reason": '"event", "rules", "calendar" or "check"',
    },
    emitted_by="marketing",
)
declare(
    "segment.left",
    meaning="a person left a segment's stored membership",
    payload={
        "segment_id": "int",
        "person_id": "int",
        "reason": '"event", "rules", "calendar" or "check"',
    },
    emitted_by="marketing",
)

# marketing (mail)
declare(
    "mail.suppressed",
    meaning="an address was put on the suppression list (bounce, complaint, refusal, by hand): no mail goes to it again",
    payload={
        "email": "str",
        "reason": '"bounce", "complaint", "unsubscribe" or "manual"',
        "delivery_id": "int or None",
    },
    emitted_by="marketing",
)
declare(
    "mail.opened",
    meaning="a recipient opened a campaign mail for the first time (a person's mail program; a privacy proxy's fetch does not count)",
    payload={
        "delivery_id": "int",
        "campaign_id": "int",
        "person_id": "int or None",
        "opened_at": "datetime",
    },
    emitted_by="marketing",
    listened_by=("marketing",),
)
declare(
    "mail.clicked",
    meaning="a recipient clicked a link of a campaign mail (once per delivery and batch of recorded clicks)",
    payload={
        "delivery_id": "int",
        "campaign_id": "int",
        "person_id": "int or None",
        "url": "str",
        "clicked_at": "datetime",
    },
    emitted_by="marketing",
    listened_by=("marketing",),
)
