"""Small server-side SVG charts for the agreement dashboard (no JavaScript needed).

Every chart prints its numbers as text beside the marks, so nothing is told by colour alone,
and every label is escaped. Values are agreement coefficients: at most 1, possibly negative
(kappa and alpha), or None when undefined.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

UNDEFINED_FILL = "#e3e6ec"


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def colour(value: float | None) -> str:
    """Red (<= 0) through amber to green (1); grey when undefined."""
    if value is None:
        return UNDEFINED_FILL
    v = max(0.0, min(1.0, value))
    # hue 0 (red) .. 120 (green); light enough for dark text on top.
    return f"hsl({round(120 * v)}, 60%, 72%)"


def _svg(width: int, height: int, body: list[str], label: str) -> SafeString:
    # Safe: every interpolated label is escaped by the callers below.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}" '
        f'font-family="system-ui, sans-serif" font-size="12">' + "".join(body) + "</svg>"
    )


def heatmap(
    reviewers: Sequence[str],
    cells: dict[tuple[str, str], tuple[float | None, int]],
    *,
    label: str = "Reviewer-pair agreement",
) -> SafeString:
    """Symmetric reviewer x reviewer matrix; ``cells[(a, b)] = (value, n)`` with a < b."""
    names = list(reviewers)
    cell, left, top = 64, 110, 90
    width = left + cell * len(names) + 10
    height = top + cell * len(names) + 10
    body: list[str] = []
    for i, name in enumerate(names):
        short = escape(name[:16])
        y = top + i * cell + cell / 2 + 4
        body.append(f'<text x="{left - 6}" y="{y}" text-anchor="end">{short}</text>')
        x = left + i * cell + cell / 2
        body.append(
            f'<text x="{x}" y="{top - 8}" text-anchor="start" '
            f'transform="rotate(-40 {x} {top - 8})">{short}</text>'
        )
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            x, y = left + j * cell, top + i * cell
            if i == j:
                body.append(
                    f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="#fff" '
                    f'stroke="#dfe3ea"/>'
                )
                continue
            value, n = cells.get((min(a, b), max(a, b)), (None, 0))
            title = escape(f"{a} / {b}: {fmt(value, 3)} ({n} spans)")
            body.append(
                f'<g><title>{title}</title><rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{colour(value)}" stroke="#fff"/>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2}" text-anchor="middle" '
                f'font-weight="600">{fmt(value)}</text>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 15}" text-anchor="middle" '
                f'fill="#333">n={n}</text></g>'
            )
    return _svg(width, height, body, label)


def bars(
    rows: Sequence[tuple[str, float | None, int, str]],
    *,
    label: str = "Agreement by tag",
) -> SafeString:
    """Horizontal bars: ``(label, value, n, note)``; the axis runs from min(0, values) to 1."""
    low = min([0.0] + [v for _, v, _, _ in rows if v is not None])
    low = max(low, -1.0)
    left, bar_w, row_h = 110, 300, 30
    width, height = left + bar_w + 220, 20 + row_h * max(1, len(rows))

    def x_of(v: float) -> float:
        return left + (max(low, min(1.0, v)) - low) / (1.0 - low) * bar_w

    body = [
        f'<line x1="{x_of(0)}" y1="5" x2="{x_of(0)}" y2="{height - 5}" stroke="#5b6475"/>',
        f'<line x1="{x_of(1)}" y1="5" x2="{x_of(1)}" y2="{height - 5}" stroke="#dfe3ea" '
        f'stroke-dasharray="3 3"/>',
    ]
    for i, (name, value, n, note) in enumerate(rows):
        y = 10 + i * row_h
        body.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(name)}</text>')
        if value is not None:
            x0, x1 = sorted((x_of(0), x_of(value)))
            body.append(
                f'<rect x="{x0}" y="{y + 3}" width="{max(1.0, x1 - x0)}" height="{row_h - 10}" '
                f'fill="{colour(value)}" stroke="#5b6475" stroke-width="0.5"/>'
            )
        text = f"{fmt(value)}  (n={n})" + (f" — {note}" if value is None and note else "")
        body.append(f'<text x="{left + bar_w + 8}" y="{y + 15}">{escape(text)}</text>')
    return _svg(width, height, body, label)


def trend(
    points: Sequence[tuple[datetime, dict[str, float | None]]],
    series: Sequence[str],
    *,
    label: str = "Agreement over time",
) -> SafeString:
    """Lines over time, one per ``series`` name; gaps where a value is undefined."""
    palette = ["#1f5fbf", "#c2410c", "#15803d", "#7c3aed"]
    dashes = ["", "6 3", "2 3", "8 3 2 3"]  # told apart without colour too
    left, right, top, plot_h, plot_w = 50, 20, 20, 180, 640
    width, height = left + plot_w + right, top + plot_h + 70
    values = [p[1].get(s) for p in points for s in series]
    defined = [v for v in values if v is not None]
    low = min([0.0, *defined])
    body: list[str] = []

    def y_of(v: float) -> float:
        return top + (1.0 - (v - low) / (1.0 - low)) * plot_h

    for tick in (low, (low + 1) / 2, 1.0):
        y = y_of(tick)
        body.append(
            f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#dfe3ea"/>'
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{tick:.2f}</text>'
        )
    n = len(points)
    if n == 0:
        body.append(f'<text x="{left + 10}" y="{top + plot_h / 2}">No corpus reports yet.</text>')
        return _svg(width, height, body, label)

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    for k, name in enumerate(series):
        segments: list[list[str]] = [[]]
        for i, (_, vals) in enumerate(points):
            v = vals.get(name)
            if v is None:
                segments.append([])
                continue
            segments[-1].append(f"{x_of(i):.1f},{y_of(v):.1f}")
            body.append(
                f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="2.5" '
                f'fill="{palette[k % 4]}"><title>{escape(f"{name}: {v:.3f}")}</title></circle>'
            )
        for seg in segments:
            if len(seg) > 1:
                body.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{palette[k % 4]}" '
                    f'stroke-width="2" stroke-dasharray="{dashes[k % 4]}"/>'
                )
        last = next((p[1][name] for p in reversed(points) if p[1].get(name) is not None), None)
        lx = left + k * 250
        body.append(
            f'<line x1="{lx}" y1="{height - 14}" x2="{lx + 24}" y2="{height - 14}" '
            f'stroke="{palette[k % 4]}" stroke-width="2" stroke-dasharray="{dashes[k % 4]}"/>'
            f'<text x="{lx + 30}" y="{height - 10}">{escape(name)} (last {fmt(last)})</text>'
        )
    first, last_t = points[0][0], points[-1][0]
    body.append(
        f'<text x="{left}" y="{top + plot_h + 18}">{escape(f"{first:%Y-%m-%d %H:%M}")}</text>'
        f'<text x="{left + plot_w}" y="{top + plot_h + 18}" text-anchor="end">'
        f"{escape(f'{last_t:%Y-%m-%d %H:%M}')}</text>"
    )
    return _svg(width, height, body, label)
