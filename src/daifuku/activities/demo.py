"""Demo touches and next actions for ``daifuku demo``: each rep's own customers get a few
recent visits, calls and mails, and an open next action (some overdue, some today, some
later) so "my day", the customer page and the team dashboard have something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daifuku.customers.models import Person

from .models import TouchKind
from .services.actions import create_next_action
from .services.touches import log_touch

TOUCHES = [
    (TouchKind.VISIT, "定期訪問", "- ご家族の近況を伺った\n- 冷蔵庫の買い替えを検討中"),
    (TouchKind.CALL, "お問い合わせへの回答", "配送日の変更について回答済み。"),
    (TouchKind.EMAIL, "新商品のご案内", "秋の新商品カタログを送付。"),
    (TouchKind.MEETING, "見積の説明", "見積の内容を説明。**来週までに**ご検討いただく。"),
]
ACTIONS = ["見積のフォロー電話", "カタログ送付", "設置日の調整", "点検のご案内"]


def add_demo_activity(context) -> str:
    now = timezone.now()
    touches = actions = 0
    for username in ("rep1", "rep2"):
        rep = context.users.get(username)
        if rep is None:
            continue
        people = list(Person.objects.filter(owner=rep).order_by("id")[:25])
        for index, person in enumerate(people):
            for step in range(context.random.randint(1, 3)):
                kind, summary, body = TOUCHES[(index + step) % len(TOUCHES)]
                when = now - dt.timedelta(
                    days=context.random.randint(0, 30), hours=context.random.randint(0, 8)
                )
                log_touch(
                    actor=rep,
                    person=person,
                    data={
                        "kind": kind,
                        "occurred_at": when,
                        "summary": summary,
                        "body": body,
                        "duration_minutes": context.random.choice([10, 30, 60]),
                    },
                )
                touches += 1
            if index % 3 != 2:  # some customers deliberately have no next step
                due = now + dt.timedelta(days=(index % 7) - 2, hours=context.random.randint(1, 6))
                create_next_action(
                    actor=rep,
                    person=person,
                    data={
                        "title": ACTIONS[index % len(ACTIONS)],
                        "due_at": due,
                        "kind": TouchKind.CALL,
                    },
                )
                actions += 1
    return f"{touches} touches, {actions} next actions"
