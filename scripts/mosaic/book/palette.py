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
