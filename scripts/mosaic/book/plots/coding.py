"""The coding chapter's charts, and the headings of its tables."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ...analyses import coding as c
from ...analyses.figures import Headline
from .. import palette
from ..charts import Chart

LOG = alt.Scale(type="log")
P80 = "80% horizon (same model)"
STATUS_COLOURS = {c.IN_FIT: palette.FIT, c.ABOVE: palette.EXCLUDED, c.OFF: palette.CONTEXT,
                  c.NO_SUITE: palette.PURPLE, P80: palette.SKY}
ORIGIN_SHAPES = {"METR data file": "circle", "METR page": "square", "METR blog": "triangle-up",
                 "paper": "cross", "secondary quote": "diamond"}
SPLITS = {"Full": palette.GREY, "Full subset": palette.LIGHT_GREY, "Lite": palette.ORANGE, "Verified": palette.BLUE}
REPORTERS = {"leaderboard": "circle", "vendor": "triangle-up", "independent": "square", "paper": "cross"}

# Tables: the columns shown, as the page heads them, and what an empty table says (ch.table(frame, **TABLE)).
FRONTIER = {"columns": {"model": "Model", "release_date": "Released", "published": "Value published",
                        "origin": "From", "p50": "50% horizon", "p50_interval": "95% interval", "p80": "80% horizon"},
            "missing": "not enough data"}
THRESHOLDS = {"columns": {"threshold": "Threshold", "hours": "Hours", "when": "Trend reaches it",
                          "interval": "Interval", "reading": "Reading"}, "missing": "not enough data"}
SENSITIVITY = {"columns": {"window_start": "Fit from", "models": "Frontier models",
                           "doubling": "Doubling time (interval)",
                           "threshold_when": "Trend reaches the threshold (interval)", "note": "Note"}}
AGAINST_METR = {"columns": {"suite": "Suite", "series": "Series", "window_start": "From", "vintage": "METR's vintage",
                            "frontier_models": "Frontier models", "doubling_days": "Doubling (days), this fit",
                            "ci_low_days": "Interval low", "ci_high_days": "Interval high",
                            "metr_doubling_days": "METR's doubling (days)", "metr_ci_low_days": "METR low",
                            "metr_ci_high_days": "METR high"}, "missing": "not published"}
ADDED = {"columns": {"model": "Model", "origin": "From", "published": "Published", "suite": "Suite",
                     "p50": "50% horizon", "used": "In the fit?", "source": "Source"}, "missing": "none"}
REVISIONS = {"columns": {"model": "Model", "suite": "Suite", "first": "First posted", "first_published": "On",
                         "now": "Now", "now_published": "Since"}, "missing": "none by this date"}
GAPS = {"columns": {"model": "Model", "vendor": "Vendor (%)", "independent": "Independent, median (%)",
                    "runs": "Runs", "evaluators": "Measured by", "gap": "Gap (points)"}, "missing": "none"}


def horizons(h: Headline) -> Chart:
    """METR's horizons by release date: 50% and 80%, the fitted trend and band, thresholds and the ceiling."""
    points = h.tables["horizons"]
    if points.empty:
        return Chart.nothing("metr-horizons", "METR had published no time horizon in this suite by this date.")
    x = alt.X("release_date:T", title="Model release date", axis=alt.Axis(format="%Y", tickCount="year"))
    statuses = [s for s in STATUS_COLOURS if s in set(points.status) or s == P80]
    colour = alt.Color("status:N", title=None, legend=alt.Legend(columns=2),
                       scale=alt.Scale(domain=statuses, range=[STATUS_COLOURS[s] for s in statuses]))
    p80 = points[points.p80_minutes.notna()].assign(status=P80)
    origins = [o for o in ORIGIN_SHAPES if o in set(points.origin)]
    layers = []
    data = {"metr-horizons": points}
    if "trend" in h.tables:
        band = h.tables["trend"]
        data["metr-trend"] = band
        layers += [
            alt.Chart(band).mark_area(opacity=0.13, color=palette.FIT).encode(
                x="date:T", y=alt.Y("low:Q", scale=LOG), y2="high:Q"),
            alt.Chart(band).mark_line(color=palette.FIT).encode(
                x="date:T", y=alt.Y("trend:Q", scale=LOG),
                strokeDash=alt.StrokeDash("part:N", legend=None, scale=alt.Scale(
                    domain=["fitted", "projected"], range=[[1, 0], [6, 4]])),
                tooltip=[alt.Tooltip("date:T", title="Date"),
                         alt.Tooltip("trend:Q", title="Trend (min)", format=",.0f"),
                         alt.Tooltip("low:Q", title="Band low (min)", format=",.0f"),
                         alt.Tooltip("high:Q", title="Band high (min)", format=",.0f"),
                         alt.Tooltip("part:N", title="Part")]),
        ]
    marks = h.tables.get("thresholds")
    rules = pd.DataFrame({"minutes": [h.value("cap_hours") * c.MINUTES_PER_HOUR],
                          "label": [f"METR's ceiling ({h.value('cap_hours'):g} h)"]})
    if marks is not None and len(marks):
        rules = pd.concat([rules, marks.assign(label=marks.threshold.str.replace(r"^an? ", "", regex=True) + " (" + marks.hours.map("{:g}".format) + " h)")[
            ["minutes", "label"]]], ignore_index=True)
    layers += [
        alt.Chart(rules).mark_rule(strokeDash=[2, 3], color=palette.THRESHOLD).encode(
            y=alt.Y("minutes:Q", scale=LOG), tooltip=[alt.Tooltip("label:N", title="Reference")]),
        alt.Chart(rules).mark_text(align="left", dx=4, dy=-6, fontSize=11, color=palette.THRESHOLD).encode(
            y=alt.Y("minutes:Q", scale=LOG), x=alt.value(0), text="label:N"),
        alt.Chart(points[points.p50_ci_low_minutes.notna()]).mark_rule(opacity=0.45).encode(
            x=x, y=alt.Y("p50_ci_low_minutes:Q", scale=LOG), y2="p50_ci_high_minutes:Q", color=colour),
        alt.Chart(p80).mark_point(shape="triangle-down", filled=False, size=45, strokeWidth=1.4).encode(
            x=x, y=alt.Y("p80_minutes:Q", scale=LOG), color=colour,
            tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("release_date:T", title="Released"),
                     alt.Tooltip("p80_minutes:Q", title="80% horizon (min)", format=",.2f"),
                     alt.Tooltip("p50_minutes:Q", title="50% horizon (min)", format=",.2f"),
                     alt.Tooltip("source_title:N", title="Source")]),
        alt.Chart(points).mark_point(filled=True, size=70).encode(
            x=x, y=alt.Y("p50_minutes:Q", scale=LOG,
                         title="Horizon (minutes of expert work, log scale)"),
            color=colour,
            shape=alt.Shape("origin:N", title="From", scale=alt.Scale(
                domain=origins, range=[ORIGIN_SHAPES[o] for o in origins])),
            tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("release_date:T", title="Released"),
                     alt.Tooltip("p50_minutes:Q", title="50% horizon (min)", format=",.2f"),
                     alt.Tooltip("p50_ci_low_minutes:Q", title="95% CI low (min)", format=",.2f"),
                     alt.Tooltip("p50_ci_high_minutes:Q", title="95% CI high (min)", format=",.2f"),
                     alt.Tooltip("p80_minutes:Q", title="80% horizon (min)", format=",.2f"),
                     alt.Tooltip("suite_text:N", title="Suite"), alt.Tooltip("status:N", title="Trend fit"),
                     alt.Tooltip("published_text:N", title="Value published"),
                     alt.Tooltip("origin:N", title="From"), alt.Tooltip("source_type:N", title="Source tier"),
                     alt.Tooltip("source_title:N", title="Source")]),
    ]
    return Chart(
        alt.layer(*layers, height=400),
        name="metr-horizons",
        finding=h.text("metr_finding"),
        description=(
            f"Log-scale scatter of METR's 50% time horizon, in minutes of human-expert work, by model release date, "
            f"{h.text('suite')} suite, with METR's 95% intervals as vertical bars and each model's 80% horizon as a "
            "hollow triangle below it. Blue points are the frontier models in the fit; vermilion points lie above "
            f"METR's reliability ceiling of {h.text('cap_hours')}; grey points are below the frontier or before the "
            "window; reddish-purple points have no stated suite. Shapes say where a value was read. The line is the "
            f"fitted exponential trend with its {h.text('ci_level')} band, solid over the fitted models and dashed "
            "where projected. Dotted lines mark the ceiling and the threshold horizons. What the data show: "
            f"{h.text('metr_finding')}"
            + (f", {h.text('ci_level')} interval {h.text('metr_doubling_interval')}" if "trend" in h.tables else "")
            + f". The latest: {h.text('metr_glance_latest')}."),
        data=data,
        sources=sorted(set(points.source_id)),
    )


