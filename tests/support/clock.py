"""A fixed clock for stores in tests: it starts at one chosen moment and ticks a millisecond per
reading, so stamps keep their order and no result depends on the day the suite runs."""

from __future__ import annotations

import itertools
from collections.abc import Callable

# Monday 2026-06-01 12:00:00 UTC: midday, far from any date boundary in any time zone.
START = 1_780_315_200.0


def ticking(start: float = START, step: float = 0.001) -> Callable[[], float]:
    """A clock reading `start`, then `start + step`, `start + 2 * step`, ..."""
    return itertools.count(start, step).__next__
