"""The book's colours: one colour-blind-safe palette (Okabe and Ito), used by every chart and badge.

Charts name colours by role, not by hex code, so a reader learns them once and a
change here changes every page.
"""
from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#7A7A7A"
LIGHT_GREY = "#BBBBBB"

CATEGORY = [BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, GREY]

# Roles shared across chapters.
FIT = BLUE  # points in a fit, the fitted trend and its band
EXCLUDED = VERMILION  # points shown but left out of a fit (above a ceiling, flagged)
CONTEXT = GREY  # points shown for context only
HUMAN = GREEN  # a human reference or baseline
THRESHOLD = "#555555"  # threshold and reference rules

# The chart's own ink on the page's light background: titles and labels, the source line, grid lines.
INK = "#1F2328"
INK_MUTED = "#57606A"
GRID = "#E6E6E6"
BACKGROUND = "#FFFFFF"

# In the theme's dark mode a chart is drawn on the dark page: each light-mode colour on the left is drawn
# as the one on the right. Only neutrals change; the Okabe-Ito hues stay, so a colour means the same thing
# in both modes (each keeps at least 3:1 against the dark background, the contrast marks need).
DARK = {
    INK: "#CED6DD",
    INK_MUTED: "#9CA4AF",
    GRID: "#2E3540",
    BACKGROUND: "#121212",  # sphinx-book-theme's dark page
    THRESHOLD: "#A0A0A0",
    LIGHT_GREY: "#5A6270",  # de-emphasised points stay quieter than the rest on a dark page too
}

# Claim statuses, wherever they appear.
STATUS = {
    "confirmed": GREEN,
    "confirmed with caveat": SKY,
    "vendor-reported": ORANGE,
    "superseded": PURPLE,  # matches only a first report that a later one corrected
    "discrepant": VERMILION,
    "forecast": GREY,
    "unchecked": LIGHT_GREY,  # the value to check against was not available to the build
}
