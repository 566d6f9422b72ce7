"""The rule catalogue: every rule's documentation and check function, one module per rule family."""

from __future__ import annotations

from workbench.analysis.acceptance import RULES as _ACCEPTANCE_RULES
from workbench.analysis.findings import Rule
from workbench.analysis.rules import (
    attrs,
    cache,
    capacity,
    data,
    graphs,
    lb,
    queues,
    reliability,
    role,
    spof,
    topology,
    zone,
)
from workbench.analysis.rules.base import Check, Context

_FAMILIES = (role, graphs, spof, cache, lb, data, queues, topology, zone, capacity, attrs, reliability)

# Checks that analyse() runs, sorted by code. ACC001/ACC002 are documented here but applied by acceptance.py.
CHECKS: tuple[Check, ...] = tuple(sorted(
    [c for module in _FAMILIES for c in module.CHECKS]
    + [Check(rule, None) for rule in _ACCEPTANCE_RULES.values()],
    key=lambda c: c.rule.code,
))

CATALOGUE: dict[str, Rule] = {c.rule.code: c.rule for c in CHECKS}

__all__ = ["CATALOGUE", "CHECKS", "Check", "Context"]
