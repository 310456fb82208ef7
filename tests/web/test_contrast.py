"""WCAG 2.1 AA contrast of the pages' colours: 4.5:1 for text, 3:1 for the focus outline (1.4.3, 1.4.11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "web" / "static" / "site.css").read_text(encoding="utf-8")
WHITE = "#ffffff"
TEXT_PAIRS = [
    ("body text", "#1a1a1a", WHITE),
    ("links", "#0b4f9c", WHITE),
    ("muted text", "#4d4d4d", WHITE),
    ("the header and footer", WHITE, "#0b3d6e"),
    ("buttons", WHITE, "#0b4f9c"),
    ("notes", "#1a1a1a", "#fff4e0"),
    ("the skip link", "#0b4f9c", WHITE),
]
FOCUS = "#b35900"


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_style_sheet_uses_only_the_colours_checked_here() -> None:
    checked = {colour for _, fg, bg in TEXT_PAIRS for colour in (fg, bg)} | {FOCUS, "#d0d0d0", "#595959", "#767676", "#000000"}

    assert set(re.findall(r"#[0-9a-f]{6}\b", CSS)) <= checked


@pytest.mark.parametrize(("what", "foreground", "background"), TEXT_PAIRS)
def test_text_has_at_least_4_5_to_1(what: str, foreground: str, background: str) -> None:
    assert contrast(foreground, background) >= 4.5, what


def test_the_focus_outline_and_control_borders_stand_out() -> None:
    assert contrast(FOCUS, WHITE) >= 3
    assert contrast("#595959", WHITE) >= 3  # form controls' borders (1.4.11)
