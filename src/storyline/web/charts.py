"""Server-side charts: the geometry of small SVG charts (sparklines, timelines, coverage, bars over time).

Each function returns plain numbers and labels; the templates draw them (so every label is escaped there).
Dates are ISO strings ("2025-09-25"); undated items are left out of a chart, never placed at an invented date.

Example:
    >>> spark = sparkline(["2025-09-25", "2025-09-25", "2025-09-27"])
    >>> spark["points"], spark["days"]
    ('0.0,2.0 60.0,22.0 120.0,12.0', 3)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

# Sparkline box in SVG user units: a card shows it about 120 by 24 CSS pixels.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120.0, 24.0, 2.0
# A sparkline counts reports per day up to this many days of coverage, per week beyond (one point a week).
SPARK_DAILY_MAX_DAYS = 90
# Wide charts (timeline, coverage, entity stories) are drawn in this many user units across, labels included.
CHART_WIDTH = 720.0
CHART_LABEL = 150.0  # left margin for row labels (outlet names)
CHART_ROW = 18.0  # height of one row
CHART_AXIS = 24.0  # room below the rows for the date axis
# Rows a chart draws at most (a story with hundreds of timeline entries still gets a readable chart; the list
# below it shows every entry).
CHART_MAX_ROWS = 40
# Bars of the entity chart: one a month up to this many months, one a year beyond.
MONTHLY_MAX_MONTHS = 36
BAR_MAX_WIDTH = 48.0  # a bar is at most this wide (one month of stories is a bar, not a wall)


def _day(value: str | None) -> dt.date | None:
    """The date of an ISO date string, None when absent or not a date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def sparkline(dates: Iterable[str | None]) -> dict[str, Any] | None:
    """A polyline of reports per day (per week over long spans); None when the reports span less than two days
    (one day of coverage has no shape to draw)."""
    days = sorted(d for d in map(_day, dates) if d is not None)
    if not days or days[0] == days[-1]:
        return None
    span = (days[-1] - days[0]).days + 1
    step = 1 if span <= SPARK_DAILY_MAX_DAYS else 7
    buckets = Counter((d - days[0]).days // step for d in days)
    n = max(buckets) + 1
    top = max(buckets.values())
    inner = SPARK_HEIGHT - 2 * SPARK_PAD
    xs = [SPARK_WIDTH * i / max(n - 1, 1) for i in range(n)]
    pts = [(x, SPARK_PAD + inner * (1 - buckets.get(i, 0) / top)) for i, x in enumerate(xs)]
    if n == 1:  # a few days within one week: flat, at the top
        pts = [(0.0, SPARK_PAD), (SPARK_WIDTH, SPARK_PAD)]
    return {
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in pts),
        "width": SPARK_WIDTH, "height": SPARK_HEIGHT, "days": span, "first": days[0].isoformat(),
        "last": days[-1].isoformat(), "count": len(days), "per": "day" if step == 1 else "week",
    }  # fmt: skip


class TimeScale:
    """Maps dates to x positions across ``[left, right]``; ticks label the ends and a few dates between.

    With ``focus`` dates (when a story was reported), dates long before them (background events years earlier)
    get a narrow segment on the left behind a break in the axis, so the weeks of coverage are not squeezed into
    a pixel: the axis is broken when the gap before the focus is more than ``BREAK_RATIO`` times its span.
    """

    TICKS = 5  # labels on the axis, ends included
    BREAK_RATIO = 3
    BEFORE_SHARE, GAP_SHARE = 0.18, 0.06  # parts of the width for the segment before the break and the break

    def __init__(self, dates: Sequence[dt.date], left: float, right: float, focus: Sequence[dt.date] = ()) -> None:
        self.start, self.end = min(dates), max(dates)
        self.left, self.right = left, right
        self.split: dt.date | None = None
        if focus:
            first = min(focus) - dt.timedelta(days=1)
            if self.start < first and (first - self.start).days > self.BREAK_RATIO * max((self.end - first).days, 1):
                self.split = first
        width = right - left
        self.before = (left, left + width * self.BEFORE_SHARE)
        self.after = (left + width * (self.BEFORE_SHARE + self.GAP_SHARE), right) if self.split else (left, right)
        self.break_x = round(left + width * (self.BEFORE_SHARE + self.GAP_SHARE / 2), 1) if self.split else None

    @staticmethod
    def _lerp(day: dt.date, lo: dt.date, hi: dt.date, x0: float, x1: float) -> float:
        if lo >= hi:
            return round((x0 + x1) / 2, 1)
        return round(x0 + (x1 - x0) * (day - lo).days / (hi - lo).days, 1)

    def x(self, day: dt.date) -> float:
        """The x position of a date."""
        if self.split is not None and day < self.split:
            return self._lerp(day, self.start, self.split - dt.timedelta(days=1), *self.before)
        return self._lerp(day, self.split or self.start, self.end, *self.after)

    def ticks(self) -> list[dict[str, Any]]:
        """Axis labels: (x, label, anchor) at evenly spaced dates, as precise as the span needs."""
        lo = self.split or self.start
        out: list[dict[str, Any]] = []
        if self.split is not None:
            out.append({"x": self.before[0], "label": str(self.start.year) if self.start.year < lo.year
                        else self.start.isoformat()[:7]})
        if lo == self.end:
            out.append({"x": self.x(lo), "label": lo.isoformat()})
        else:
            days = (self.end - lo).days
            long = days > 2 * 365
            for k in range(self.TICKS if self.split is None else self.TICKS - 1):
                n = self.TICKS - 1 if self.split is None else self.TICKS - 2
                day = lo + dt.timedelta(days=round(days * k / n))
                label = str(day.year) if long else day.isoformat()
                if not out or out[-1]["label"] != label:
                    out.append({"x": self.x(day), "label": label})
        for t in out:
            t["anchor"] = "middle"
        out[0]["anchor"] = "start"
        if len(out) > 1:
            out[-1]["anchor"] = "end"
        return out