def swe(h: Headline) -> Chart:
    """SWE-bench scores by date and split, with each split's leaderboard record as a step line."""
    points = h.tables["swe"]
    if points.empty:
        return Chart.nothing("swe-bench", "No SWE-bench result had been published by this date.")
    best = h.tables["swe_records"]
    splits = [s for s in SPLITS if s in set(points.split)]
    colour = alt.Color("split:N", title="Split", scale=alt.Scale(domain=splits, range=[SPLITS[s] for s in splits]))
    steps = alt.Chart(best).mark_line(interpolate="step-after", strokeWidth=1.5).encode(
        x="date:T", y=alt.Y("best:Q"), color=colour,
        tooltip=[alt.Tooltip("split:N", title="Split"), alt.Tooltip("date:T", title="Record set"),
                 alt.Tooltip("best:Q", title="Record (%)", format=".1f"), alt.Tooltip("system:N", title="System")])
    dots = alt.Chart(points).mark_point(size=55, strokeWidth=1.6, filled=True, opacity=0.85).encode(
        x=alt.X("date:T", title="Date (submission, announcement or run)",
                axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("percent_resolved:Q", title="Tasks resolved (%)", scale=alt.Scale(domain=[0, 100])),
        color=colour,
        shape=alt.Shape("reported_by:N", title="Reported by",
                        scale=alt.Scale(domain=list(REPORTERS), range=list(REPORTERS.values()))),
        tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("model:N", title="Model"),
                 alt.Tooltip("date:T", title="Date"), alt.Tooltip("split:N", title="Split"),
                 alt.Tooltip("percent_resolved:Q", title="Resolved (%)", format=".2f"),
                 alt.Tooltip("reported:N", title="Reported by"), alt.Tooltip("source_type:N", title="Source tier"),
                 alt.Tooltip("source_title:N", title="Source")])
    return Chart(
        alt.layer(steps, dots, height=360),
        name="swe-bench",
        finding=h.text("swe_record_finding"),
        description=(
            "Scatter of SWE-bench results by date, coloured by split (Full, Lite, Verified), with a step line for "
            "each split's leaderboard record. Shapes tell who reported the number: leaderboard circles, vendor "
            "triangles, independent evaluators squares, the original paper a cross. What the data show: "
            f"{len(points)} results. {h.text('swe_record_finding')}."
            + "".join(f" The best {who} Verified score: {h.text(f'swe_best_{key}')}."
                      for key, who in (("vendor", "vendor-reported"), ("independent", "independently measured"))
                      if h[f"swe_verified_best_{key}"].value is not None)),
        data={"swe-bench": points, "swe-bench-records": best},
        sources=sorted(set(points.source_id)),
    )


