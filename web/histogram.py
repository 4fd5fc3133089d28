"""The date part of the results page: the histogram of a result set and the from/to inputs.

The engine's ``published`` facet gives buckets of years ("2023"), months ("2023-05") or
days ("2023-05-12") plus an ``unknown`` bucket. This module fills the gaps between the
buckets (so that time runs evenly along the axis), lays the bars out, puts axis labels at
regular calendar steps and labels the tallest bar; ``templates/_histogram.html`` draws them
as an inline SVG. Each bar with articles is a link that narrows the search to its bucket
(``from`` = ``to`` = the bucket) and carries its first and last day, which the brush in
``static/app.js`` reads; an empty bucket is no link. Articles without a date are not a bar
on the time axis but a count beside the chart, with its own link (``dated=unknown``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from newsfacet.search.request import SearchError, parse_date_bound

# Horizontal positions are percentages of the SVG's width (so the chart takes the
# column's width while its text keeps its size); vertical ones are pixels.
HEIGHT = 110
PLOT_TOP = 18        # room above the tallest bar for its count
PLOT_BOTTOM = 90     # the baseline; the axis labels go below it
MAX_FILLED = 400     # a sparser bucket list than this is drawn as given, gaps and all
MAX_BAR = 5.0        # percent: a few buckets make narrow bars centred in wide slots
MAX_TICKS = 6        # axis labels at most
UNKNOWN = "unknown"
#: Steps between axis labels, by resolution, the finest first: years, months, days.
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
DAY_STEPS = (1, 2, 7, 14)


def period_name(value: str) -> str:
    """A bucket as people say it: "2023", "May 2023", "12 May 2023"."""
    if len(value) == 4:
        return value
    if len(value) == 7:
        return f"{calendar.month_name[int(value[5:7])]} {value[:4]}"
    day = date.fromisoformat(value)
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def articles(count: int) -> str:
    """"1 article", "1,204 articles"."""
    return f"{count:,} article{'' if count == 1 else 's'}"


@dataclass
class Bar:
    """One bucket: its value, count, geometry and the search it links to (None when empty)."""

    value: str
    count: int
    x: float         # percent of the width
    width: float     # percent of the width
    y: float         # pixels
    height: float
    href: str | None
    selected: bool

    @property
    def label(self) -> str:
        """What the bar's tooltip and screen readers say: its period and count."""
        return f"{period_name(self.value)}: {articles(self.count)}"

    @property
    def first_day(self) -> str:
        """The bucket's first day (YYYY-MM-DD), for the brush."""
        return parse_date_bound(self.value, "from", end=False).isoformat()

    @property
    def last_day(self) -> str:
        """The bucket's last day (YYYY-MM-DD), for the brush."""
        return parse_date_bound(self.value, "to", end=True).isoformat()


@dataclass
class Tick:
    """An axis label at the start of a bar."""

    text: str
    x: float         # percent of the width
    anchor: str      # SVG text-anchor: start | middle | end
    minor: bool      # left out on narrow screens (every other label)


@dataclass
class Histogram:
    """The laid-out histogram: bars, axis labels, the tallest bar and the undated count."""

    bars: list
    ticks: list
    tallest: Bar
    unit: str                 # "year", "month" or "day": what one bar stands for
    unknown: int = 0          # articles of the result without a publication date
    unknown_href: str | None = None
    unknown_selected: bool = False
    height: int = HEIGHT
    baseline: int = PLOT_BOTTOM

    @property
    def max_count(self) -> int:
        """The tallest bar's count."""
        return self.tallest.count

    @property
    def peak_x(self) -> float:
        """Where the tallest bar's count is written: above its middle (percent)."""
        return round(self.tallest.x + self.tallest.width / 2, 2)

    @property
    def peak_anchor(self) -> str:
        """The count's SVG text-anchor: kept inside the chart at either edge."""
        return "start" if self.peak_x < 3 else "end" if self.peak_x > 97 else "middle"

    @property
    def label(self) -> str:
        """The chart's accessible name: what it shows, by what unit, over what span."""
        first, last = self.bars[0].value, self.bars[-1].value
        span = period_name(first) if first == last else \
            f"from {period_name(first)} to {period_name(last)}"
        return f"Results by publication date, by {self.unit}, {span}"


