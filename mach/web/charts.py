"""The dashboard's charts, laid out on the server as SVG shapes (no script, no inline style:
the page's Content-Security-Policy allows neither). Each chart has its numbers in a table
beside it; the shapes here only draw them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

BAR = "#1d70b8"  # GOV.UK blue
TEXT = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_label: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    axis_y: float = 0.0


def trend(points: list[tuple[str, float | None]]) -> Chart:
    """Vertical bars, one per ISO week: the share (0 to 1) met that week; a week with nothing
    counted has no bar."""
    step, top, plot = 56, 16, 120
    bars = []
    for index, (week, share) in enumerate(points):
        height = plot * (share or 0)
        x = 40 + index * step
        bars.append(
            Bar(
                x=x,
                y=top + plot - height,
                width=step - 12,
                height=height,
                label=week,
                value_label="none" if share is None else f"{share:.0%}",
                text_x=x + (step - 12) / 2,
                text_y=top + plot + 16,
            )
        )
    return Chart(
        width=40 + step * max(len(points), 1),
        height=top + plot + 24,
        bars=tuple(bars),
        axis_y=top + plot,
    )


def _number(value: float) -> str:
    return f"{value:g}"


def trend_marks(chart: Chart) -> SafeString:
    """A trend's bars with their tooltips and week labels, as SVG markup: the dashboard draws
    a trend per measure, hundreds of bars in all, so they are joined here rather than by the
    template engine, value by value."""
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{}">{}</text>',
        (
            (
                _number(bar.x),
                _number(bar.y),
                _number(bar.width),
                _number(bar.height),
                BAR,
                bar.label,
                bar.value_label,
                _number(bar.text_x),
                _number(bar.text_y),
                TEXT,
                bar.label[5:],
            )
            for bar in chart.bars
        ),
    )


def horizontal(items: list[tuple[str, int]]) -> Chart:
    """Horizontal bars scaled to the largest (the funnel)."""
    largest = max((count for _, count in items), default=0) or 1
    row, width = 34, 360
    bars = []
    for index, (label, count) in enumerate(items):
        y = 8 + index * row
        bars.append(
            Bar(
                x=0,
                y=y,
                width=max(width * count / largest, 1 if count else 0),
                height=row - 10,
                label=label,
                value_label=str(count),
                text_x=max(width * count / largest, 1) + 6,
                text_y=y + (row - 10) / 2 + 5,
            )
        )
    return Chart(width=width + 80, height=16 + row * max(len(items), 1), bars=tuple(bars))


@dataclass(frozen=True)
class Tile:
    x: int
    y: int
    size: int
    opacity: float
    count: int
    text_x: float
    text_y: float
    label: str


@dataclass(frozen=True)
class Grid:
    width: int
    height: int
    tiles: tuple[Tile, ...]
    row_labels: tuple[tuple[str, float], ...]
    column_labels: tuple[tuple[str, float], ...]


def matrix(rows: list[str], columns: list[str], counts: dict[tuple[str, str], int]) -> Grid:
    """A heat grid: each tile's strength is its count over the largest."""
    size, left, top = 44, 60, 24
    largest = max(counts.values(), default=0) or 1
    tiles = []
    for r, row in enumerate(rows):
        for c, column in enumerate(columns):
            count = counts.get((row, column), 0)
            x, y = left + c * size, top + r * size
            tiles.append(
                Tile(
                    x=x,
                    y=y,
                    size=size - 4,
                    opacity=round(0.08 + 0.92 * count / largest, 3),
                    count=count,
                    text_x=x + (size - 4) / 2,
                    text_y=y + (size - 4) / 2 + 5,
                    label=f"{row} by {column or 'none'}: {count}",
                )
            )
    return Grid(
        width=left + size * max(len(columns), 1),
        height=top + size * max(len(rows), 1),
        tiles=tuple(tiles),
        row_labels=tuple((row, top + r * size + size / 2) for r, row in enumerate(rows)),
        column_labels=tuple(
            (str(index + 1), left + index * size + (size - 4) / 2)
            for index, _ in enumerate(columns)
        ),
    )
