"""How fast the engine may send: a global rate and a rate per receiving domain.

Receiving providers (docomo, au, Gmail, Yahoo! JAPAN) slow down or refuse a sender that
pours thousands of messages a second at them; the relay in front of us may have its own
limit. :class:`Throttle` holds one token bucket for everything and one per domain
(``MailSettings.global_rate`` and ``per_domain_rate``, messages per second, 0 = no limit);
a message goes out when both buckets have a token. Each worker takes its share of the
rates (the rate divided by the workers alive), so several workers together keep to them.

The batch loop asks :meth:`Throttle.ready` per message and, when a domain's bucket is
empty, sends another domain's message first instead of waiting (:func:`interleave`).
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


class TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``; rate 0 = never empty."""

    def __init__(self, rate: float, burst: float | None = None, clock=time.monotonic) -> None:
        self.rate = float(rate)
        self.capacity = max(1.0, float(burst if burst is not None else max(1.0, rate / 10)))
        self.tokens = self.capacity
        self.clock = clock
        self.stamp = clock()

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait_time(self) -> float:
        """Seconds until a token is there (0: now)."""
        if self.rate <= 0:
            return 0.0
        self._refill(self.clock())
        # a hair short of a token (float rounding after an exact wait) counts as one
        return 0.0 if self.tokens >= 1 - 1e-6 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        if self.rate > 0:
            self._refill(self.clock())
            self.tokens -= 1


class Throttle:
    """The global bucket and one bucket per receiving domain."""

    def __init__(self, global_rate: float, per_domain_rate: float, clock=time.monotonic):
        self.clock = clock
        self.global_bucket = TokenBucket(global_rate, clock=clock)
        self.per_domain_rate = per_domain_rate
        self.domains: dict[str, TokenBucket] = {}

    def _domain(self, domain: str) -> TokenBucket:
        bucket = self.domains.get(domain)
        if bucket is None:
            bucket = self.domains[domain] = TokenBucket(self.per_domain_rate, clock=self.clock)
        return bucket

    def wait_time(self, domain: str) -> float:
        return max(self.global_bucket.wait_time(), self._domain(domain).wait_time())

    def take(self, domain: str) -> None:
        self.global_bucket.take()
        self._domain(domain).take()


def interleave(
    items: Iterable[T],
    domain_of: Callable[[T], str],
    throttle: Throttle,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterable[T]:
    """Yield ``items`` as fast as the throttle allows: in order while every bucket has
    tokens; a message whose domain must wait steps aside for the next domain's, and when
    every remaining domain must wait, sleep for the shortest wait."""
    queues: dict[str, deque[T]] = defaultdict(deque)
    for item in items:
        queues[domain_of(item)].append(item)
    while queues:
        sent_any = False
        shortest = float("inf")
        for domain in list(queues):
            wait = throttle.wait_time(domain)
            if wait > 0:
                shortest = min(shortest, wait)
                continue
            throttle.take(domain)
            sent_any = True
            queue = queues[domain]
            yield queue.popleft()
            if not queue:
                del queues[domain]
        if not sent_any:
            sleep(max(shortest, 0.0005))
