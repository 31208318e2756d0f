"""Plan: which chapters need executing, in what order, and why.

A chapter's fingerprint covers exactly what its executed notebook can depend on:

- its own source;
- the typed tables of the datasets it declares (file and schema), and the rows of
  data/sources.csv those datasets cite;
- the code it imports: the runtime and analysis modules reached from its code cells
  (and its own analysis module), never the pipeline, render or bench code;
- the published outputs of the chapters it reads (front matter `chapters:`);
- its parameters and the pinned requirements.

jupyter-book's own cache only sees the notebook source, so it would miss a new CSV
row; this one does not. Chapters that read other chapters run after them, and only
when what those chapters published changed.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .chapters import ChapterSource
from .validate import Validated, sources_table

# Modules whose effect on a chapter is already in its data digests (the dataset declarations),
# or that no chapter runs (the pipeline).
NOT_CHAPTER_CODE = ("mosaic.pipeline", "mosaic.__main__")
CATALOGUE_CODE = ("mosaic.catalogue", "mosaic.catalogue.schema", "mosaic.catalogue.tables")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def module_file(scripts: Path, dotted: str) -> Path | None:
    base = scripts.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")  # where a statement holds statements


def _statements(body: list):
    """Every statement, nested ones included (an import inside a function, a branch or a `try`); expressions,
    which hold no import statement, are not walked: on a clean build that was most of the plan's time."""
    todo = list(reversed(body))
    while todo:
        node = todo.pop()
        yield node
        for name in STATEMENT_LISTS:
            todo.extend(reversed(getattr(node, name, None) or ()))


def _parse_imports(source: bytes, package: str) -> tuple[list[str], list[str]]:
    """(mosaic modules, other modules) a module's source imports; relative imports resolved against `package`."""
    mosaic, other = set(), set()
    for node in _statements(ast.parse(source).body):
        if isinstance(node, ast.Import):
            for a in node.names:
                (mosaic if a.name.split(".")[0] == "mosaic" else other).add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "mosaic":
                if module and module != "__future__":
                    other.add(module)
                continue
            mosaic.add(module)
            mosaic |= {f"{module}.{a.name}" for a in node.names}
    return sorted(mosaic), sorted(other)


class ImportMemo:
    """Each module's imports, keyed by its name and the digest of its source, kept in _build/cache/imports.json.

    Planning reads the imports of every chapter-facing module for every chapter; parsing
    them again on each build was most of a build with nothing to do.
    """

    def __init__(self):
        self.known: dict[str, list[list[str]]] = {}
        self.loaded_from: Path | None = None
        self.changed = False

    def load(self, cache: Path) -> None:
        path = cache / "imports.json"
        if self.loaded_from == path:
            return
        try:
            self.known = json.loads(path.read_text())
        except (OSError, ValueError):
            self.known = {}
        self.loaded_from, self.changed = path, False

    def save(self) -> None:
        if self.changed and self.loaded_from is not None:
            try:
                self.loaded_from.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.loaded_from.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(self.known))
                os.replace(tmp, self.loaded_from)
            except OSError:  # only a shortcut is lost
                pass
            self.changed = False

    def imports(self, path: Path, dotted: str) -> tuple[list[str], list[str]]:
        source = path.read_bytes()
        package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
        key = digest(package.encode() + b"\0" + source)
        if key not in self.known:
            self.known[key] = list(_parse_imports(source, package))
            self.changed = True
        mosaic, other = self.known[key]
        return mosaic, other


MEMO = ImportMemo()


def _imports(path: Path, dotted: str) -> set[str]:
    """Dotted names a module imports from the mosaic package (relative imports resolved)."""
    return set(MEMO.imports(path, dotted)[0])


def third_party(modules: dict[str, Path]) -> list[str]:
    """The modules outside the project that these modules (name -> file) import."""
    return sorted({m for name, path in modules.items() for m in MEMO.imports(path, name)[1]})


