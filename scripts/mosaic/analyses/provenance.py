"""Where each row comes from: a data row's source_id joined to its entry in data/sources.csv."""
from __future__ import annotations

import pandas as pd

CITED = ["source_title", "publisher", "source_url", "source_type", "source_published"]


def cite(rows: pd.DataFrame, sources: pd.DataFrame, column: str = "source_id") -> pd.DataFrame:
    """The rows with their source's title, publisher, URL, tier and publication date beside them."""
    table = sources.rename(columns={"title": "source_title", "url": "source_url", "published": "source_published"})
    table = table[["source_id", *CITED]].rename(columns={"source_id": column})
    out = rows.merge(table, on=column, how="left", validate="many_to_one")
    out.index = rows.index
    return out
