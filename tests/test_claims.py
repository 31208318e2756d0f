"""The claims chapter's arithmetic, against the essay's own numbers and the checked data."""
from __future__ import annotations

import pytest

from mosaic.analyses import claims as c
from mosaic.catalogue.tables import load


def test_checked_arithmetic_in_the_data_matches_the_formula():
    from conftest import ROOT

    rows = load("claims", ROOT).set_index("claim_id")
    assert rows.loc["compound_50", "checked_value"] == pytest.approx(0.999 ** 50 * 100, abs=5e-5)
    assert rows.loc["compound_500", "checked_value"] == pytest.approx(0.999 ** 500 * 100, abs=5e-5)
    assert rows.loc["compound_500", "status"] == "discrepant"


def test_post_train_bench_is_discrepant():
    from conftest import ROOT

    rows = load("claims", ROOT).set_index("claim_id")
    ptb = rows.loc[["ptb_ai_opus", "ptb_ai_gpt"]]
    assert ptb.checked_value.tolist() == [23.2, 20.2]
    assert (ptb.checked_value < ptb.claimed_low).all()
    assert set(ptb.status) == {"discrepant"}


@pytest.mark.parametrize("low, high, checked, expected", [
    (25, 28, 26, 0.0),        # inside the range
    (25, 28, 23.2, -7.2),     # (23.2 - 25) / 25
    (30, 30, 34, 40 / 3),     # (34 - 30) / 30
    (0.5, 0.5, 0.599, 19.8),  # GPT-3.5's horizon: (0.599 - 0.5) / 0.5
])
def test_gap_percent(low, high, checked, expected):
    assert c.gap_percent(low, high, checked) == pytest.approx(expected)


def test_counts_add_up():
    from conftest import ROOT

    compared = c.compare(load("claims", ROOT), load("sources", ROOT))
    n = c.counts(compared)
    assert n["checked"] + n["forecast"] == n["total"] == len(compared)
    assert n["match"] + n["discrepant"] == n["checked"]
    assert compared.loc[compared.claim_id == "ptb_ai_opus", "claimed"].item() == "25–28"
