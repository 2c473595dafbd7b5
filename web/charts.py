"""Bar charts drawn as SVG on the server: no script, every label escaped, colours from the CSS."""
from __future__ import annotations

from typing import Callable

from flask_babel import format_decimal
from markupsafe import Markup, escape

__all__ = ["bar_chart"]

# Drawing units; the chart scales to its box, so a narrower drawing keeps the text legible on a
# phone (480 wide at 12 px reads as ~9 px in a 360 px box).
_WIDTH = 480
_LABEL_W = 180
_COUNT_W = 50
_ROW = 24
_BAR = 16
_MAX_LABEL = 28  # characters; the full label stays in the bar's <title> tooltip
_MAX_BARS = 25


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[:_MAX_LABEL - 1] + "…"


def bar_chart(counts: dict[str, int], *, title: str, name: Callable[[str], str] = str,
              link: Callable[[str], str | None] | None = None) -> Markup:
    """A horizontal bar chart of `counts` (largest bars as given, at most 25) as inline SVG.

    With `link`, each bar leads to the page `link(key)` names (the items behind it).
    """
    rows = list(counts.items())[:_MAX_BARS]
    peak = max((v for _k, v in rows), default=0) or 1
    span = _WIDTH - _LABEL_W - _COUNT_W
    height = max(1, len(rows)) * _ROW + 8
    # An image cannot hold links (axe: nested-interactive): with links the chart is a group.
    # width/height give the proportions only; the CSS scales it to its box (phones).
    role = "group" if link else "img"
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="{role}" '
             f'viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
             f'preserveAspectRatio="xMinYMin meet" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (key, value) in enumerate(rows):
        label, y = name(key), i * _ROW + 4
        width = max(1, round(span * value / peak))
        parts.append(
            f'<g class="chart-row"><title>{escape(label)}: {escape(format_decimal(value))}'
            f'</title><text class="chart-label" x="{_LABEL_W - 8}" y="{y + _BAR - 3}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
            f'<rect class="chart-bar" x="{_LABEL_W}" y="{y}" width="{width}" height="{_BAR}"/>'
            f'<text class="chart-count" x="{_LABEL_W + width + 6}" y="{y + _BAR - 3}">'
            f'{escape(format_decimal(value))}</text></g>')
        href = link(key) if link else None
        if href:  # the whole row is the link: label, bar and count
            parts[-1] = f'<a class="chart-link" href="{escape(href)}">{parts[-1]}</a>'
    parts.append("</svg>")
    return Markup("".join(parts))
