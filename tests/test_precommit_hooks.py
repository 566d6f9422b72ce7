"""The pre-commit hooks: the real `pre-commit try-repo` against this repository, in a temporary git repository.

pre-commit builds its own virtual environment for `language: python` hooks and pip-installs this repository
into it (from the package registry, once: a few seconds on a warm pip cache), so both hooks run in one call.
It tries a clone of the repository's last commit: with uncommitted changes pre-commit would copy only the
tracked files, and a working tree in the middle of an edit (a new module not yet added) would not install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


def test_the_hooks_are_declared_for_design_files():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"workbench-check", "workbench-render"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["entry"].startswith("workbench ")
        assert re.search(hook["files"], "designs/chat_service.py")
        assert re.search(hook["exclude"], "designs/_common.py") and not re.search(hook["exclude"], "designs/x.py")


def test_try_repo_runs_check_and_render_on_the_changed_designs(tmp_path):
    project = tmp_path / "project"
    (project / "designs").mkdir(parents=True)
    for name in ("pair_cache_before.py", "pair_cache_after.py"):
        shutil.copy(REPO / "designs" / name, project / "designs")
    (project / "designs" / "_helper.py").write_text("this is not python, and no hook may run it\n", encoding="utf-8")
    (project / ".gitignore").write_text("out/\n", encoding="utf-8")
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    git("commit", "-q", "-m", "designs", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1",
           "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    clone = tmp_path / "workbench"
    git("clone", "-q", str(REPO), str(clone), cwd=tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(clone), "--all-files", "--verbose"],
        cwd=project, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output  # the "before" design has an active error
    assert "workbench check (design analysis)" in output and "Failed" in output
    assert "designs/pair_cache_before.py:75: CACHE002 error" in output
    assert "_helper" not in output  # helper modules are not designs
    render_line = next(line for line in output.splitlines() if line.startswith("workbench render"))
    assert render_line.rstrip().endswith("Passed"), output
    for stem in ("pair_cache_before", "pair_cache_after"):
        assert (project / "out" / stem / "model.json").is_file()
