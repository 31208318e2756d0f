"""The forecasts chapter's charts: the backtests' error and coverage by lead time, the growth forms, the
work-week date as each origin saw it, and the ledger's calibration."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ...analyses.figures import Headline
from .. import palette
from ..charts import Chart

LOG = alt.Scale(type="log")
# Ledger statuses, wherever they are drawn as badges.
STATUS = {"hit": palette.GREEN, "miss": palette.VERMILION, "resolved": palette.SKY, "settled": palette.SKY,
          "open": palette.GREY, "overdue": palette.ORANGE, "unresolvable as stated": palette.PURPLE}
METHOD_COLOURS = [palette.BLUE, palette.SKY, palette.ORANGE, palette.VERMILION]
FORM_COLOURS = {"exponential": palette.BLUE, "piecewise": palette.ORANGE, "bounded superexponential": palette.PURPLE,
                "logistic": palette.GREEN}


def _sources(h: Headline, *which: str) -> list[str]:
    """The sources of the METR rows the trend is fitted on (few), and of every result a chart draws."""
    s = h.tables["sources"]
    drawn = h.tables["method_points"].source_id.dropna()
    return sorted(set(s[s.data.isin(which) & (s.data == "metr")].source_id)
                  | (set(drawn) if "replication" in which else set()))


def _methods(frame: pd.DataFrame) -> alt.Scale:
    domain = list(dict.fromkeys(frame.method_label))
    return alt.Scale(domain=domain, range=METHOD_COLOURS[:len(domain)])


def ratio_by_lead(h: Headline) -> Chart:
    """Every scored postdiction's actual/predicted ratio against its lead time, with each method's median."""
    points, bins = h.tables["method_points"], h.tables["method_bins"]
    points = points[points.ratio.notna()]
    if points.empty:
        return Chart.nothing("backtest-ratio", "No postdiction of the book's methods could be scored by this date.")
    bins = bins[bins.median_ratio.notna()]
    scale = _methods(points)
    one = pd.DataFrame({"y": [1.0], "label": ["actual = predicted"]})
    dots = alt.Chart(points).mark_point(filled=True, size=45, opacity=0.55).encode(
        x=alt.X("lead_months:Q", title="Lead time (months from the fit to the outcome)"),
        y=alt.Y("ratio:Q", scale=LOG, title="Actual ÷ predicted (log scale)"),
        color=alt.Color("method_label:N", title=None, scale=scale, legend=alt.Legend(columns=1)),
        tooltip=[alt.Tooltip("method_label:N", title="Method"), alt.Tooltip("origin:N", title="Fitted at"),
                 alt.Tooltip("target:N", title="Model, threshold or result"), alt.Tooltip("track:N", title="Benchmark"),
                 alt.Tooltip("target_date:N", title="Outcome date"), alt.Tooltip("predicted:N", title="Predicted"),
                 alt.Tooltip("actual:N", title="Actual"), alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("ratio:Q", title="Actual ÷ predicted", format=".2f"),
                 alt.Tooltip("lead_months:Q", title="Lead (months)", format=".1f")])
    lines = alt.Chart(bins).mark_line(point=True, strokeWidth=2.5).encode(
        x="lead:Q", y=alt.Y("median_ratio:Q", scale=LOG), color=alt.Color("method_label:N", scale=scale, legend=None),
        tooltip=[alt.Tooltip("method_label:N", title="Method"), alt.Tooltip("lead:Q", title="Lead bin (months)"),
                 alt.Tooltip("median_ratio:Q", title="Median actual ÷ predicted", format=".2f"),
                 alt.Tooltip("n_ratio:Q", title="Postdictions")])
    rule = alt.Chart(one).mark_rule(color=palette.THRESHOLD, strokeDash=[5, 3]).encode(
        y=alt.Y("y:Q", scale=LOG), tooltip=[alt.Tooltip("label:N", title="Reference")])
    return Chart(
        alt.layer(rule, dots, lines, height=340),
        name="backtest-ratio",
        finding=h.text("ratio_finding"),
        description=(
            "Scatter of every scored postdiction of the book's methods: how far the outcome was from the forecast "
            "(actual divided by predicted, log scale) against how far ahead it was made, in months. Lines join "
            f"each method's median in {h.text('lead_step_months')} bins. The dashed line marks a perfect forecast. "
            "For horizons and scores a ratio above 1 means reality ran ahead; for times, that it ran behind."),
        data={"backtest-ratio": points, "backtest-ratio-medians": bins},
        sources=_sources(h, "metr", "replication"),
    )


def coverage_by_lead(h: Headline) -> Chart:
    """Each method's share of outcomes inside its interval, by lead time, against the ideal."""
    bins = h.tables["method_bins"]
    if bins.empty:
        return Chart.nothing("backtest-coverage", "No postdiction of the book's methods could be scored by this date.")
    ideal = pd.DataFrame({"y": [100 * h.value("level")], "label": [f"ideal: {h.text('level')}"]})
    scale = _methods(bins)
    lines = alt.Chart(bins).mark_line(point=alt.OverlayMarkDef(filled=True, size=70)).encode(
        x=alt.X("lead:Q", title="Lead time (months from the fit to the outcome)"),
        y=alt.Y("coverage:Q", title=f"Outcomes inside the {h.text('level')} interval (%)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("method_label:N", title=None, scale=scale, legend=alt.Legend(columns=1)),
        tooltip=[alt.Tooltip("method_label:N", title="Method"), alt.Tooltip("lead:Q", title="Lead bin (months)"),
                 alt.Tooltip("coverage:Q", title="Inside the interval (%)", format=".0f"),
                 alt.Tooltip("n:Q", title="Postdictions")])
    rule = alt.Chart(ideal).mark_rule(color=palette.HUMAN, strokeDash=[5, 3], size=2).encode(
        y="y:Q", tooltip=[alt.Tooltip("label:N", title="Reference")])
    label = alt.Chart(ideal).mark_text(align="left", dx=4, dy=-7, color=palette.HUMAN, fontSize=11).encode(
        y="y:Q", x=alt.value(0), text="label:N")
    return Chart(
        alt.layer(rule, label, lines, height=320),
        name="backtest-coverage",
        finding=h.text("coverage_finding"),
        description=(
            f"Lines of the share of outcomes that fell inside each method's {h.text('level')} interval, by lead time "
            f"in {h.text('lead_step_months')} bins; the dashed green line is the share a calibrated interval would "
            "hold. Points below it mean the intervals were too narrow at that lead."),
        data={"backtest-coverage": bins},
        sources=_sources(h, "metr", "replication"),
    )


def forms(h: Headline) -> Chart:
    """The same backtest for each growth form: median actual/predicted horizon by lead time."""
    bins = h.tables["form_bins"]
    bins = bins[bins.median_ratio.notna()]
    if bins.empty:
        return Chart.nothing("growth-forms", "No growth form could be backtested by this date.")
    domain = [f for f in FORM_COLOURS if f in set(bins.form)]
    one = pd.DataFrame({"y": [1.0], "label": ["actual = predicted"]})
    lines = alt.Chart(bins).mark_line(point=alt.OverlayMarkDef(filled=True, size=60)).encode(
        x=alt.X("lead:Q", title="Lead time (months from the fit to the model)"),
        y=alt.Y("median_ratio:Q", scale=LOG, title="Median actual ÷ predicted horizon (log scale)"),
        color=alt.Color("form:N", title="Growth form", legend=alt.Legend(columns=2),
                        scale=alt.Scale(domain=domain, range=[FORM_COLOURS[f] for f in domain])),
        # Dashes keep a form visible where another runs on top of it (a logistic that finds no ceiling
        # predicts what the exponential does).
        strokeDash=alt.StrokeDash("form:N", legend=None, scale=alt.Scale(
            domain=domain, range=[[1, 0] if f == "exponential" else [6, 3] for f in domain])),
        tooltip=[alt.Tooltip("form:N", title="Growth form"), alt.Tooltip("lead:Q", title="Lead bin (months)"),
                 alt.Tooltip("median_ratio:Q", title="Median actual ÷ predicted", format=".2f"),
                 alt.Tooltip("coverage:Q", title=f"Inside the {h.text('level')} interval (%)", format=".0f"),
                 alt.Tooltip("n:Q", title="Postdictions")])
    rule = alt.Chart(one).mark_rule(color=palette.THRESHOLD, strokeDash=[5, 3]).encode(
        y=alt.Y("y:Q", scale=LOG), tooltip=[alt.Tooltip("label:N", title="Reference")])
    return Chart(
        alt.layer(rule, lines, height=320),
        name="growth-forms",
        finding=h.text("forms_finding"),
        description=(
            "Lines of the median ratio of each later frontier model's METR horizon to the horizon each growth form "
            "predicted for it (log scale), by lead time. Every form is refitted at each quarter-end on the models "
            "released by then, with their values as METR later published them. Above 1 the form was too slow. "
            "Where the logistic form finds no ceiling its line runs on the exponential's."),
        data={"growth-forms": bins},
        sources=_sources(h, "metr"),
    )


def workweek(h: Headline) -> Chart:
    """When each origin's trend put the longest threshold, with its interval."""
    rows = h.tables["workweek"]
    rows = rows[(rows.form == "exponential") & rows.predicted.notna()].copy()
    if rows.empty:
        return Chart.nothing("workweek-by-origin", "No trend had been fitted by this date.")
    rows["high"] = rows.high.fillna(rows.predicted)
    rows = rows[["origin", "target", "predicted", "low", "high", "status"]]
    bars = alt.Chart(rows).mark_rule(color=palette.FIT, size=2, opacity=0.5).encode(
        x=alt.X("origin:T", title="Quarter-end the trend was fitted at", axis=alt.Axis(format="%b %Y"),
                scale=alt.Scale(padding=14)),
        y=alt.Y("low:T", title="Date the trend reaches the threshold", axis=alt.Axis(format="%Y")), y2="high:T")
    dots = alt.Chart(rows).mark_point(filled=True, size=80, color=palette.FIT).encode(
        x="origin:T", y="predicted:T",
        tooltip=[alt.Tooltip("origin:T", title="Fitted at"), alt.Tooltip("target:N", title="Threshold"),
                 alt.Tooltip("predicted:T", title="Predicted date"), alt.Tooltip("low:T", title="Interval from"),
                 alt.Tooltip("high:T", title="Interval to"), alt.Tooltip("status:N", title="Outcome")])
    return Chart(
        alt.layer(bars, dots, height=320),
        name="workweek-by-origin",
        finding=h.text("workweek_finding"),
        description=(
            f"For each quarter-end, the date the METR trend fitted then would reach the threshold, with its "
            f"{h.text('level')} interval as a vertical line (an interval with no late end within the search is "
            "drawn to the predicted date). The threshold had not been reached by the newest data."),
        data={"workweek-by-origin": rows},
        sources=_sources(h, "metr"),
    )


def calibration(h: Headline) -> Chart:
    """The ledger's resolved quantile forecasts: the share of outcomes below each stated level."""
    rows = h.tables["calibration"]
    need = int(h.value("min_resolved"))
    n = rows.id.nunique() if len(rows) else 0
    if n < need:
        return Chart.nothing("ledger-calibration",
                             f"A calibration plot needs at least {need} resolved forecasts with quantiles; "
                             f"{n} had resolved by this date.")
    agg = rows.groupby("level").below.agg(["mean", "size"]).reset_index()
    agg = agg.assign(observed=(100 * agg["mean"]).round(1), stated=(100 * agg.level).round(1))
    ideal = pd.DataFrame({"x": [0, 100], "y": [0, 100]})
    return Chart(
        alt.layer(
            alt.Chart(ideal).mark_line(color=palette.HUMAN, strokeDash=[5, 3]).encode(x="x:Q", y="y:Q"),
            alt.Chart(agg).mark_point(filled=True, size=80, color=palette.FIT).encode(
                x=alt.X("stated:Q", title="Stated quantile level (%)", scale=alt.Scale(domain=[0, 100])),
                y=alt.Y("observed:Q", title="Outcomes at or below it (%)", scale=alt.Scale(domain=[0, 100])),
                tooltip=[alt.Tooltip("stated:Q", title="Stated level (%)"),
                         alt.Tooltip("observed:Q", title="Outcomes at or below (%)"),
                         alt.Tooltip("size:Q", title="Forecasts")]),
            height=300),
        name="ledger-calibration",
        finding=h.text("calibration_finding"),
        description="Calibration of the ledger's resolved quantile forecasts: for each stated level, the share of "
                    "outcomes at or below it; a calibrated forecaster's points lie on the dashed diagonal.",
        data={"ledger-calibration": agg},
        sources=_sources(h, "metr", "replication"),
    )


# -- Tables: what each shows and how its columns are headed (for `ch.table(**plot.ledger(f))`) -------------
def ledger(h: Headline) -> dict:
    """The ledger, one row per forecast (every table sorts by any column), statuses as badges."""
    return dict(frame=h.tables["ledger"], columns={
        "target": "Forecast of", "who": "Who", "forecast": "Forecast, as the book reads it",
        "resolve_by": "Resolve by", "status": "Status", "result": "Outcome and score"},
        badges={"status": STATUS}, notes={"who": "made", "target": "as_written"},
        empty="No forecast had been made by this date.")


def rules(h: Headline) -> dict:
    """How each forecast resolves, and the book's reading of the vague ones."""
    return dict(frame=h.tables["ledger"], columns={"target": "Forecast of", "reading": "The book's reading",
                                                   "rule": "How it resolves"},
                notes={"target": "who"}, empty="No forecast had been made by this date.")


def history(h: Headline) -> dict:
    return dict(frame=h.tables["history"], columns={"id": "Forecast", "outcome": "Recorded outcome",
                                                    "evidence": "From", "now": "Now", "why": "Why"},
                empty="No recorded outcome has been replaced.")


def pace(h: Headline) -> dict:
    return dict(frame=h.tables["pace"], columns={
        "who": "Who", "made_at": "Made", "target_minutes": "Target (minutes)", "target_date": "By",
        "start_model": "Best when made", "latest_model": "Best since", "measured_on": "Measured on",
        "pace": "Pace", "why": "Why none"}, empty="No public forecast has a measurable path yet.")


def objections(h: Headline) -> dict:
    return dict(frame=h.tables["objections"], columns={
        "objection": "Objection", "observation": "What would settle it", "resolve_by": "Resolve by",
        "status": "Status"}, notes={"observation": "rule"}, badges={"status": STATUS},
        empty="No observation had been recorded by this date.")


def windows(h: Headline) -> dict:
    return dict(frame=h.tables["windows"], columns={
        "origin": "Fitted at", "models": "Models", "fitted_through": "Newest model",
        "doubling_days": "Doubling (days)", "predictions": "Later models scored",
        "median_ratio": "Median actual ÷ predicted", "coverage": "Inside the band",
        "coverage_prediction": "Inside the prediction interval", "log_score": "Mean log score"},
        notes={"origin": "note"}, empty="No origin by this date.")


def compare(h: Headline) -> dict:
    return dict(frame=h.tables["compare"], columns={
        "window_start": "Window from", "predictions": "Postdictions",
        "coverage_short": "Inside the band, shorter lead", "ratio_short": "Median ratio, shorter lead",
        "coverage_long": "Inside the band, longer lead", "ratio_long": "Median ratio, longer lead"},
        empty="No trend could be fitted by this date.")


def published(h: Headline) -> dict:
    return dict(frame=h.tables["published"], columns={
        "origin": "Fitted at", "target": "Model or threshold", "predicted": "Predicted",
        "interval": f"{h.text('level')} band", "actual": "Actual", "status": "Outcome"},
        empty="METR had published nothing to refit by this date.")


def forms_table(h: Headline) -> dict:
    return dict(frame=h.tables["forms"], columns={
        "form": "Form", "log_score": "Mean log score", "weight": "Weight", "n": "Predictions every form made",
        "coverage": "Inside its prediction interval", "median_ratio": "Median actual ÷ predicted"},
        empty="No growth form could be backtested by this date.")