def code_closure(scripts: Path, roots) -> dict[str, Path]:
    """Every chapter-facing module reached from `roots`, with its file: the code a chapter's output depends on."""
    seen: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name.startswith(NOT_CHAPTER_CODE):
            continue
        if name.startswith("mosaic.catalogue") and name not in CATALOGUE_CODE:
            continue
        path = module_file(scripts, name)
        if path is None:
            continue  # a name imported from a module, not a module
        seen[name] = path
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # importing a.b.c runs a and a.b
        todo += sorted(_imports(path, name))
    return seen


def outputs_digest(folder: Path) -> str | None:
    """What an executed chapter published for others: its figures and outputs (None if never executed)."""
    files = [folder / "figures.json"] + sorted((folder / "outputs").glob("*.csv"))
    if not (folder / "state.json").exists():
        return None
    h = hashlib.sha256()
    for f in files:
        if f.exists():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def read_digest(folder: Path, read: list[str] | None) -> str | None:
    """What a reader read of one executed chapter's publications (None if that chapter never executed).

    `read` comes from the reader's reads.json: each output by name, 'figures' for the whole figures
    table, 'figures#<key>' for one figure alone. None (no record, or the analysis went through every
    table) counts everything the chapter published.
    """
    if read is None or not (folder / "state.json").exists():
        return outputs_digest(folder)
    h = hashlib.sha256()
    figures = None
    for name in sorted(read):
        h.update(name.encode() + b"\0")
        if name.startswith("figures#"):
            if figures is None:
                path = folder / "figures.json"
                figures = {f.get("key"): f for f in json.loads(path.read_text())} if path.exists() else {}
            h.update(json.dumps(figures.get(name.removeprefix("figures#")), sort_keys=True).encode())
        else:
            path = folder / ("figures.json" if name == "figures" else f"outputs/{name}.csv")
            h.update(path.read_bytes() if path.exists() else b"\0absent")
        h.update(b"\0")
    return h.hexdigest()


def reads_of(folder: Path) -> dict:
    """What an executed chapter's analysis read of the chapters it reads (its reads.json; {} when none)."""
    try:
        reads = json.loads((folder / "reads.json").read_text())
    except (OSError, ValueError):
        return {}
    return reads if isinstance(reads, dict) else {}


def upstream_digests(executed: Path, reads: dict, depends_on) -> dict[str, str | None]:
    """For each chapter read, a digest of what `reads` (a chapter's reads.json) says was read of it."""
    return {c: read_digest(executed / c, reads.get(c)) for c in depends_on}


def parts(root: Path, chapter: ChapterSource, params: dict, validated: Validated, executed: Path,
          cache: Path) -> dict:
    """The named inputs of one chapter, each reduced to a digest."""
    scripts = root / "scripts"
    code = code_closure(scripts, [*chapter.imports, f"mosaic.analyses.{chapter.name}", "mosaic.book.chapter"])
    cited = validated.cited_sources(chapter.datasets) | set(chapter.extra_sources)
    _, sources_digest = sources_table(validated, cited, cache)
    return {
        "notebook": digest(chapter.path.read_bytes()),
        "data": {f"data/{chapter_path}": validated.digests[name]
                 for name, chapter_path in zip(chapter.datasets, chapter.data_files)},
        "sources": sources_digest,
        "code": {p.relative_to(root).as_posix(): digest(p.read_bytes()) for p in sorted(code.values())},
        "upstream": upstream_digests(executed, reads_of(executed / chapter.name), chapter.depends_on),
        "parameters": digest(json.dumps(params, sort_keys=True, default=str).encode()),
        "requirements": digest((root / "requirements.txt").read_bytes()),
    }


def fingerprint(p: dict) -> str:
    return digest(json.dumps(p, sort_keys=True).encode())


@dataclass
class Step:
    chapter: ChapterSource
    params: dict
    parts: dict
    stale: bool
    reasons: list[str]
    waits_for: list[str] = field(default_factory=list)  # stale upstream chapters this one must wait for

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.parts)


def as_recorded(step: Step, executed: Path) -> Step:
    """The step with the parts its chapter's last run recorded, as the next plan will compare them (a run
    records what it read of the chapters it reads, which the plan before it could not know)."""
    try:
        recorded = json.loads((executed / step.chapter.name / "state.json").read_text())["parts"]
    except (OSError, ValueError, KeyError, TypeError):
        return step
    return replace(step, parts=recorded)


