"""Settings in pyproject.toml's [tool.workbench]; `python -m workbench`; click's shell completion; a cheap import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run

from workbench.config import load_config
from workbench.errors import WorkbenchError

REPO = Path(__file__).resolve().parent.parent
SIMPLE = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2

    with Diagram("Simple", show=False):
        EC2("app")
"""


def test_tool_workbench_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.workbench]\ndesigns = "arch"\nout = "build/diagrams"\n'
        'formats = ["svg"]\ntimeout = 5\njobs = 3\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert (cfg.designs, cfg.out, cfg.formats, cfg.timeout, cfg.jobs) == (
        tmp_path / "arch", tmp_path / "build" / "diagrams", ("svg",), 5.0, 3)
    assert cfg.source == tmp_path / "pyproject.toml"


def test_workbench_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.workbench]\nout = "from-pyproject"\n', encoding="utf-8")
    (tmp_path / "workbench.toml").write_text('[workbench]\nout = "from-workbench-toml"\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert cfg.out == tmp_path / "from-workbench-toml" and cfg.source == tmp_path / "workbench.toml"


def test_a_pyproject_without_the_table_is_not_a_workspace(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.workbench]\nout = "o"\n', encoding="utf-8")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "workbench-plugin"\n', encoding="utf-8")
    cfg = load_config(inner)  # the nearest folder with settings is the outer one
    assert cfg.root == tmp_path and cfg.out == tmp_path / "o"


@pytest.mark.parametrize("text, said", [
    ('[tool.workbench]\ntimeout = -1\n', "timeout must be a positive number"),
    ('[tool.workbench]\ncolour = "red"\n', "unknown setting 'colour'"),
    ("[tool]\nworkbench = 5\n", "must be a table"),
    ("[tool.workbench\n", "fix the TOML syntax"),
])
def test_a_bad_pyproject_setting_names_the_table(tmp_path, text, said):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    with pytest.raises(WorkbenchError) as caught:
        load_config(tmp_path)
    assert said in caught.value.message
    assert str(tmp_path / "pyproject.toml") in caught.value.message


def test_render_writes_where_pyproject_says(ws, write_design):
    (ws / "pyproject.toml").write_text('[tool.workbench]\nout = "docs/diagrams"\nformats = ["svg"]\n',
                                       encoding="utf-8")
    write_design(ws, "simple", SIMPLE)
    result = run("render")
    assert result.exit_code == 0, result.output
    assert (ws / "docs" / "diagrams" / "simple" / "simple.svg").is_file()
    assert not (ws / "docs" / "diagrams" / "simple" / "simple.png").exists()


def test_help_says_which_file_wins():
    text = run("--help").output
    assert "pyproject.toml" in text and "workbench.toml wins" in text


def test_python_dash_m_workbench_runs_the_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "workbench", "--version"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "workbench, version 0.1.0"
    done = subprocess.run([sys.executable, "-m", "workbench", "rules", "SPOF001"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0 and "What it checks" in done.stdout


def completion(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "workbench")], capture_output=True, text=True,
                          env={**os.environ, **env})


def test_bash_completion_script_and_answers():
    script = completion({"_WORKBENCH_COMPLETE": "bash_source"})
    assert script.returncode == 0
    assert "complete -o nosort -F _workbench_completion workbench" in script.stdout
    # what bash asks when the user typed `workbench ex<TAB>` and `workbench export x --format <TAB>`
    words = completion({"_WORKBENCH_COMPLETE": "bash_complete", "COMP_WORDS": "workbench ex", "COMP_CWORD": "1"})
    assert words.stdout.split() == ["plain,export"]
    formats = completion({"_WORKBENCH_COMPLETE": "bash_complete", "COMP_WORDS": "workbench export x --format ",
                          "COMP_CWORD": "4"})
    assert {"plain,mermaid", "plain,drawio"} <= set(formats.stdout.split())


def test_importing_workbench_stays_cheap_and_load_is_there_on_use():
    code = ("import sys, workbench; assert 'workbench.integrations.notebook' not in sys.modules; "
            "assert 'workbench.build' not in sys.modules; "
            "load = workbench.load; assert load.__module__ == 'workbench.integrations.notebook'; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    with pytest.raises(AttributeError):
        import workbench

        workbench.no_such_thing  # noqa: B018


def test_the_watcher_reloads_when_tool_workbench_changes_and_only_then(tmp_path):
    """`workbench watch` in a workspace configured by pyproject.toml: editing [tool.workbench] reloads the
    settings and rebuilds; editing the rest of pyproject.toml (a version bump) rebuilds nothing."""
    import textwrap
    import time

    from workbench.live.watch import Watcher

    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "simple.py").write_text(textwrap.dedent(SIMPLE), encoding="utf-8")
    project = '[project]\nname = "x"\nversion = "{v}"\n\n[tool.workbench]\nformats = {formats}\n'
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(project.format(v="1", formats='["svg"]'), encoding="utf-8")
    cfg = load_config(tmp_path)
    assert cfg.source == pyproject
    built, said = [], []
    watcher = Watcher(cfg, on_rebuild=built.append, on_message=said.append)

    def wait_for(predicate, what: str) -> None:
        deadline = time.monotonic() + 60
        while not predicate():
            assert time.monotonic() < deadline, f"no {what}: {said}"
            time.sleep(0.05)

    def settle() -> None:
        time.sleep(0.8)  # late events from the observer
        assert watcher.wait_idle(60)

    watcher.start()
    try:
        wait_for(lambda: len(built) == 1, "first build")
        settle()
        pyproject.write_text(project.format(v="2", formats='["svg"]'), encoding="utf-8")
        settle()
        assert len(built) == 1 and not any("reloaded" in m for m in said)  # not a setting: nothing to do
        pyproject.write_text(project.format(v="2", formats='["svg", "dot"]'), encoding="utf-8")
        wait_for(lambda: len(built) == 2, "rebuild after [tool.workbench] changed")
        settle()
        assert any("reloaded pyproject.toml [tool.workbench]" in m for m in said), said
        assert watcher.cfg.formats == ("svg", "dot") and (cfg.out / "simple" / "simple.dot").is_file()
        # Once a workbench.toml exists it wins: pyproject.toml's table no longer matters.
        (tmp_path / "workbench.toml").write_text('[workbench]\nformats = ["svg"]\n', encoding="utf-8")
        wait_for(lambda: watcher.cfg.formats == ("svg",), "reload from workbench.toml")
        settle()
        count = len(built)
        pyproject.write_text(project.format(v="3", formats='["png"]'), encoding="utf-8")
        settle()
        assert len(built) == count and watcher.cfg.formats == ("svg",)
    finally:
        watcher.stop()
