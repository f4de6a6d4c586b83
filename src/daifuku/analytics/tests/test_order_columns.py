"""Orders as numpy columns: the day of an order is its day in Japan time, whether the
database hands back aware datetimes (PostgreSQL) or the stored UTC text (SQLite)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from daifuku.analytics.selectors.orders import local_days

UTC = dt.UTC


def test_days_in_japan_from_datetimes_and_from_utc_text():
    instants = [
        dt.datetime(2026, 3, 31, 14, 59, 59, tzinfo=UTC),  # 23:59:59 in Tokyo
        dt.datetime(2026, 3, 31, 15, 0, 0, tzinfo=UTC),  # 00:00 on 1 April in Tokyo
        dt.datetime(1997, 1, 1, 3, 0, 0, tzinfo=UTC),
    ]
    expected = np.array(["2026-03-31", "2026-04-01", "1997-01-01"], dtype="datetime64[D]")
    assert (local_days(instants) == expected).all()
    text = ["2026-03-31 14:59:59", "2026-03-31 15:00:00.000001", "1997-01-01 03:00:00"]
    assert (local_days(text) == expected).all()
    assert local_days([]).size == 0
