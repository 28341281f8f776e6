"""Tiny SVG drawing helpers for the dashboard: colour tables, line charts, the timeline strip.

The dashboard redraws its charts on every step.  Building a small SVG string takes a
few milliseconds and the browser draws it at once, where a matplotlib PNG costs
50-150 ms per figure and an Altair chart re-embeds a Vega view each time.  (The two
big N x N figures are painted in the browser instead, see ``components/canvas.py``.)
Nothing here knows about the model: callers pass plain numbers, labels and dates.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

FONT = "font-family='Roboto, Helvetica, Arial, sans-serif'"

#: Ten clearly distinct colours for lines (matplotlib's tab10).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")

#: Softer colours for groups of states (ColorBrewer Set2 plus two).
GROUP_PALETTE = ("#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854",
                 "#ffd92f", "#e5c494", "#b3b3b3", "#80b1d3", "#fb8072")


def esc(text: object) -> str:
    """``text`` escaped for SVG/HTML text and attribute values."""
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=8)
def colour_table(cmap: str, n: int = 101) -> tuple[str, ...]:
    """``n`` hex colours sampled evenly from a matplotlib colour map."""
    from matplotlib import colormaps

    rgba = colormaps[cmap](np.linspace(0.0, 1.0, n))
    return tuple("#" + "".join(f"{round(255 * c):02x}" for c in row[:3]) for row in rgba)


def svg(width: float, height: float, body: str, *, testid: str = "", extra: str = "") -> str:
    """A responsive ``<svg>`` element (scales down to its container, never up)."""
    tid = f" data-testid='{esc(testid)}'" if testid else ""
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width:.0f} {height:.0f}' "
            f"width='100%' style='max-width:{width:.0f}px;display:block' {FONT}{tid} {extra}>"
            f"{body}</svg>")


def text(x: float, y: float, label: object, *, size: int = 11, anchor: str = "start",
         colour: str = "#333", weight: str = "normal", rotate: float | None = None,
         baseline: str = "middle") -> str:
    """One line of text."""
    rot = f" transform='rotate({rotate:.0f} {x:.1f} {y:.1f})'" if rotate is not None else ""
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' "
            f"dominant-baseline='{baseline}' fill='{colour}' font-weight='{weight}'{rot}>"
            f"{esc(label)}</text>")


# ----------------------------------------------------------------------------- line charts


@dataclass
class Series:
    """One line of a chart: a label, its dates and values, a colour and a dash style."""

    label: str
    dates: Sequence[dt.date]
    values: Sequence[float]
    colour: str = PALETTE[0]
    dashed: bool = False


def year_ticks(start: dt.date, end: dt.date, max_ticks: int = 12) -> list[dt.date]:
    """1 January of the years in ``start``..``end`` (at most ``max_ticks``; quarters if under a year)."""
    years = list(range(start.year + (start.month > 1 or start.day > 1), end.year + 1))
    step = max(1, int(np.ceil(len(years) / max_ticks)))
    ticks = [dt.date(y, 1, 1) for y in years[::step]]
    if not ticks:  # less than a year: quarters
        d, ticks = dt.date(start.year, start.month, 1), []
        while d <= end:
            if d.month in (1, 4, 7, 10):
                ticks.append(d)
            d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return ticks


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = hi - lo or 1.0
    raw = span / n
    mag = 10 ** np.floor(np.log10(raw))
    step = min((s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw), default=raw)
    first = np.ceil(lo / step) * step
    return [round(v, 10) for v in np.arange(first, hi + step * 0.001, step)]


def line_chart(series: Sequence[Series], *, start: dt.date, end: dt.date, now: dt.date | None = None,
               ymin: float | None = 0.0, ymax: float | None = 1.0, title: str = "", ylabel: str = "",
               width: int = 640, height: int = 250, testid: str = "",
               value_format: Callable[[float], str] = lambda v: f"{v:.2f}") -> str:
    """A time-series chart: lines over a fixed date range, year ticks, legend on the right.

    The x axis always spans ``start``..``end`` (the whole calendar), so lines grow to the
    right as the run goes on; ``now`` draws a vertical marker.
    """
    left, right, top, bottom = 44, 190, 24, 28
    pw, ph = width - left - right, height - top - bottom
    vals = [v for s in series for v in s.values if v is not None and np.isfinite(v)]
    lo = ymin if ymin is not None else (min(vals) if vals else 0.0)
    hi = ymax if ymax is not None else (max(vals) if vals else 1.0)
    if hi <= lo:
        hi = lo + 1.0
    t0, t1 = start.toordinal(), max(end.toordinal(), start.toordinal() + 1)

    def xs(d: dt.date) -> float:
        return left + pw * (d.toordinal() - t0) / (t1 - t0)

    def ys(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo))

    parts = []
    if title:
        parts.append(text(left, 11, title, size=12, weight="bold"))
    for v in _nice_ticks(lo, hi):
        y = ys(v)
        parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e4e4e4'/>")
        parts.append(text(left - 4, y, f"{v:g}", size=10, anchor="end", colour="#555"))
    for d in year_ticks(start, end):
        x = xs(d)
        parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{top + ph}' stroke='#f0f0f0'/>")
        parts.append(text(x, top + ph + 12, d.year if d.month == 1 else f"{d:%b %Y}", size=10,
                          anchor="middle", colour="#555"))
    parts.append(f"<rect x='{left}' y='{top}' width='{pw}' height='{ph}' fill='none' stroke='#bbb'/>")
    if ylabel:
        parts.append(text(11, top + ph / 2, ylabel, size=10, anchor="middle", colour="#555", rotate=-90))
    if now is not None and start <= now <= end:
        x = xs(now)
        parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{top + ph}' stroke='#c62828' "
                     "stroke-width='1.2' stroke-dasharray='3 2'/>")
    for k, s in enumerate(series):
        pts = [(xs(d), ys(min(max(v, lo), hi))) for d, v in zip(s.dates, s.values)
               if v is not None and np.isfinite(v)]
        dash = " stroke-dasharray='5 3'" if s.dashed else ""
        if len(pts) == 1:
            parts.append(f"<circle cx='{pts[0][0]:.1f}' cy='{pts[0][1]:.1f}' r='2' fill='{s.colour}'/>")
        elif pts:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            last = value_format(s.values[-1]) if len(s.values) else ""
            parts.append(f"<polyline points='{path}' fill='none' stroke='{s.colour}' stroke-width='1.8'{dash}>"
                         f"<title>{esc(s.label)}: {esc(last)}</title></polyline>")
        ly = top + 6 + 15 * k
        if ly < top + ph + bottom - 6:
            parts.append(f"<line x1='{left + pw + 10}' x2='{left + pw + 28}' y1='{ly:.1f}' y2='{ly:.1f}' "
                         f"stroke='{s.colour}' stroke-width='2.5'{dash}/>")
            last = f" {value_format(s.values[-1])}" if len(s.values) else ""
            parts.append(text(left + pw + 32, ly, f"{s.label}{last}", size=10))
    if not series:
        parts.append(text(left + pw / 2, top + ph / 2, "nothing to show", anchor="middle", colour="#888"))
    return svg(width, height, "".join(parts), testid=testid)
