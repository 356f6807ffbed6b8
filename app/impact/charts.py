"""The dashboard's pictures, drawn on the server as SVG: no script, no CDN, a title and a description for screen
readers (the table each one draws is printed beside it). Pure: standard library and markupsafe.

* ``stacked_bars``: an amount per period, the local part darker than the rest;
* ``share_bars``: one horizontal bar per row, the local share of 100 %;
* ``commune_map``: the communes at their positions, each a disc shaded by the amount its holders took, in five
  classes of as many communes each (quintiles: Marseille alone would otherwise leave every other commune pale)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

LOCAL, OTHER, EMPTY = "#0b5394", "#a9c4e4", "#eeeeee"
SHADES = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")  # light to dark: five classes of amount
FONT = 'font-family="sans-serif" font-size="12"'


@dataclass(frozen=True)
class Bar:
    label: str
    local: float
    total: float


def _svg(width: int, height: int, title: str, description: str, body: str, slug: str) -> Markup:
    return Markup(  # noqa: S704 — every text in it is escaped, every number formatted here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{slug}-titre {slug}-desc"><title id="{slug}-titre">{escape(title)}</title>'
        f'<desc id="{slug}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _euros(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f} M€".replace(".", ",")
    if value >= 1e3:
        return f"{value / 1e3:.0f} k€"
    return f"{value:.0f} €"


def stacked_bars(bars: Sequence[Bar], title: str, slug: str) -> Markup:
    """Vertical bars, one per period: its whole amount, the local part at the bottom."""
    width, height, left, bottom, top = 640, 260, 56, 36, 16
    top_value = max((b.total for b in bars), default=0) or 1
    step = (width - left - 8) / max(len(bars), 1)
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" stroke="#555"/>']
    for tick in (0, 0.5, 1):
        y = height - bottom - tick * (height - bottom - top)
        parts.append(f'<text x="{left - 6}" y="{y + 4:.0f}" text-anchor="end" {FONT}>{_euros(top_value * tick)}</text>')
    for i, bar in enumerate(bars):
        x = left + i * step + step * 0.15
        w = step * 0.7
        total_h = bar.total / top_value * (height - bottom - top)
        local_h = bar.local / top_value * (height - bottom - top)
        base = height - bottom
        parts.append(_rect(x, base - total_h, w, total_h, OTHER, f"{bar.label} : {_euros(bar.total)} au total"))
        parts.append(_rect(x, base - local_h, w, local_h, LOCAL, f"{bar.label} : {_euros(bar.local)} local"))
        parts.append(f'<text x="{x + w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" {FONT}>'
                     f"{escape(bar.label)}</text>")  # fmt: skip
    parts.append(_legend(left, height - 8))
    description = "; ".join(f"{b.label} : {_euros(b.total)} dont {_euros(b.local)} local" for b in bars) or "aucun"
    return _svg(width, height, title, description, "".join(parts), slug)


def share_bars(bars: Sequence[Bar], title: str, slug: str) -> Markup:
    """One bar of 100 % per row, the local share in the darker colour, its percentage written after it."""
    row, label_w, width = 24, 260, 640
    height = row * len(bars) + 40
    parts = []
    for i, bar in enumerate(bars):
        y = 8 + i * row
        share = bar.local / bar.total if bar.total else 0
        span = width - label_w - 60
        label = escape(_short(bar.label))
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" {FONT}>{label}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{span}" height="{row - 6}" fill="{OTHER}"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{span * share:.1f}" height="{row - 6}" fill="{LOCAL}"/>')
        parts.append(f'<text x="{label_w + span + 6}" y="{y + 14}" {FONT}>{share * 100:.0f} %</text>')
    parts.append(_legend(label_w, height - 8))
    description = "; ".join(f"{b.label} : {b.local / b.total * 100 if b.total else 0:.0f} % local" for b in bars)
    return _svg(width, height, title, description or "aucun", "".join(parts), slug)


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _legend(x: float, y: float) -> str:
    return (
        f'<rect x="{x}" y="{y - 10}" width="10" height="10" fill="{LOCAL}"/>'
        f'<text x="{x + 14}" y="{y}" {FONT}>titulaires locaux</text>'
        f'<rect x="{x + 130}" y="{y - 10}" width="10" height="10" fill="{OTHER}"/>'
        f'<text x="{x + 144}" y="{y}" {FONT}>autres</text>'
    )


@dataclass(frozen=True)
class Spot:
    name: str
    latitude: float
    longitude: float
    amount: float


def commune_map(spots: Sequence[Spot], title: str, slug: str) -> Markup:
    """Each commune a disc at its position (equirectangular, scaled to the Métropole's latitude), shaded by the
    quintile of its amount among the communes that took any; grey for none."""
    width, height, pad = 640, 480, 20
    if not spots:
        return _svg(width, height, title, "aucune commune", "", slug)
    scale_x = math.cos(math.radians(sum(s.latitude for s in spots) / len(spots)))
    xs = [s.longitude * scale_x for s in spots]
    ys = [s.latitude for s in spots]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1
    unit = min(width, height - 40) - 2 * pad
    positive = sorted(s.amount for s in spots if s.amount > 0)
    ranks = [max(0, (i + 1) * len(positive) // len(SHADES) - 1) for i in range(len(SHADES))]
    bounds = [positive[rank] for rank in ranks] if positive else []
    parts = []
    for spot, x, y in sorted(zip(spots, xs, ys, strict=True), key=lambda t: t[0].amount):
        cx = pad + (x - min(xs)) / span * unit
        cy = pad + (max(ys) - y) / span * unit
        fill = EMPTY if spot.amount <= 0 else SHADES[next(i for i, b in enumerate(bounds) if spot.amount <= b)]
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="{fill}" stroke="#555" stroke-width="0.5">'
            f"<title>{escape(spot.name)} : {_euros(spot.amount)}</title></circle>"
        )
    legend = [("aucun", EMPTY)] + [(f"≤ {_euros(b)}", shade) for b, shade in zip(bounds, SHADES, strict=False)]
    for i, (label, shade) in enumerate(legend):
        parts.append(_rect(pad + i * 100, height - 24, 12, 12, shade, label))
        parts.append(f'<text x="{pad + i * 100 + 16}" y="{height - 14}" {FONT}>{escape(label)}</text>')
    named = sorted((s for s in spots if s.amount > 0), key=lambda s: -s.amount)[:10]
    description = "; ".join(f"{s.name} : {_euros(s.amount)}" for s in named) or "aucun montant local"
    return _svg(width, height, title, description, "".join(parts), slug)