def reasons(old: dict | None, new: dict) -> list[str]:
    """What changed between two fingerprints' parts, in words."""
    if old is None:
        return ["never executed"]
    why = []
    if old.get("notebook") != new["notebook"]:
        why.append("its notebook changed")
    old_data = old.get("data", {})
    for path, d in new["data"].items():
        if old_data.get(path) != d:
            why.append(f"{path} changed")
    for path in old_data.keys() - new["data"].keys():
        why.append(f"no longer reads {path}")
    if old.get("sources") != new["sources"]:
        why.append("the sources it cites changed")
    old_code = old.get("code", {})
    changed = sorted(set(new["code"].items()) ^ set(old_code.items()))
    if changed:
        names = sorted({path for path, _ in changed})
        shown = ", ".join(n.removeprefix("scripts/mosaic/") for n in names[:3])
        why.append(f"code it imports changed ({shown}{', ...' if len(names) > 3 else ''})")
    old_up = old.get("upstream", {})
    for chapter, d in new["upstream"].items():
        if old_up.get(chapter) != d:
            why.append(f"chapter '{chapter}' published new figures")  # new, among those this chapter read
    for name, label in (("parameters", "parameters changed"), ("requirements", "requirements.txt changed")):
        if old.get(name) != new[name]:
            why.append(label)
    return why


def longest_chain(chapters: list[ChapterSource]) -> int:
    """The most chapters one change can make run one after another: the longest path of reading."""
    by_name, length = {c.name: c for c in chapters}, {}
    for c in order(chapters):
        length[c.name] = 1 + max((length[d] for d in c.depends_on if d in by_name), default=0)
    return max(length.values(), default=0)


def order(chapters: list[ChapterSource]) -> list[ChapterSource]:
    """Chapters with every chapter after those it reads (book order otherwise); a cycle is an error."""
    by_name = {c.name: c for c in chapters}
    for c in chapters:
        unknown = [d for d in c.depends_on if d not in by_name]
        if unknown:
            raise ValueError(f"{c.path.name}: front matter reads unknown chapter(s): {', '.join(unknown)}")
    done: list[ChapterSource] = []
    visiting: list[str] = []

    def visit(c: ChapterSource):
        if c in done:
            return
        if c.name in visiting:
            raise ValueError("chapters read each other in a cycle: " + " -> ".join(visiting + [c.name]))
        visiting.append(c.name)
        for d in c.depends_on:
            visit(by_name[d])
        visiting.pop()
        done.append(c)

    for c in chapters:
        visit(c)
    return done


def make_step(root: Path, chapter: ChapterSource, params: dict, validated: Validated, executed: Path,
              cache: Path, force: bool = False, stale_upstream=()) -> Step:
    p = parts(root, chapter, params, validated, executed, cache)
    state_file = executed / chapter.name / "state.json"
    old = json.loads(state_file.read_text())["parts"] if state_file.exists() else None
    why = ["--force"] if force else reasons(old, p)
    waits = [d for d in chapter.depends_on if d in stale_upstream]
    if waits:  # its inputs are about to change: decide once they have run
        why = [w for w in why if not w.startswith("chapter '")]
    return Step(chapter, params, p, bool(why), why, waits)


def make_plan(root: Path, chapters: list[ChapterSource], params: dict[str, dict], validated: Validated,
              executed: Path, cache: Path, force: bool = False) -> list[Step]:
    MEMO.load(cache)
    steps: list[Step] = []
    stale: set[str] = set()
    for ch in order(chapters):
        step = make_step(root, ch, params[ch.name], validated, executed, cache, force, stale)
        if step.stale or step.waits_for:
            stale.add(ch.name)
        steps.append(step)
    MEMO.save()
    return steps


def describe(steps: list[Step]) -> str:
    lines = []
    for s in steps:
        if s.stale:
            lines.append(f"  {s.chapter.name}: execute ({'; '.join(s.reasons)})")
        elif s.waits_for:
            lines.append(f"  {s.chapter.name}: after {', '.join(s.waits_for)}, if what they publish changes")
        else:
            lines.append(f"  {s.chapter.name}: up to date")
    return "\n".join(lines)
