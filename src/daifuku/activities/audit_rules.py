"""How the customer's history reads the audit entries of touches, their files and next
actions (registered with ``core.audit_display`` in apps.py).

The history of a customer is seen by more people than a private note or another team's
next action, so an entry is shown only to whom may read the thing it describes: the
touch (its privacy included) for a touch or its files, the next action for the action.
A touch deleted since is shown to whoever wrote the entry and, unless it was private, to
managers and admins."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from daifuku.accounts.permissions import VIEW, restrict, sees_everything
from daifuku.core.models import AuditEntry

from .models import NextAction, Status, Touch, TouchAttachment, TouchKind

TOUCH = "activities.touch"
ATTACHMENT = "activities.touchattachment"
ACTION = "activities.nextaction"
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic")
KIND_LABELS = dict(TouchKind.choices)


def _latest(pairs, name: str):
    """The last recorded value of ``name`` across a row's audit entries (oldest first)."""
    value = None
    for changes in pairs:
        pair = (changes or {}).get(name)
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            value = pair[1]
    return value


class _TouchFacts:
    """What the reader may know about the touches behind a batch of entries: the live ones
    they may see, and for those deleted since, whether they were private (and their kind)."""

    def __init__(self, user, touch_ids: set[int]):
        live = dict(
            restrict(Touch.objects.filter(pk__in=touch_ids), user, VIEW).values_list("pk", "kind")
        )
        existing = set(
            Touch.objects.filter(pk__in=touch_ids - set(live)).values_list("pk", flat=True)
        )
        self.kinds = dict(live)
        self.visible = set(live)
        self.gone = touch_ids - set(live) - existing
        self.private_gone: set[int] = set()
        history: dict[int, list] = {}
        rows = (
            AuditEntry.objects.filter(object_type=TOUCH, object_id__in=self.gone)
            .order_by("at", "id")
            .values_list("object_id", "changes")
        )
        for pk, changes in rows:
            history.setdefault(pk, []).append(changes)
        for pk, pairs in history.items():
            if _latest(pairs, "is_private"):
                self.private_gone.add(pk)
            self.kinds.setdefault(pk, _latest(pairs, "kind"))
        self.sees_everything = sees_everything(user)
        self.user_pk = user.pk

    def may_read(self, touch_id, entry) -> bool:
        if touch_id in self.visible:
            return True
        if touch_id in self.gone:
            return entry.actor_id == self.user_pk or (
                self.sees_everything and touch_id not in self.private_gone
            )
        return False


def touch_entries_visible(user, entries) -> set[int]:
    facts = _TouchFacts(user, {e.object_id for e in entries})
    allowed = set()
    for entry in entries:
        entry.touch_kind = facts.kinds.get(entry.object_id)
        if facts.may_read(entry.object_id, entry):
            allowed.add(entry.pk)
    return allowed


def _attachment_touch(entry, live: dict[int, int]) -> int | None:
    pair = (entry.changes or {}).get("touch")
    if isinstance(pair, (list, tuple)) and len(pair) == 2 and (pair[1] or pair[0]):
        return int(pair[1] or pair[0])
    return live.get(entry.object_id)


def attachment_entries_visible(user, entries) -> set[int]:
    live = dict(
        TouchAttachment.objects.filter(pk__in={e.object_id for e in entries}).values_list(
            "pk", "touch_id"
        )
    )
    touch_of = {e.pk: _attachment_touch(e, live) for e in entries}
    facts = _TouchFacts(user, {t for t in touch_of.values() if t})
    allowed = set()
    for entry in entries:
        touch_id = touch_of[entry.pk]
        entry.touch_id = touch_id
        # a file whose touch is unknown (recorded before the touch was kept): its uploader only
        if facts.may_read(touch_id, entry) if touch_id else entry.actor_id == user.pk:
            allowed.add(entry.pk)
    return allowed


def action_entries_visible(user, entries) -> set[int]:
    ids = {e.object_id for e in entries}
    live = set(
        restrict(NextAction.objects.filter(pk__in=ids), user, VIEW).values_list("pk", flat=True)
    )
    existing = set(NextAction.objects.filter(pk__in=ids - live).values_list("pk", flat=True))
    allowed = set()
    for entry in entries:
        gone = entry.object_id not in live and entry.object_id not in existing
        if entry.object_id in live or (
            gone and (entry.actor_id == user.pk or sees_everything(user))
        ):
            allowed.add(entry.pk)
    return allowed


def _kind_label(entry) -> str:
    kind = getattr(entry, "touch_kind", None) or _latest([entry.changes], "kind")
    return str(KIND_LABELS.get(kind, _("Touch")))


def _is_photo(entry) -> bool:
    return (entry.object_repr or "").lower().endswith(PHOTO_EXTENSIONS)


def describe_touch(entry, children) -> tuple[str, bool]:
    """「訪問を記録しました（写真 1 枚）」: the touch itself is on the timeline, so its
    creation lists no fields; a change names the fields changed."""
    kind = _kind_label(entry)
    if entry.action == "create":
        sentence = _("Logged a %(kind)s") % {"kind": kind}
        photos = sum(1 for child in children if child.action == "attach" and _is_photo(child))
        files = sum(1 for child in children if child.action == "attach") - photos
        extras = []
        if photos:
            extras.append(ngettext("%(n)d photo", "%(n)d photos", photos) % {"n": photos})
        if files:
            extras.append(ngettext("%(n)d file", "%(n)d files", files) % {"n": files})
        if extras:
            sentence += _(" (%(what)s)") % {"what": _(", ").join(extras)}
        return sentence, False
    if entry.action == "delete":
        return _("Deleted a %(kind)s") % {"kind": kind}, False
    return _("Changed a %(kind)s") % {"kind": kind}, True


def describe_attachment(entry, children) -> tuple[str, bool]:
    name = entry.object_repr
    if entry.action == "detach":
        return _("Removed the file %(name)s") % {"name": name}, False
    if _is_photo(entry):
        return _("Attached the photo %(name)s") % {"name": name}, False
    return _("Attached the file %(name)s") % {"name": name}, False


def attachment_parent(entry) -> tuple[str, int] | None:
    if entry.action != "attach":
        return None
    touch_id = getattr(entry, "touch_id", None)
    return (TOUCH, touch_id) if touch_id else None


def describe_action(entry, children) -> tuple[str, bool]:
    if entry.action == "create":
        return _("Planned a next action"), True
    status = (entry.changes or {}).get("status")
    if isinstance(status, (list, tuple)) and len(status) == 2 and len(entry.changes) == 1:
        if status[1] == Status.DONE:
            return _("Completed a next action"), False
        if status[1] == Status.CANCELLED:
            return _("Cancelled a next action"), False
    return _("Changed a next action"), True
