"""Array helpers shared by the engine's numpy code."""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of a one-dimensional array, sorted: what ``np.unique(values)``
    gives, by sorting. NumPy 2's ``np.unique`` asked for nothing else hashes, which on
    arrays of many distinct values is 10 to 100 times slower than sorting (2.7 s against
    18 ms for two million 64-bit keys)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered
