"""The small-multiple timelines of the compare page, laid out for inline SVG.

The engine's comparison gives each series (an outlet, or a value of the compared field) its
counts and attention shares on one bucket list (``timelines.buckets``: years, months or days,
as the results page's histogram). Here the gaps between buckets are filled as on the results
page, every series of a group shares the bucket axis and the vertical scale (so that the
charts can be compared at a glance), and each bar with articles links to the search of its
series in its bucket. ``templates/compare.html`` draws them; undated articles are a count
beside each chart, never a bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from .histogram import articles, filled, period_name
from .urls import SearchLinks

HEIGHT = 56          # pixels: the plot, then a line for the first and last bucket labels
PLOT_TOP = 4
PLOT_BOTTOM = 40
MAX_BAR = 6.0        # percent of the width


@dataclass
class Bar:
    """One bucket of one series."""

    label: str           # what the bar says to screen readers and in its tooltip
    x: float             # percent of the width
    width: float
    y: float             # pixels
    height: float
    href: str | None     # the series' search in this bucket; None for an empty bucket


@dataclass
class Chart:
    """One series drawn: its name, bars, the undated count and the search it stands for."""

    name: str
    bars: list
    undated: int
    href: str | None


def percent(value: float | None) -> str:
    """A share as people read it: "12.5%"; "–" for none (nothing to divide by)."""
    return "–" if value is None else f"{value * 100:.1f}%".replace(".0%", "%")


#: The keys of a series' counts, attention shares, their denominators and its undated count,
#: in each unit the engine counts (``compare.timelines``).
SERIES_KEYS = {"articles": ("counts", "attention", "denominators", "undated"),
               "stories": ("stories", "story_attention", "story_denominators", "undated_stories")}


def number(count: int, unit: str) -> str:
    """A count in ``unit`` as people read it: "1 article", "1,204 stories"."""
    if unit == "articles":
        return articles(count)
    return f"{count:,} stor{'y' if count == 1 else 'ies'}"


def charts(series_list: list[dict], buckets: list[str], attention: bool,
           params_of, denominator: str, unit: str = "articles") -> list[Chart]:
    """The charts of one group of series, on one axis and one scale.

    ``attention``: bars are attention shares (else counts); ``params_of(series)`` gives the
    query-string pairs of a series' search (None: no search selects it); ``denominator``
    names the attention's denominator in words for the bars' labels; ``unit``: what the bars
    count, articles or stories (``SERIES_KEYS``).
    """
    counts_key, attention_key, denominators_key, undated_key = SERIES_KEYS[unit]
    periods = _periods(buckets)
    step = 100 / max(len(periods), 1)
    width = min(step * 0.8, MAX_BAR)
    key = attention_key if attention else counts_key
    top = max([v or 0 for s in series_list for v in s[key]] + [0]) or 1
    out = []
    for s in series_list:
        params = params_of(s)
        links = SearchLinks(params) if params is not None else None
        by_bucket = {b: (c, a, d) for b, c, a, d in zip(buckets, s[counts_key], s[attention_key],
                                                         s[denominators_key])}
        bars = []
        for i, value in enumerate(periods):
            count, share, whole = by_bucket.get(value, (0, None, 0))
            shown = (share or 0) if attention else count
            height = max(shown / top * (PLOT_BOTTOM - PLOT_TOP), 1.5) if count else 0
            label = f"{period_name(value)}: {number(count, unit)}"
            if whole:
                label += f", {percent(share)} of {number(whole, unit)} ({denominator})"
            bars.append(Bar(label=label, x=round(i * step + (step - width) / 2, 2),
                            width=round(width, 2), y=round(PLOT_BOTTOM - height, 2),
                            height=round(height, 2),
                            href=links.replace(**{"from": value, "to": value, "dated": None})
                            if links and count else None))
        out.append(Chart(name=s["value"], bars=bars, undated=s[undated_key],
                         href=links.here() if links else None))
    return out


def axis(buckets: list[str]) -> tuple[str, str] | None:
    """The first and last bucket of the filled axis, as people say them (None: no dates)."""
    periods = _periods(buckets)
    return (period_name(periods[0]), period_name(periods[-1])) if periods else None


def _periods(buckets: list[str]) -> list[str]:
    """Every period from the first bucket to the last, the empty ones between included."""
    return [value for value, _ in filled({b: 0 for b in buckets})]
