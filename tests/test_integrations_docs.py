"""The README shows every integration in a few lines, and its quick start still holds exactly two commands."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_quick_start_is_two_commands():
    block = re.search(r"```sh\n(.*?)```", section("Quick start"), re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["bash scripts/run", "bash scripts/test"]


def test_integrations_section_names_each_integration():
    text = section("Integrations")
    for needle in ("pre-commit", "workbench-check", "GitHub Actions", "sarif", "MkDocs", "```workbench",
                   "workbench.load(", ".check()", ".what_if(", "--format mermaid", "--format drawio",
                   "workbench mcp", "_WORKBENCH_COMPLETE=bash_source workbench", "python -m workbench"):
        assert needle in text, needle
    assert "[tool.workbench]" in section("Configuration") and "`workbench.toml` wins" in section("Configuration")


def test_the_docs_it_links_exist():
    for link in re.findall(r"\]\((docs/[^)#]+)\)", section("Integrations")):
        assert (REPO / link).is_file(), link
