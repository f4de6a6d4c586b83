"""The CDNOW 1/10 sample (data/CDNOW_sample.txt, see data/README.md) as raw transactions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SAMPLE = Path(__file__).parent / "data" / "CDNOW_sample.txt"
CALIBRATION_END = "1997-09-30"


def load(path: Path = SAMPLE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(customer ids, dates, dollar amounts)``; columns of the file: original id,
    sample id, yyyymmdd, number of CDs, dollars."""
    raw = np.loadtxt(path, dtype=str)
    days = raw[:, 2]
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in days], dtype="datetime64[D]")
    return raw[:, 1].astype(np.int64), dates, raw[:, 4].astype(float)