def _next(value: str) -> str:
    """The bucket after ``value`` at the same resolution (year, month or day)."""
    if len(value) == 4:
        return f"{int(value) + 1:04d}"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    return (date.fromisoformat(value) + timedelta(days=1)).isoformat()


def filled(buckets: dict[str, int]) -> list[tuple[str, int]]:
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


def _tick_positions(values: list[str]) -> list[tuple[int, str]]:
    """(bar index, label) of the axis labels: bucket starts at a regular calendar step,
    the smallest step that gives at most MAX_TICKS labels."""
    def ordinal(value: str) -> int:       # years, months or days since year 0
        if len(value) == 4:
            return int(value)
        if len(value) == 7:
            return int(value[:4]) * 12 + int(value[5:7]) - 1
        return date.fromisoformat(value).toordinal()

    size = len(values[0])
    steps = YEAR_STEPS if size == 4 else MONTH_STEPS if size == 7 else DAY_STEPS
    for step in steps:
        picked = [(i, v) for i, v in enumerate(values) if ordinal(v) % step == 0]
        if len(picked) <= MAX_TICKS:
            return picked
    if size == 10:                        # days over many weeks: label month starts instead
        months = [v[:7] for v in values]
        starts = [(i, v) for i, v in enumerate(values) if v.endswith("-01")]
        for step in MONTH_STEPS:
            picked = [(i, months[i]) for i, v in starts if ordinal(v[:7]) % step == 0]
            if len(picked) <= MAX_TICKS:
                return picked
    return [(0, values[0])]


def _ticks(bars: list[Bar]) -> list[Tick]:
    step = bars[1].x - bars[0].x if len(bars) > 1 else 0
    ticks = []
    for n, (i, text) in enumerate(_tick_positions([b.value for b in bars])):
        slot_start = bars[i].x - (step - bars[i].width) / 2 if step else bars[i].x
        x = round(max(slot_start, 0), 2)
        anchor = "start" if x < 8 else "end" if x > 92 else "middle"
        ticks.append(Tick(text=text, x=x if anchor != "end" else 100, anchor=anchor,
                          minor=n % 2 == 1))
    return ticks


def build_histogram(published: list[dict], links) -> Histogram | None:
    """Lay out the ``published`` facet as bars; None when no result has a known date.

    ``links`` is the search's :class:`web.urls.SearchLinks`, used for the bars'
    hrefs and to tell which bucket the current date filter selects.
    """
    dated = {b["value"]: b["count"] for b in published if b["value"] != UNKNOWN}
    unknown = sum(b["count"] for b in published if b["value"] == UNKNOWN)
    series = filled(dated)
    if not series:
        return None
    step = 100 / len(series)
    width = min(step * 0.8, MAX_BAR)
    top = max(count for _, count in series)
    scale = (PLOT_BOTTOM - PLOT_TOP) / top
    chosen_from, chosen_to = links.values("from"), links.values("to")
    bars = []
    for i, (value, count) in enumerate(series):
        height = max(count * scale, 2) if count else 0
        href = links.replace(**{"from": value, "to": value, "dated": None}) if count else None
        bars.append(Bar(value=value, count=count, x=round(i * step + (step - width) / 2, 2),
                        width=round(width, 2), y=round(PLOT_BOTTOM - height, 2),
                        height=round(height, 2), href=href,
                        selected=chosen_from == [value] and chosen_to == [value]))
    unit = {4: "year", 7: "month", 10: "day"}[len(series[0][0])]
    return Histogram(
        bars=bars, ticks=_ticks(bars), tallest=max(bars, key=lambda b: b.count), unit=unit,
        unknown=unknown,
        unknown_href=links.replace(**{"from": None, "to": None, "dated": UNKNOWN}) if unknown else None,
        unknown_selected=links.has("dated", UNKNOWN))


def date_inputs(links) -> dict:
    """The from/to calendar inputs' values (YYYY-MM-DD) for the search's date filter.

    ``from=2023-05`` shows as 2023-05-01 and ``to=2023-05`` as 2023-05-31; a value the
    engine would refuse shows empty (the page says what was wrong).
    """
    out = {}
    for name, end in (("from", False), ("to", True)):
        values = links.values(name)
        try:
            out[name] = parse_date_bound(values[0], name, end).isoformat() if values else ""
        except SearchError:
            out[name] = ""
    return out
