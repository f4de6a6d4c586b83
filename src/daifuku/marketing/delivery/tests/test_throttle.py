"""The rates: token buckets on a clock the test moves, so the check is exact and takes no
time — a domain that used its share steps aside for another domain's mail, and when every
domain must wait the loop sleeps for the shortest wait, never longer."""

from __future__ import annotations

from daifuku.marketing.delivery.throttle import Throttle, TokenBucket, interleave


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_a_bucket_gives_its_rate_after_its_burst():
    clock = Clock()
    bucket = TokenBucket(10, burst=2, clock=clock)
    for _ in range(2):
        assert bucket.wait_time() == 0
        bucket.take()
    assert round(bucket.wait_time(), 6) == 0.1
    clock.now += 0.1
    assert bucket.wait_time() == 0
    assert TokenBucket(0, clock=clock).wait_time() == 0  # 0 = no limit


def test_a_throttled_domain_steps_aside_for_others():
    clock = Clock()
    throttle = Throttle(global_rate=0, per_domain_rate=1, clock=clock)
    mails = [("docomo.ne.jp", n) for n in range(3)] + [("gmail.com", 0), ("ezweb.ne.jp", 0)]
    order = list(interleave(mails, lambda m: m[0], throttle, sleep=clock.sleep))
    # one to each domain first, then docomo's next ones one second apart
    assert order[:3] == [("docomo.ne.jp", 0), ("gmail.com", 0), ("ezweb.ne.jp", 0)]
    assert order[3:] == [("docomo.ne.jp", 1), ("docomo.ne.jp", 2)]
    assert clock.slept == [1.0, 1.0]


def test_the_global_rate_holds_across_domains():
    clock = Clock()
    throttle = Throttle(global_rate=50, per_domain_rate=0, clock=clock)
    mails = [(f"d{n % 7}.jp", n) for n in range(200)]
    started = clock.now
    sent = list(interleave(mails, lambda m: m[0], throttle, sleep=clock.sleep))
    assert sorted(sent) == sorted(mails)
    # a burst of 5 (a tenth of the rate), then 50 a second
    assert round(clock.now - started, 3) == round((200 - 5) / 50, 3)


def test_no_limits_means_no_waiting():
    clock = Clock()
    throttle = Throttle(0, 0, clock=clock)
    assert len(list(interleave(range(1000), lambda n: "x.jp", throttle, sleep=clock.sleep))) == 1000
    assert clock.slept == []
