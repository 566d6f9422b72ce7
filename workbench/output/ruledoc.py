"""Rule documentation as text: the catalogue table (`workbench rules`) and one rule's doc (`rules CODE`)."""

from __future__ import annotations

import textwrap

from workbench.analysis.findings import Rule


def catalogue_table(rules: dict[str, Rule]) -> str:
    width = max(len(r.title) for r in rules.values())
    lines = [f"{'code':<9} {'severity':<8} {'title':<{width}}", f"{'-' * 9} {'-' * 8} {'-' * width}"]
    lines += [f"{r.code:<9} {r.severity:<8} {r.title}" for r in rules.values()]
    lines.append("")
    lines.append("`workbench rules CODE` explains one rule: what it checks, why, an example, the fix, how to accept.")
    return "\n".join(lines)


def rule_doc(rule: Rule) -> str:
    from workbench.analysis.acceptance import generic_accept_text

    def section(title: str, body: str) -> list[str]:
        paragraphs = [textwrap.fill(p, 96, initial_indent="  ", subsequent_indent="  ")
                      if not p.startswith(("    ", "  ")) and "\n" not in p else textwrap.indent(p, "  ")
                      for p in body.strip().split("\n\n")]
        return [title, *paragraphs, ""]

    lines = [f"{rule.code}  {rule.title}  (default severity: {rule.severity})", ""]
    lines += section("What it checks", rule.what)
    lines += section("Why it matters", rule.why)
    lines += section("Example", rule.example)
    lines += section("How to fix it", rule.fix)
    lines += section("How to accept it", rule.accept or generic_accept_text(rule.code))
    if rule.refs:
        lines += section("References", "\n".join(rule.refs))
    return "\n".join(lines).rstrip() + "\n"
