"""The date histogram of a result set, drawn as a small server-rendered SVG.

The engine's ``published`` facet gives buckets of years ("2023"), months
("2023-05") or days ("2023-05-12") plus an ``unknown`` bucket. This module
fills the gaps between the buckets (so that time runs evenly along the axis)
and lays the bars out; ``templates/_histogram.html`` draws them. Each bar is a
link that narrows the search to its bucket (``from`` = ``to`` = the bucket).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# Horizontal positions are percentages of the SVG's width (so the chart takes the
# column's width while its text keeps its size); vertical ones are pixels.
HEIGHT = 96
PLOT_TOP = 4
PLOT_BOTTOM = 78     # the baseline; the axis labels go below it
MAX_FILLED = 400     # a sparser bucket list than this is drawn as given, gaps and all
MAX_BAR = 5.0        # percent: a few buckets make narrow bars centred in wide slots
MAX_TICKS = 5        # axis labels, evenly spread over the dated bars
UNKNOWN = "unknown"


@dataclass
class Bar:
    """One bucket: its value, count, geometry and the search it links to."""

    value: str
    count: int
    x: float         # percent of the width
    width: float     # percent of the width
    y: float         # pixels
    height: float
    href: str
    selected: bool
    unknown: bool = False

    @property
    def label(self) -> str:
        """What the bar's tooltip and screen readers say."""
        noun = "article" if self.count == 1 else "articles"
        when = "date unknown" if self.unknown else self.value
        return f"{when}: {self.count} {noun}"


@dataclass
class Tick:
    """An axis label under a bar."""

    text: str
    x: float         # percent of the width
    anchor: str      # SVG text-anchor: start | middle | end


@dataclass
class Histogram:
    """The laid-out histogram: bars, axis labels and the tallest count."""

    bars: list
    ticks: list
    max_count: int
    height: int = HEIGHT
    baseline: int = PLOT_BOTTOM


def _next(value: str) -> str:
    """The bucket after ``value`` at the same resolution (year, month or day)."""
    if len(value) == 4:
        return f"{int(value) + 1:04d}"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    return (date.fromisoformat(value) + timedelta(days=1)).isoformat()


def _ticks(bars: list[Bar]) -> list[Tick]:
    """Labels for the first and last dated bars and a few evenly spaced between them."""
    n = len(bars)
    count = min(MAX_TICKS, n)
    if count == 1:
        return [Tick(bars[0].value, bars[0].x, "start")]
    picks = sorted({round(i * (n - 1) / (count - 1)) for i in range(count)})
    ticks = []
    for i in picks:
        bar = bars[i]
        if i == 0:
            ticks.append(Tick(bar.value, bar.x, "start"))
        elif i == n - 1:
            ticks.append(Tick(bar.value, round(bar.x + bar.width, 2), "end"))
        else:
            ticks.append(Tick(bar.value, round(bar.x + bar.width / 2, 2), "middle"))
    return ticks


def _filled(buckets: dict[str, int]) -> list[tuple[str, int]]:
    """The dated buckets in order, with empty buckets added between them."""
    values = sorted(buckets)
    if len(values) < 2 or len({len(v) for v in values}) != 1:
        return [(v, buckets[v]) for v in values]
    out, value = [], values[0]
    while value <= values[-1]:
        out.append((value, buckets.get(value, 0)))
        if len(out) > MAX_FILLED:
            return [(v, buckets[v]) for v in values]
        value = _next(value)
    return out


def build_histogram(published: list[dict], links) -> Histogram | None:
    """Lay out the ``published`` facet as bars; None when no result has a known date.

    ``links`` is the search's :class:`web.urls.SearchLinks`, used for the bars'
    hrefs and to tell which bucket the current date filter selects.
    """
    dated = {b["value"]: b["count"] for b in published if b["value"] != UNKNOWN}
    unknown = sum(b["count"] for b in published if b["value"] == UNKNOWN)
    series = _filled(dated)
    if not series:
        return None
    slots = len(series) + (1.5 if unknown else 0)
    step = 100 / slots
    width = min(step * 0.8, MAX_BAR)
    max_count = max([c for _, c in series] + [unknown])
    scale = (PLOT_BOTTOM - PLOT_TOP) / max_count
    chosen_from, chosen_to = links.values("from"), links.values("to")

    def bar(i: float, value: str, count: int, href: str, selected: bool, is_unknown=False) -> Bar:
        height = count * scale if count == 0 else max(count * scale, 2)
        return Bar(value=value, count=count, x=round(i * step + (step - width) / 2, 2),
                   width=round(width, 2), y=round(PLOT_BOTTOM - height, 2),
                   height=round(height, 2), href=href, selected=selected, unknown=is_unknown)

    bars = [bar(i, value, count, links.replace(**{"from": value, "to": value, "dated": None}),
                chosen_from == [value] and chosen_to == [value])
            for i, (value, count) in enumerate(series)]
    if unknown:
        i = len(series) + 0.5   # half a slot apart from the dated bars
        bars.append(bar(i, UNKNOWN, unknown,
                        links.replace(**{"from": None, "to": None, "dated": UNKNOWN}),
                        links.has("dated", UNKNOWN), is_unknown=True))
    return Histogram(bars=bars, ticks=_ticks(bars[:len(series)]), max_count=max_count)
