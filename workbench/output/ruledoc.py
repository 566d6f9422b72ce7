"""Rule documentation as text: the catalogue table (`workbench rules`) and one rule's doc (`rules CODE`)."""

from __future__ import annotations

import sys
import textwrap

from workbench.analysis.findings import Rule


def catalogue_table(rules: dict[str, Rule]) -> str:
    width = max(len(r.title) for r in rules.values())
    lines = [f"{'code':<9} {'severity':<8} {'title':<{width}}", f"{'-' * 9} {'-' * 8} {'-' * width}"]
    lines += [f"{r.code:<9} {r.severity:<8} {r.title}" for r in rules.values()]
    lines.append("")
    lines.append("`workbench rules CODE` explains one rule: what it checks, why, an example, the fix, how to accept.")
    return "\n".join(lines)


HEURISTIC = ("A statement marked [H] is a heuristic: a judgement the workbench makes where the drawing says nothing "
             "(a default, a threshold, a reading of the picture), not a fact about your system. State the figure on "
             "the node (for example qps=\"2000\") or accept the finding with a reason when it does not hold.")


def rule_doc(rule: Rule, color: bool | None = None) -> str:
    """One rule's doc as text; code spans are plain, or coloured when `color` (default: stdout is a terminal)."""
    from workbench.analysis.acceptance import generic_accept_text
    from workbench.output.codespans import to_terminal

    if color is None:
        color = sys.stdout.isatty()

    def section(title: str, body: str, code: bool = False) -> list[str]:
        # Prose is plain text in a terminal (code spans without their backticks, as `check` prints messages);
        # an example or an indented block is code and stays as written.
        paragraphs = [textwrap.fill(to_terminal(p, color), 96, initial_indent="  ", subsequent_indent="  ")
                      if not code and not p.startswith(("    ", "  ")) and "\n" not in p else textwrap.indent(p, "  ")
                      for p in body.strip().split("\n\n")]
        return [title, *paragraphs, ""]

    lines = [f"{rule.code}  {rule.title}  (default severity: {rule.severity})", ""]
    lines += section("What it checks", rule.what)
    lines += section("Why it matters", rule.why)
    lines += section("Example", rule.example, code=True)
    lines += section("How to fix it", rule.fix)
    lines += section("How to accept it", rule.accept or generic_accept_text(rule.code))
    tags = "".join(filter(None, (rule.what, rule.why, rule.fix, rule.accept)))
    if "[H]" in tags:
        lines += section("[H]", HEURISTIC)
    if rule.refs:
        lines += section("References", "\n\n".join(rule.refs))  # one wrapped paragraph per reference
    return "\n".join(lines).rstrip() + "\n"
