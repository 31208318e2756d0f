"""What the pipeline hands a chapter: its parameters, its version and its validated tables.

`execute` writes `context.json` beside the notebook it runs (the kernel's working
folder). It names the typed tables validation produced for the datasets the chapter
declares, the published outputs of the chapters it reads, its parameters and its
version. The chapter only reads them: it never parses a CSV or validates again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analyses.figures import Frames
from ..catalogue import BY_NAME, tables

CONTEXT = "context.json"


class ContextError(Exception):
    pass


@dataclass
class Context:
    chapter: str
    params: dict
    defaults: dict
    version: str
    as_of: dt.date | None
    tables: dict[str, str]  # dataset name -> path of its typed table
    upstream: dict[str, str]  # chapter name -> folder of its executed outputs
    out: Path
    notes: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> "Context":
        raw = json.loads(path.read_text())
        as_of = raw["params"].get("as_of")
        return cls(raw["chapter"], raw["params"], raw["defaults"], raw["version"],
                   None if as_of in (None, "latest") else dt.date.fromisoformat(as_of),
                   raw["tables"], raw["upstream"], path.parent)

    def frames(self) -> Frames:
        """Every declared dataset as of the chapter's date, plus each upstream chapter's outputs.

        An upstream output appears as '<chapter>:<name>'; its figures as '<chapter>:figures'.
        A dataset with vintages also appears as '<name>:vintages': every vintage public by the
        chapter's date, not only the latest, so that the view on any earlier date can be taken
        from it (a backtest refits on what was public at each of its origins).
        """
        out: dict[str, pd.DataFrame] = {}
        undated = {}
        for name, path in self.tables.items():
            dataset = BY_NAME[name]
            with open(path, "rb") as f:
                full = tables.frame(dataset, pickle.load(f))
            view = tables.as_of_view(dataset, full, self.as_of)
            out[name] = view.frame
            if dataset.vintage_key:
                every = dataclasses.replace(dataset, vintage_key=())
                out[f"{name}:vintages"] = tables.as_of_view(every, full, self.as_of).frame
            if view.undated:
                undated[dataset.title] = view.undated
        if undated:
            listed = "; ".join(f"{title}: {n} row{'s' if n > 1 else ''}" for title, n in undated.items())
            self.notes.append(
                f"Some sources do not date when they published each value ({listed}). For those rows this "
                f"page uses the date of the event they measure, with the value as published today.")
        for chapter, folder in self.upstream.items():
            folder = Path(folder)
            figures = json.loads((folder / "figures.json").read_text()) if (folder / "figures.json").exists() else []
            out[f"{chapter}:figures"] = pd.DataFrame(figures)
            for csv in sorted((folder / "outputs").glob("*.csv")) if (folder / "outputs").exists() else ():
                out[f"{chapter}:{csv.stem}"] = pd.read_csv(csv)
        return Frames(out, self.upstream)
