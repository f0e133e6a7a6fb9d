"""Server-side SVG charts: accessible (role, title, description, text labels), no script, no service.

Colours are presentation attributes, not inline styles, so the page's CSP stays strict; each
colour contrasts at least 3:1 with white (WCAG 1.4.11). Every chart has a data table beside it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH = 760
LABEL_WIDTH = 250  # room for the row labels left of the bars
VALUE_ROOM = 130  # room right of the longest bar for its value
BAR_HEIGHT = 24
ROW_GAP = 10
COLOURS = ("#004b87", "#b35900", "#2e7d32", "#6a1b9a", "#4d4d4d", "#8a1538")
FONT = 'font-family="inherit" font-size="17" fill="currentColor"'


@dataclass(frozen=True)
class Row:
    """One labelled row of a bar chart: a value and its display text per series."""

    label: str
    values: tuple[float, ...]
    texts: tuple[str, ...]


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    """Return the opening of an accessible SVG element with its title and description."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="budget-chart report-chart" role="img" '
        f'id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" focusable="false" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def _legend(series: Sequence[str], y: int) -> list[str]:
    """Return a legend line: a coloured square and the name of each series."""
    parts, x = [], 0
    for index, name in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="{y - 13}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}" {FONT}>{escape(name)}</text>')
        x += 34 + 10 * len(name)
    return parts


def bar_chart(
    chart_id: str, title: str, description: str, rows: Sequence[Row], series: Sequence[str]
) -> Markup:
    """Return a horizontal bar chart; rows are grouped bars, one bar per series."""
    largest = max((v for row in rows for v in row.values if v > 0), default=1)
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / largest
    legend = len(series) > 1
    top = 30 if legend else 4
    group = len(series) * BAR_HEIGHT + ROW_GAP
    parts = _open(chart_id, title, description, top + max(len(rows), 1) * group)
    if legend:
        parts += _legend(series, 18)
    for index, row in enumerate(rows):
        y = top + index * group
        parts.append(
            f'<text x="0" y="{y + BAR_HEIGHT * len(series) / 2 + 5:.0f}" {FONT}>'
            f"{escape(row.label)}</text>"
        )
        for n, (value, text) in enumerate(zip(row.values, row.texts, strict=True)):
            length = max(value, 0) * scale
            bar_y = y + n * BAR_HEIGHT
            colour = COLOURS[n % len(COLOURS)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{bar_y + BAR_HEIGHT - 7}" {FONT}>'
                f"{escape(text)}</text>"
            )
    parts.append("</svg>")
    return Markup("\n".join(parts))  # noqa: S704 - every text in parts went through escape()


def step_chart(
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[date, int]],
    date_text,
) -> Markup:
    """Return a step line of a count over time, with the first and last date and the maximum."""
    height, left, bottom, right = 220, 50, 190, WIDTH - 20
    parts = _open(chart_id, title, description, height)
    if points:
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)
        top_value = max(count for _day, count in points)

        def x(day: date) -> float:
            return left + (day - first).days / span * (right - left)

        def y(count: int) -> float:
            return bottom - count / top_value * (bottom - 20)

        path, previous = [f"M {left} {bottom}"], 0
        for day, count in points:
            path.append(f"L {x(day):.1f} {y(previous):.1f} L {x(day):.1f} {y(count):.1f}")
            previous = count
        path.append(f"L {right} {y(previous):.1f}")
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{COLOURS[0]}" stroke-width="3"/>'
        )
        for day, count in points:
            parts.append(
                f'<circle cx="{x(day):.1f}" cy="{y(count):.1f}" r="4" fill="{COLOURS[0]}"/>'
            )
        parts.append(
            f'<text x="{left - 8}" y="{y(top_value) + 5:.1f}" text-anchor="end" {FONT}>'
            f"{top_value}</text>"
        )
        parts.append(f'<text x="{left}" y="{bottom + 22}" {FONT}>{escape(date_text(first))}</text>')
        parts.append(
            f'<text x="{right}" y="{bottom + 22}" text-anchor="end" {FONT}>'
            f"{escape(date_text(last))}</text>"
        )
    parts.append(f'<text x="{left - 8}" y="{bottom + 5}" text-anchor="end" {FONT}>0</text>')
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="currentColor"/>'
    )
    parts.append("</svg>")
    return Markup("\n".join(parts))  # noqa: S704 - every text in parts went through escape()
