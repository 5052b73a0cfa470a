"""Server-rendered SVG charts: the geometry is worked out here so templates only draw it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    label_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[dict]
    baseline: float
    plot_left: float


def bar_chart(points: list[dict], *, value: str, label: str, width: int = 640, height: int = 280) -> BarChart:
    """Vertical bars for `points`, scaled to the largest value, with up to five gridline ticks; the labels under the
    bars are slanted (the template turns them) so that sixteen quarters fit."""
    left, bottom, top = 44, 84, 12
    plot_height = height - bottom - top
    maximum = max((point[value] for point in points), default=0) or 1
    step = max(1, -(-maximum // 4))
    ticks = [
        {"value": tick, "y": round(top + plot_height - plot_height * tick / (step * 4), 1)}
        for tick in range(0, step * 5, step)
    ]
    scale_top = step * 4
    slot = (width - left) / max(len(points), 1)
    bar_width = max(min(slot * 0.7, 48), 2)
    bars = []
    for index, point in enumerate(points):
        bar_height = plot_height * point[value] / scale_top
        x = left + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(top + plot_height - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
                value=point[value],
                label=point[label],
                label_x=round(x + bar_width / 2, 1),
            )
        )
    return BarChart(width=width, height=height, bars=bars, ticks=ticks, baseline=top + plot_height, plot_left=left)
