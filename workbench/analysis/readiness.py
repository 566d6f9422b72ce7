"""Readiness checklist: is this design answer complete enough to present?

It follows the interview checklist: goals and constraints stated; a high-level diagram whose components have
responsibilities; data flow, storage and failure modes covered; scaling strategies and trade-offs discussed; no
active error findings. Each item passes or is missing, always with a reason; the score is the share of items
that pass (0-100, all items weigh the same).

It reads the captured model (``DesignModel``, whose ``sheet`` is the design sheet as a dict or None) and the
findings as plain data (dicts with ``severity`` and ``accepted``, optionally ``code``; objects with those
attributes work too), so it does not depend on the analysis code.

Heuristics, documented here because a reader cannot guess them:

* a component *has a responsibility* when the sheet's ``components`` names it (by label or id), or it is a C4
  node with a description, or its label says more than its class name (``ECS("feed svc")`` does, ``ECS()`` and
  ``ECS("ECS")`` do not); the item passes when at least ``MOST`` (75%) of the components have one, users and
  the internet (client roles) not counted;
* *storage* is covered by a data model in the sheet or by a database, object-storage or file-storage node in the
  diagram (the workbench's role inference, so ``role="database"`` counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MOST = 0.75
STORE_ROLES = frozenset({"database", "object_storage", "file_storage"})
ACTOR_ROLES = frozenset({"client", "internet"})


@dataclass
class Item:
    """One checklist line: ``passed`` or missing, and why."""

    key: str  # stable: goals, diagram, data_flow, storage, failure_modes, scaling, trade_offs, no_errors
    title: str
    passed: bool
    reason: str

    @property
    def status(self) -> str:
        return "pass" if self.passed else "missing"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "status": self.status, "reason": self.reason}


@dataclass
class Readiness:
    items: list[Item] = field(default_factory=list)

    @property
    def score(self) -> int:
        """Share of items that pass, 0-100 (rounded)."""
        return round(100 * sum(i.passed for i in self.items) / len(self.items)) if self.items else 0

    @property
    def missing(self) -> list[Item]:
        return [i for i in self.items if not i.passed]

    def __getitem__(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "items": [i.to_dict() for i in self.items]}


def _count(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _norm(text: str) -> str:
    text = re.sub(r"<[^>]*>", " ", text or "")  # C4 labels are Graphviz HTML
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _ask(sheet: dict, what: str, example: str) -> str:
    return f"the sheet has no {what} (add {example})" if sheet else f"no design sheet (add {example})"


def _get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def checklist(model: Any, findings: Iterable[Any] = ()) -> Readiness:
    """The readiness checklist of one design: ``model`` a ``DesignModel``, ``findings`` plain dicts."""
    sheet = model.sheet or {}
    nodes = [n for d in model.diagrams for n in d.nodes]
    edges = [e for d in model.diagrams for e in d.edges]
    items: list[Item] = []

    def add(key: str, title: str, passed: bool, reason: str) -> None:
        items.append(Item(key, title, passed, reason))

    # 1. goals and constraints
    functional, nfr = sheet.get("functional") or [], sheet.get("non_functional") or []
    constraints = sheet.get("constraints") or []
    if functional and (nfr or constraints):
        parts = [_count(len(functional), "functional requirement")] + \
            [_count(len(x), w) for x, w in ((nfr, "non-functional requirement"), (constraints, "constraint")) if x]
        add("goals", "Goals and constraints stated", True, ", ".join(parts))
    else:
        gaps = [g for g, have in (("functional requirements", functional),
                                  ("non-functional requirements or constraints", nfr or constraints)) if not have]
        add("goals", "Goals and constraints stated", False,
            ("no design sheet: " if not sheet else "") + "no " + " and no ".join(gaps)
            + " (Sheet(functional=[...], non_functional=[...], constraints=[...]))")

    # 2. high-level diagram whose components have responsibilities (users and the internet are actors, not
    # components: `Users("users")` needs no description)
    roles = _roles(nodes)
    components = [n for n in nodes if roles[id(n)] not in ACTOR_ROLES]
    described = {_norm(k) for k in (sheet.get("components") or {})}
    vague = []
    for n in components:
        c4 = n.c4 or {}
        label = c4.get("name") or n.label
        if c4.get("description") or {_norm(n.label), _norm(n.id), _norm(label)} & described:
            continue
        if not _norm(label) or _norm(label) == _norm(n.cls):
            vague.append(n)
    if len(components) < 2:
        add("diagram", "High-level diagram with component responsibilities", False,
            f"the diagram has {_count(len(components), 'component')}; draw the main components and how they "
            "connect")
    else:
        share = 1 - len(vague) / len(components)
        names = ", ".join(f"{n.cls}({n.label!r})" if n.label else f"{n.cls}()" for n in vague[:5])
        if share >= MOST:
            add("diagram", "High-level diagram with component responsibilities", True,
                f"{len(components) - len(vague)} of {_count(len(components), 'component')} say what they do"
                + (f" (not: {names})" if vague else ""))
        else:
            add("diagram", "High-level diagram with component responsibilities", False,
                f"only {len(components) - len(vague)} of {_count(len(components), 'component')} say what they do; "
                f"label these or describe them in Sheet(components={{label: responsibility}}): {names}")

    # 3. data flow: drawn interactions and the interfaces or data they carry
    apis, entities = sheet.get("apis") or [], sheet.get("data_model") or []
    if edges and (apis or entities):
        add("data_flow", "Data flow covered", True,
            f"{_count(len(edges), 'edge')}, {_count(len(apis), 'API/event')} and {_count(len(entities), 'entity')}")
    else:
        gaps = [] if edges else ["no edges in the diagram (connect components with >> or <<)"]
        if not (apis or entities):
            gaps.append(_ask(sheet, "APIs/events or data model", "Sheet(apis=[Api(...)], data_model=[Entity(...)])"))
        add("data_flow", "Data flow covered", False, "; ".join(gaps))

    # 4. storage
    stores = [n for n in nodes if roles[id(n)] in STORE_ROLES]
    if entities or stores:
        parts = ([_count(len(entities), "entity") + " in the data model"] if entities else []) + \
            ([f"{_count(len(stores), 'store')} in the diagram ({', '.join(s.label or s.cls for s in stores[:3])})"]
             if stores else [])
        add("storage", "Storage covered", True, " and ".join(parts))
    else:
        add("storage", "Storage covered", False,
            "no data model in the sheet and no database or storage node in the diagram "
            "(Sheet(data_model=[Entity(...)]))")

    # 5. failure modes with mitigations
    modes = sheet.get("failure_modes") or []
    bare = [m for m in modes if not (m.get("mitigation") or "").strip()]
    if modes and not bare:
        add("failure_modes", "Failure modes covered", True,
            f"{_count(len(modes), 'failure mode')}, each with a mitigation")
    elif modes:
        add("failure_modes", "Failure modes covered", False,
            f"{_count(len(bare), 'failure mode')} without a mitigation: {bare[0].get('failure')!r}")
    else:
        add("failure_modes", "Failure modes covered", False,
            _ask(sheet, "failure modes", "Sheet(failure_modes=[FailureMode(failure, mitigation)])"))

    # 6-7. scaling and trade-offs
    for key, title, what, example in (
            ("scaling", "Scaling strategies discussed", "scaling notes", "Sheet(scaling=[...])"),
            ("trade_offs", "Trade-offs discussed", "trade-offs", "Sheet(trade_offs=[...])")):
        notes = sheet.get(key) or []
        if notes:
            add(key, title, True, _count(len(notes), "scaling note" if key == "scaling" else "trade-off"))
        else:
            add(key, title, False, _ask(sheet, what, example))

    # 8. no active error findings
    errors = [f for f in findings if _get(f, "severity") == "error" and not _get(f, "accepted", False)]
    if errors:
        codes = sorted({str(_get(f, "code", "?")) for f in errors})
        add("no_errors", "No active error findings", False,
            f"{_count(len(errors), 'error finding')} not accepted ({', '.join(codes)}): fix them or accept "
            "them with a reason")
    else:
        add("no_errors", "No active error findings", True, "no error findings (accepted ones excepted)")
    return Readiness(items)


def _roles(nodes: list[Any]) -> dict[int, str]:
    from workbench.analysis.roles import resolve_role

    return {id(n): resolve_role(n).role for n in nodes}