def timeline_chart(entries: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """One row per timeline entry: a dot at the event date, ticks at the dates it was reported, a line between.

    ``entries``: {"date", "label", "reports": [ISO dates], "anchor"}; rows beyond ``CHART_MAX_ROWS`` are left out.
    """
    rows = [e for e in entries if _day(e.get("date"))][:CHART_MAX_ROWS]
    if not rows:
        return None
    reported = [d for d in (_day(r) for e in rows for r in e.get("reports", [])) if d is not None]
    every = [d for d in (_day(e["date"]) for e in rows) if d is not None] + reported
    scale = TimeScale(every, 8.0, CHART_WIDTH - 8.0, focus=reported)
    out = []
    for i, e in enumerate(rows):
        y = CHART_ROW * i + CHART_ROW / 2
        event = scale.x(_day(e["date"]))  # type: ignore[arg-type]
        reports = sorted({scale.x(d) for d in map(_day, e.get("reports", [])) if d is not None})
        reach = [event, *reports]
        out.append({"y": y, "x": event, "reports": reports, "x1": min(reach), "x2": max(reach),
                    "label": e.get("label", ""), "anchor": e.get("anchor", "")})
    height = CHART_ROW * len(out)
    return {"rows": out, "width": CHART_WIDTH, "height": height + CHART_AXIS, "axis_y": height + 4,
            "ticks": scale.ticks(), "left_out": len(entries) - len(rows), "break_x": scale.break_x}


def coverage_chart(articles: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Which outlets reported when: one row per outlet (most reports first), a dot per article, copies hollow."""
    dated = [a for a in articles if _day(a.get("published"))]
    if not dated:
        return None
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for a in dated:
        by_outlet.setdefault(a.get("outlet") or "unknown outlet", []).append(a)
    names = sorted(by_outlet, key=lambda o: (-len(by_outlet[o]), o))[:CHART_MAX_ROWS]
    scale = TimeScale([_day(a["published"]) for a in dated], CHART_LABEL, CHART_WIDTH - 8.0)  # type: ignore[misc]
    rows = []
    for i, name in enumerate(names):
        y = CHART_ROW * i + CHART_ROW / 2
        dots = [{"x": scale.x(_day(a["published"])), "is_copy": bool(a.get("duplicate_of")), "id": a["id"],  # type: ignore[arg-type]
                 "title": a.get("title") or a["id"], "published": a["published"]} for a in by_outlet[name]]
        rows.append({"y": y, "label": name, "dots": dots})
    height = CHART_ROW * len(rows)
    return {"rows": rows, "width": CHART_WIDTH, "height": height + CHART_AXIS, "axis_y": height + 4,
            "label_x": CHART_LABEL - 8.0, "ticks": scale.ticks(), "left_out": len(by_outlet) - len(names),
            "break_x": scale.break_x}


def bars_over_time(dates: Iterable[str | None]) -> dict[str, Any] | None:
    """Counts per month (per year over long spans) as bars: an entity's stories over time."""
    days = sorted(d for d in map(_day, dates) if d is not None)
    if not days:
        return None
    months = (days[-1].year - days[0].year) * 12 + days[-1].month - days[0].month + 1
    yearly = months > MONTHLY_MAX_MONTHS
    keys: list[tuple[int, int]] = []
    if yearly:
        keys = [(y, 1) for y in range(days[0].year, days[-1].year + 1)]
    else:
        y, m = days[0].year, days[0].month
        for _ in range(months):
            keys.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)  # noqa: PLR2004 - December
    counts = Counter((d.year, 1 if yearly else d.month) for d in days)
    top = max(counts.values())
    height = 80.0
    width = min(CHART_WIDTH / len(keys), BAR_MAX_WIDTH)
    bars: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        h = height * counts.get(key, 0) / top
        label = str(key[0]) if yearly else f"{key[0]}-{key[1]:02d}"
        bars.append({"x": round(i * width + 1, 1), "w": round(max(width - 2, 1), 1), "y": round(height - h, 1),
                     "h": round(h, 1), "n": counts.get(key, 0), "label": label})
    step = max(1, len(bars) // 6)
    ticks = [{"x": b["x"] + b["w"] / 2, "label": b["label"], "anchor": "middle"} for b in bars[::step]]
    return {"bars": bars, "width": CHART_WIDTH, "height": height + CHART_AXIS, "axis_y": height + 4, "ticks": ticks,
            "top": top, "break_x": None}
