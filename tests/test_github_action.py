"""The composite GitHub Action (action.yml): its `run:` steps executed with bash, in order, as the runner would.

The runner's expression syntax is resolved for the few expressions the action uses (`inputs.*`,
`github.action_path`); `uses:` steps (actions/setup-python) are the runner's business and are left out. The
install step runs unchanged against a copy of this checkout, in a fresh virtual environment that sees the
test environment's packages, so pip installs only the workbench itself (`PIP_NO_DEPS`). It stays offline:
no package index (`PIP_NO_INDEX`), and the setuptools that builds the workbench comes from the wheels that
virtualenv ships (`PIP_FIND_LINKS`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def resolve(text: str, inputs: dict[str, str], action_path: Path) -> str:
    def value(match: re.Match) -> str:
        expr = match.group(1)
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr == "github.action_path":
            return str(action_path)
        raise AssertionError(f"the test does not know the expression {expr!r}; teach it")
    return EXPRESSION.sub(value, str(text))


def condition(expr: str | None, inputs: dict[str, str]) -> bool:
    if expr is None:
        return True
    m = re.fullmatch(r"inputs\.([\w-]+) != ''", expr.strip())
    assert m, f"the test does not know the condition {expr!r}"
    return inputs[m.group(1)] != ""


@pytest.fixture(scope="module")
def runner_env(tmp_path_factory):
    """PATH with a fresh venv first (the runner's `python`), and a copy of the checkout as the action."""
    tmp = tmp_path_factory.mktemp("action")
    action = tmp / "action"
    action.mkdir()
    for name in ("pyproject.toml", "README.md", "action.yml"):
        shutil.copy(REPO / name, action)
    shutil.copytree(REPO / "workbench", action / "workbench", ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    # The test environment's packages (diagrams, graphviz, click, ...) without its editable workbench: a .pth
    # line adds the folder, and .pth files inside it are not processed.
    (site / "test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    import virtualenv

    seeds = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    assert list(seeds.glob("setuptools-*.whl")), seeds
    env = {k: v for k, v in env.items() if k not in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")}
    env |= {"PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", "PIP_NO_DEPS": "1", "NO_COLOR": "1",
            "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(seeds)}
    return {"action": action, "env": env, "tmp": tmp}


def run_action(runner_env, workspace: Path, **given: str) -> tuple[int, dict[str, str], str]:
    """Run the steps; (status of the last step run, the step outputs, the log)."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | given
    assert ACTION["runs"]["using"] == "composite"
    outputs_file = runner_env["tmp"] / f"output-{len(list(runner_env['tmp'].glob('output-*')))}"
    summary = outputs_file.with_suffix(".summary")
    log, status, outputs = [], 0, {}
    for step in ACTION["runs"]["steps"]:
        if "uses" in step or not condition(step.get("if"), inputs):
            continue
        assert step["shell"] == "bash"
        env = dict(runner_env["env"]) | {"GITHUB_OUTPUT": str(outputs_file), "GITHUB_STEP_SUMMARY": str(summary)}
        env |= {k: resolve(v, inputs, runner_env["action"]) for k, v in step.get("env", {}).items()}
        cwd = workspace / resolve(step.get("working-directory", "."), inputs, runner_env["action"])
        outputs_file.write_text("", encoding="utf-8")
        # bash -e -o pipefail: how the runner runs a `shell: bash` step
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd,
                              env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        log.append(f"## {step['name']}\n{done.stdout}{done.stderr}")
        status = done.returncode
        if step.get("id"):
            outputs |= dict(line.split("=", 1) for line in outputs_file.read_text(encoding="utf-8").splitlines())
        if status != 0:
            break
    return status, outputs, "\n".join(log)


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "designs").mkdir()
    for name in ("pair_cache_before.py", "pair_cache_after.py"):
        shutil.copy(REPO / "designs" / name, tmp_path / "designs")
    return tmp_path


def test_the_action_installs_checks_and_writes_sarif(runner_env, workspace):
    status, outputs, log = run_action(runner_env, workspace, format="junit", output="junit.xml")
    assert status == 1, log  # pair_cache_before has an active error
    assert "workbench, version 0.1.0" in log  # the install step installed the checkout
    assert outputs == {"sarif": "workbench.sarif", "exit-code": "1"}
    sarif = json.loads((workspace / "workbench.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    cache = next(r for r in results if r["ruleId"] == "CACHE002")
    assert cache["level"] == "error"
    uri = cache["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "designs/pair_cache_before.py"  # relative to the repository, as code scanning wants
    junit = ET.parse(workspace / "junit.xml").getroot()
    assert junit.tag in ("testsuites", "testsuite") and "CACHE002" in ET.tostring(junit, encoding="unicode")


def test_fail_on_never_passes_and_text_goes_to_the_log(runner_env, workspace):
    status, outputs, log = run_action(runner_env, workspace, **{"fail-on": "never", "sarif": "",
                                                                 "paths": "designs/pair_cache_before.py"})
    assert status == 0, log
    assert outputs == {"exit-code": "0"}
    assert "designs/pair_cache_before.py:75: CACHE002 error" in log
    assert not (workspace / "workbench.sarif").exists()


def test_a_clean_design_passes_in_a_working_directory(runner_env, tmp_path):
    project = tmp_path / "repo" / "architecture"
    (project / "designs").mkdir(parents=True)
    shutil.copy(REPO / "designs" / "pair_cache_after.py", project / "designs")
    status, outputs, log = run_action(runner_env, tmp_path / "repo", **{"working-directory": "architecture",
                                                                         "format": "sarif"})
    assert status == 0, log
    assert outputs == {"sarif": "workbench.sarif", "exit-code": "0"}
    results = json.loads((project / "workbench.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [r for r in results if r["level"] == "error"] == []
