"""The pre-commit hooks: the real `pre-commit try-repo` against this repository, in a temporary git repository.

pre-commit builds its own virtual environment for `language: python` hooks and pip-installs this repository
into it, so both hooks run in one call. No test may reach the network: pip gets no package index, only a
folder of wheels rebuilt from the files this interpreter has installed (the workbench's dependencies, found
through their metadata), and builds the workbench with the setuptools that virtualenv seeds (no build
isolation). It tries a clone of the repository's last commit: with uncommitted changes pre-commit would copy
only the tracked files, and a working tree in the middle of an edit (a new module not yet added) would not
install.
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


def wheelhouse(folder: Path) -> Path:
    """Wheels of every distribution the installed workbench needs (extras such as fonttools[woff] included),
    each zipped from its installed files with a fresh RECORD; the workbench itself is left out (pre-commit
    installs it from the clone)."""
    import base64
    import csv
    import hashlib
    import io
    import zipfile
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: dict[str, frozenset] = {}
    todo = [("workbench", frozenset())]
    while todo:
        name, extras = todo.pop()
        dist = metadata.distribution(name)
        key = canonicalize_name(dist.metadata["Name"])
        if key in seen and extras <= seen[key]:
            continue
        seen[key] = seen.get(key, frozenset()) | extras
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("", *extras)):
                todo.append((req.name, frozenset(req.extras)))
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(set(seen) - {"workbench"}):
        dist = metadata.distribution(name)
        tags = [line.split(":", 1)[1].strip().split("-") for line in dist.read_text("WHEEL").splitlines()
                if line.startswith("Tag:")]
        tag = "-".join(".".join(dict.fromkeys(t[i] for t in tags)) for i in range(3))  # py2.py3-none-any
        info = next(f.parts[0] for f in dist.files if f.parts[0].endswith(".dist-info"))
        wheel = folder / f"{dist.metadata['Name'].replace('-', '_')}-{dist.version}-{tag}.whl"
        rows = []
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
            for f in dist.files:
                if ".." in f.parts or "__pycache__" in f.parts or f.name in (
                        "RECORD", "INSTALLER", "REQUESTED", "direct_url.json"):
                    continue  # scripts (pip writes them again from entry_points.txt), caches, install records
                data = Path(f.locate()).read_bytes()
                z.writestr(f.as_posix(), data)
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                rows.append((f.as_posix(), f"sha256={digest}", str(len(data))))
            record = io.StringIO()
            csv.writer(record, lineterminator="\n").writerows([*rows, (f"{info}/RECORD", "", "")])
            z.writestr(f"{info}/RECORD", record.getvalue())
    return folder


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
           "PRE_COMMIT_COLOR": "never",
           # offline: no package index, only the wheels made here; "0" turns build isolation off (pip's
           # negated option); virtualenv must not look for newer seed packages either
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse(tmp_path / "wheels")),
           "PIP_NO_BUILD_ISOLATION": "0", "VIRTUALENV_NO_PERIODIC_UPDATE": "1"}
    for name in ("VIRTUAL_ENV", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        env.pop(name, None)
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
