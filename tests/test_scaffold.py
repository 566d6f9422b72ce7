"""`workbench new`: design files from templates that load and render, never overwrite, and honour overrides."""

from __future__ import annotations

import json

import pytest
from clirun import run

from workbench.practice.prompts import CONSTRAINTS, PROMPTS, constraint, prompt
from workbench.practice.scaffold import (
    TEMPLATES,
    context,
    new_design,
    python_literal,
    render_design,
)

STEPS = ("# 1. Requirements", "# 2. Capacity estimation", "# 3. High-level design", "# 4. Database design",
         "# 5. Interfaces", "# 6. Scalability", "# 7. Reliability")


def test_every_template_renders_with_workbench_render(ws):
    for name, kind in (("d", "drill"), ("c", "case-study"), ("a", "architecture")):
        result = run("new", name, "--template", kind, "--prompt", "chat-service", "--constraint", "multi-region")
        assert result.exit_code == 0, result.output
        assert f"created designs/{name}.py" in result.output
    rendered = run("render")
    assert rendered.exit_code == 0, rendered.output
    assert "3 rendered, 0 cached, 0 failed" in rendered.output
    for name, kind in (("d", "drill"), ("c", "case-study"), ("a", "architecture")):
        source = (ws / "designs" / f"{name}.py").read_text()
        assert all(step in source for step in STEPS), name
        model = json.loads((ws / "out" / name / "model.json").read_text())
        sheet = model["sheet"]
        assert sheet["kind"] == kind
        assert sheet["prompt"] == prompt("chat-service").text
        assert sheet["constraints"] == [constraint("multi-region").text]
        assert sheet["slo"] == 99.99  # the multi-region variant's target
        assert sheet["capacity"] is not None
        assert len(model["diagrams"]) == 1 and len(model["diagrams"][0]["nodes"]) >= 4


def test_new_refuses_to_overwrite(ws):
    target = ws / "designs" / "mine.py"
    target.parent.mkdir()
    target.write_text("# my work\n")
    result = run("new", "mine")
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert target.read_text() == "# my work\n"


def test_new_without_prompt_leaves_todo_comments_and_no_capacity(ws, cfg):
    path = new_design(cfg, "dropbox", "case-study")
    source = path.read_text()
    assert "prompt=\"\",  # TODO" in source
    assert "# TODO: capacity=Capacity(" in source
    assert "title='Dropbox'" in source


def test_constraint_scales_the_given_numbers(cfg):
    base = prompt("url-shortener")
    assert base.capacity(constraint("read-heavy"))["reads_per_user"] == base.numbers["reads_per_user"] * 10
    assert base.capacity(constraint("write-heavy"))["writes_per_user"] == 1  # 0.1 x 10, written as an int
    source = render_design(cfg, "drill", context("x", "drill", base, constraint("read-heavy"), None, None))
    assert "reads_per_user=100," in source


def test_unknown_prompt_or_constraint_lists_the_keys(ws):
    result = run("new", "x", "--prompt", "twitter")
    assert result.exit_code == 2
    assert "url-shortener" in result.output
    assert not (ws / "designs" / "x.py").exists()
    result = run("new", "x", "--constraint", "cheap")
    assert result.exit_code == 2 and "cost-constrained" in result.output


def test_helper_like_names_are_refused(ws):
    result = run("new", "_helper")
    assert result.exit_code == 2
    assert "helpers" in result.output


def test_workspace_template_overrides_the_packaged_one(ws, cfg):
    (ws / "templates").mkdir()
    (ws / "templates" / "new_drill.py.j2").write_text(
        "# my own skeleton for {{ title | line }}\n"
        "from diagrams import Diagram\nfrom diagrams.aws.compute import EC2\n\n"
        "with Diagram({{ title | py }}, show=False):\n    EC2(\"app\")\n")
    path = new_design(cfg, "own", "drill", "news-feed")
    assert path.read_text().startswith("# my own skeleton for News feed\n")


def test_an_override_that_makes_invalid_python_is_reported_and_nothing_is_written(ws, cfg):
    (ws / "templates").mkdir()
    (ws / "templates" / "new_drill.py.j2").write_text("def broken(:\n")
    with pytest.raises(Exception) as info:
        new_design(cfg, "bad", "drill")
    assert "invalid Python" in str(info.value.format_message())
    assert not (ws / "designs" / "bad.py").exists()


@pytest.mark.parametrize("value", ["it's \"quoted\"", "back\\slash", "two\nlines", "{{ jinja }}", "é ü 中"])
def test_python_literal_round_trips_awkward_text(value):
    assert eval(python_literal(value)) == value  # noqa: S307 - our own literal
    assert eval(python_literal([value, {"k": value}, 1.5, None])) == [value, {"k": value}, 1.5, None]  # noqa: S307


def test_awkward_prompt_text_still_makes_valid_python(cfg):
    ctx = context("x", "drill", None, None, 'Title with "quotes" and \\ and\nnewline', None)
    ctx["prompt"] = "'''\"\"\" end"
    for kind in TEMPLATES:
        compile(render_design(cfg, kind, ctx), "x.py", "exec")


def test_every_catalogue_pair_gives_a_valid_capacity():
    from workbench.sheet import Capacity

    for p in PROMPTS:
        for c in CONSTRAINTS:
            Capacity(**p.capacity(c))  # raises SheetError on a bad unit or number
