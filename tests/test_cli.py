"""The command line, driven through click's CliRunner in a temporary workspace (and once for real)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from clirun import run

from workbench.cli import main

SIMPLE = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS

    with Diagram("Simple", show=False):
        EC2("app") >> RDS("db")
"""

SUMMARY = re.compile(r"(\d+) rendered, (\d+) cached, (\d+) failed")


def summary(output: str) -> tuple[int, int, int]:
    found = SUMMARY.findall(output)
    assert len(found) == 1, output
    return tuple(int(x) for x in found[0])


def test_render_defaults_to_designs_folder(ws, write_design):
    write_design(ws, "one", SIMPLE)
    write_design(ws, "two", SIMPLE)
    first = run("render")
    assert first.exit_code == 0, first.output
    assert summary(first.output) == (2, 0, 0)
    for stem in ("one", "two"):
        assert (ws / "out" / stem / "simple.png").is_file()
        assert (ws / "out" / stem / "simple.svg").is_file()
    second = run("render")
    assert second.exit_code == 0, second.output
    assert summary(second.output) == (0, 2, 0)
    forced = run("render", "--force")
    assert summary(forced.output) == (2, 0, 0)


def test_render_exits_1_and_names_file_and_line_when_one_fails(ws, write_design):
    write_design(ws, "good", SIMPLE)
    write_design(ws, "bad", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("bad", show=False):
            EC2("a") >> missing_node
    """)
    result = run("render")
    assert result.exit_code == 1, result.output
    assert summary(result.output) == (1, 0, 1)
    assert "designs/bad.py:4" in result.output
    assert "NameError" in result.output
    assert "Traceback" not in result.output
    assert (ws / "out" / "good" / "simple.png").is_file()
    assert not (ws / "out" / "bad").exists()


@pytest.mark.parametrize("source, line", [
    ("x = (\n", 1),
    ("import sys\nsys.exit(3)\n", 2),
    ("from diagrams import Diagram\n\nfrom diagrams.azure.compute import AKSS\n", 3),
    ("from diagrams.aws.compute import EC2\nEC2('stray')\n", 2),
])
def test_each_error_kind_exits_non_zero_with_location(ws, write_design, source, line):
    write_design(ws, "broken", source)
    result = run("render", "designs/broken.py")
    assert result.exit_code == 1, result.output
    assert f"designs/broken.py:{line}" in result.output
    assert summary(result.output) == (0, 0, 1)


def test_empty_design_exits_non_zero(ws, write_design):
    write_design(ws, "empty", "import diagrams\n")
    result = run("render", "designs/empty.py")
    assert result.exit_code == 1
    assert "designs/empty.py" in result.output and "Diagram" in result.output


def test_hung_design_is_stopped_by_timeout_option(ws, write_design):
    write_design(ws, "hang", "import time\nwhile True: time.sleep(0.01)\n")
    result = run("render", "--timeout", "2", "designs/hang.py")
    assert result.exit_code == 1, result.output
    assert "designs/hang.py:2" in result.output
    assert summary(result.output) == (0, 0, 1)


def test_bad_format_is_a_usage_error(ws, write_design):
    write_design(ws, "one", SIMPLE)
    result = run("render", "--format", "bad")
    assert result.exit_code == 2
    assert "bad" in result.output
    assert not (ws / "out").exists()


def test_all_formats_from_the_cli(ws, write_design):
    write_design(ws, "one", SIMPLE)
    result = run("render", "designs/one.py", "-f", "png,svg,pdf,dot")
    assert result.exit_code == 0, result.output
    out = ws / "out" / "one"
    assert (out / "simple.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "simple.pdf").read_bytes()[:4] == b"%PDF"
    assert (out / "simple.svg").is_file()
    assert (out / "simple.dot").read_text().startswith("digraph")
    # Repeated -f options work too, and a new format set is a rebuild, not a cache hit.
    again = run("render", "designs/one.py", "-f", "png", "-f", "dot")
    assert summary(again.output) == (1, 0, 0)


def test_render_without_designs_folder_says_what_to_do(ws):
    result = run("render")
    assert result.exit_code != 0
    assert "init" in result.output


def test_init_creates_workspace_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init", "practice")
    assert result.exit_code == 0, result.output
    ws = tmp_path / "practice"
    assert (ws / "designs" / "example.py").is_file()
    assert (ws / "templates").is_dir()
    assert (ws / "out").is_dir()
    assert "out/" in (ws / ".gitignore").read_text().splitlines()
    # Edit what init wrote, run init again: nothing is overwritten.
    (ws / "designs" / "example.py").write_text("# mine\n")
    (ws / ".gitignore").write_text("*.pyc\nout/\n")
    config = ws / "workbench.toml"
    if config.exists():
        config.write_text("[workbench]\n")
    snapshot = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    second = run("init", "practice")
    assert second.exit_code == 0, second.output
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == snapshot


def test_init_adds_out_to_an_existing_gitignore(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("*.pyc\n")
    assert run("init").exit_code == 0
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[0] == "*.pyc" and "out/" in lines


def test_example_from_init_renders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init", "practice").exit_code == 0
    monkeypatch.chdir(tmp_path / "practice")
    result = run("render")
    assert result.exit_code == 0, result.output
    assert summary(result.output) == (1, 0, 0)
    out = tmp_path / "practice" / "out" / "example"
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted(["model.json", "web-service.png", "web-service.svg",
                              "web-service.findings.svg", "findings.json", "report.html", "report.md"])


def test_python_m_workbench_help():
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "workbench", "--help"], capture_output=True, text=True,
                          cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "render" in proc.stdout and "init" in proc.stdout


def test_real_process_exit_status_on_failure(tmp_path, write_design):
    write_design(tmp_path, "bad", "raise ValueError('x')\n")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "workbench", "render"], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "designs/bad.py:1" in proc.stderr + proc.stdout


@pytest.mark.parametrize("args, status", [
    (["--version"], 0), (["render", "designs/good.py"], 0), (["render"], 1), (["check", "--fail-on", "x"], 2),
    (["render", "missing.py"], 2)])
def test_real_process_keeps_the_status_and_every_line_through_the_quick_exit(tmp_path, write_design, args, status):
    # The console script skips Python's module teardown (workbench.cli.run): the status and the output,
    # piped here, must come through whole.
    write_design(tmp_path, "good", SIMPLE)
    write_design(tmp_path, "bad", "raise ValueError('x')\n")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == status, proc.stdout + proc.stderr
    if args[0] == "render" and status != 2:
        assert proc.stdout.rstrip().endswith("outputs in out/"), proc.stdout
    if status == 2:
        assert proc.stderr.startswith(("Usage:", "Error:")) and proc.stderr.endswith("\n"), proc.stderr


def _commands(group, prefix=()):
    import click

    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands(main)), ids=" ".join)
def test_every_command_help_teaches_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    description = result.output.split("Options:")[0]
    assert re.search(r"^\s+workbench \S", description, re.M), f"no example in `workbench {' '.join(command)} --help`"


def test_render_of_a_missing_file_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "nonexistent.py"])
    assert result.exit_code == 2
    assert "nonexistent.py: no such design file or folder" in result.output


def test_new_refuses_a_path_outside_the_workspace(tmp_path, monkeypatch):
    (tmp_path / "ws").mkdir()
    monkeypatch.chdir(tmp_path / "ws")
    result = CliRunner().invoke(main, ["new", "../escaped"])
    assert result.exit_code != 0
    assert "inside the workspace" in result.output
    assert not (tmp_path / "escaped.py").exists()