def swe_gaps(h: Headline) -> Chart:
    """Per model: the vendor's own score beside the middle of independent runs of the same model."""
    gaps = h.tables["swe_gaps"]
    if gaps.empty:
        return Chart.nothing("swe-vendor-gap", "No model had both a vendor-reported and an independent score by "
                                               "this date.")
    long = pd.concat([
        gaps.assign(who="vendor's own report", score=gaps.vendor),
        gaps.assign(who="independent runs (median)", score=gaps.independent)], ignore_index=True)
    long = long.drop(columns=["as_of"])
    order = list(gaps.model)
    y = alt.Y("model:N", title=None, sort=order)
    tip = [alt.Tooltip("model:N", title="Model"), alt.Tooltip("who:N", title="Score"),
           alt.Tooltip("score:Q", title="Resolved (%)", format=".2f"),
           alt.Tooltip("gap:Q", title="Vendor minus independent (points)", format=".2f"),
           alt.Tooltip("runs:Q", title="Independent runs"), alt.Tooltip("evaluators:N", title="Measured by"),
           alt.Tooltip("vendor_source:N", title="Vendor source")]
    rules = alt.Chart(gaps.drop(columns=["as_of"])).mark_rule(color=palette.LIGHT_GREY, strokeWidth=3).encode(
        y=y, x="independent:Q", x2="vendor:Q")
    dots = alt.Chart(long).mark_point(filled=True, size=90).encode(
        y=y, x=alt.X("score:Q", title="Verified, tasks resolved (%)", scale=alt.Scale(zero=False)),
        color=alt.Color("who:N", title=None, scale=alt.Scale(
            domain=["vendor's own report", "independent runs (median)"], range=[palette.ORANGE, palette.GREEN])),
        shape=alt.Shape("who:N", title=None, scale=alt.Scale(
            domain=["vendor's own report", "independent runs (median)"], range=["triangle-up", "square"])),
        tooltip=tip)
    return Chart(
        alt.layer(rules, dots, height=max(160, 26 * len(gaps))),
        name="swe-vendor-gap",
        finding=h.text("swe_gap_finding"),
        description=(
            "For each model with both: its vendor's own SWE-bench Verified score (orange triangle) and the median "
            "of independent evaluators' runs of the same model (green square), joined by a grey bar whose length "
            f"is the gap. What the data show: across {h.text('swe_gap_models')} models the median gap is "
            f"{h.text('swe_vendor_gap')}, {h.text('swe_gap_range')}."),
        data={"swe-vendor-gap": gaps.drop(columns=["as_of"])},
        sources=sorted({s for ids in gaps.source_ids for s in ids.split(";")}),
    )
