"""What-if: which entry-to-capability paths break when some components (or a whole zone) go down.

Pure functions of the analysis graph; `commands.whatif` loads the designs and formats the outcome of
`workbench check DESIGN --fail NODE[,NODE...]`, `--fail-zone ZONE` or `--fail-region REGION`. It reads the same analysis graph as the
rules (`graph.build_graph`): replica groups, the hard quotient graph (soft dependencies such as cache-aside
caches and `optional="true"` components left out) and, per entry, its terminals (the capabilities) and the
witness paths to them. Semantics:

- a failed drawn node loses all its instances; a replica group stays up while at least k of its r instances
  remain (k = 1, or the quorum), so failing one of two app servers breaks nothing;
- a failed zone takes down every node declared in it, except managed multi-zone services (Multi-AZ RDS, S3,
  ...), which fail over to another zone; a failed region takes down everything in it;
- a pair (entry, terminal) breaks when its entry or terminal group is down or every path between them in the
  hard quotient graph passes through a group that is down. The report shows the witness path the analysis
  used before the failure;
- with a declared load, the load is propagated again over what is left (a router sends each request to one
  of its routes that are left) and compared with the capacity of the remaining instances: a group above 100 %
  is overloaded, and a pair that still works through it is "strained", not an all-clear;
- the availability of each user-facing entry is estimated before and with the failure.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from workbench.analysis.availability import estimate, user_entries
from workbench.analysis.elements import SOURCE_ROLES, AnalysisGraph
from workbench.analysis.loads import (
    called_from_outside,
    capacity,
    dimension_load,
    peak_loads,
    propagate,
)


@dataclass
class Pair:
    entry: str  # group names
    terminal: str
    path: list[str]  # witness path before the failure, group names from entry to terminal
    reason: str = ""
    now: list[str] = field(default_factory=list)  # rerouted pairs: the path that still works

    def to_dict(self) -> dict:
        data = {"entry": self.entry, "terminal": self.terminal, "path": self.path}
        if self.reason:
            data["reason"] = self.reason
        if self.now:
            data["now"] = self.now
        return data


@dataclass
class LoadNote:
    """The peak load on a group that is left, against what its remaining instances serve."""

    group: str  # display name
    dimension: str  # requests, reads, writes, ops, queries
    load: float  # per second
    instances: int  # serving instances left
    limit: float  # what they serve per second
    before: float | None  # utilisation before the failure (None: the group carried nothing then)
    basis: str  # the per-instance figure and where it comes from

    @property
    def utilisation(self) -> float:
        return self.load / self.limit if self.limit > 0 else float("inf")

    @property
    def overloaded(self) -> bool:
        return self.utilisation > 1.0

    def text(self) -> str:
        s = "" if self.instances == 1 else "s"
        was = f" (was {self.before:.0%})" if self.before is not None else ""
        return (f"`{self.group}` carries {self.load:,.0f} {self.dimension}/s on {self.instances} instance{s}: "
                f"{self.utilisation:.0%} of {self.limit:,.0f}{was}")

    def to_dict(self) -> dict:
        return {"group": self.group, "dimension": self.dimension, "load": round(self.load, 3),
                "instances": self.instances, "capacity": round(self.limit, 3),
                "utilisation": round(self.utilisation, 4),
                "before": None if self.before is None else round(self.before, 4), "basis": self.basis}


@dataclass
class DiagramOutcome:
    name: str
    failed: list[str]  # labels of the failed drawn nodes
    down: list[str]  # groups that are down
    degraded: list[str]  # groups that lost instances but stay up (with a note)
    absorbed: list[str]  # soft groups that are down without breaking anything
    broken: list[Pair]
    rerouted: list[Pair]
    intact: int  # pairs that still work (rerouted ones included)
    loads: list[LoadNote] = field(default_factory=list)  # groups whose load or capacity changed
    strained: list[Pair] = field(default_factory=list)  # working pairs whose path runs through an overload
    availability: dict = field(default_factory=dict)  # {"before": {entry: %}, "after": {entry: %}}

    @property
    def overloaded(self) -> list[LoadNote]:
        return [n for n in self.loads if n.overloaded]

    def to_dict(self) -> dict:
        return {"name": self.name, "failed": self.failed, "down": self.down, "degraded": self.degraded,
                "absorbed": self.absorbed, "broken": [p.to_dict() for p in self.broken],
                "rerouted": [p.to_dict() for p in self.rerouted], "intact": self.intact,
                "loads": [n.to_dict() for n in self.loads],
                "overloaded": [n.group for n in self.overloaded],
                "strained": [p.to_dict() for p in self.strained], "availability": self.availability}


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower()))


# -- choosing what fails -------------------------------------------------------------------------------------------


def failed_nodes(g: AnalysisGraph, labels: Iterable[str]) -> tuple[set[str], set[str]]:
    """Node ids drawn with one of `labels` (display label or node id; exact, else ignoring case and punctuation),
    and the labels that matched."""
    ids: set[str] = set()
    matched: set[str] = set()
    for label in labels:
        exact = {nid for nid, info in g.nodes.items() if label in (info.label, nid)}
        loose = exact or {nid for nid, info in g.nodes.items() if _norm(label) and _norm(label) in (
            _norm(info.label), _norm(nid))}
        if loose:
            ids |= loose
            matched.add(label)
    return ids, matched


def zone_nodes(g: AnalysisGraph, zone: str) -> set[str]:
    """Nodes lost with a zone (managed multi-zone services survive it) or with a region (everything in it)."""
    wanted = _norm(zone)
    in_zone = {nid for nid, info in g.nodes.items() if info.location.zone and _norm(info.location.zone) == wanted}
    if in_zone:
        return {nid for nid in in_zone if g.nodes[nid].ha.status != "managed" or g.nodes[nid].ha.zone_confined}
    return {nid for nid, info in g.nodes.items() if info.location.region and _norm(info.location.region) == wanted}


def locations(g: AnalysisGraph) -> set[str]:
    return {x for info in g.nodes.values() for x in (info.location.zone, info.location.region) if x}


# -- the analysis ------------------------------------------------------------------------------------------------


def outcome(g: AnalysisGraph, failed: set[str]) -> DiagramOutcome:
    """What breaks in `g` when the drawn nodes `failed` are down (a pure function of the graph)."""
    down: set[str] = set()
    degraded: list[str] = []
    for gid, grp in g.groups.items():
        lost = [m for m in grp.members if m in failed]
        if not lost:
            continue
        left = sum(g.nodes[m].replicas for m in grp.members if m not in failed)
        if left < grp.k:
            down.add(gid)
            continue
        note = f"{grp.name}: {left} of {grp.r} instances left"
        writer_lost = any("writer" in g.nodes[m].marks for m in lost) or (
            not any("writer" in g.nodes[m].marks for m in grp.members) and grp.members[0] in lost)
        if grp.effective_stateful and not grp.managed and not grp.auto_failover and writer_lost:
            note += " (writes wait for a manual failover)"
        degraded.append(note)
    absorbed = [f"{g.groups[x].name} ({g.groups[x].soft_reason})" for x in g.groups if x in down and g.groups[x].soft]

    notes = load_notes(g, failed, down)
    overloaded = {gid: n for gid, n in notes.items() if n.overloaded}
    broken: list[Pair] = []
    rerouted: list[Pair] = []
    strained: list[Pair] = []
    intact = 0
    for entry in g.entries:
        reach = g.reaches[entry.group]
        alive = _reachable(g, entry.group, down) if entry.group not in down else {}
        for t in reach.terminals:
            before = reach.path(t)
            pair = Pair(g.groups[entry.group].name, g.groups[t].name, [g.groups[x].name for x in before])
            if entry.group in down:
                pair.reason = f"the entry `{pair.entry}` is down"
            elif t in down:
                pair.reason = f"`{pair.terminal}` is down"
            elif t not in alive:
                cut = [g.groups[x].name for x in before if x in down]
                pair.reason = "every path passes a failed component" + (
                    f" (this one through {', '.join(f'`{c}`' for c in cut)})" if cut else "")
            if pair.reason:
                broken.append(pair)
                continue
            intact += 1
            now = _path(alive, t)
            if any(x in down for x in before):
                pair.now = [g.groups[x].name for x in now]
                rerouted.append(pair)
            hot = [x for x in now if x in overloaded]
            if hot:
                strained.append(Pair(pair.entry, pair.terminal, pair.path, reason="the path runs through "
                                     + ", ".join(f"`{overloaded[x].group}` at {overloaded[x].utilisation:.0%}"
                                                 for x in hot), now=pair.now))
    failed_labels = list(dict.fromkeys(g.nodes[n].label for n in g.nodes if n in failed))
    notes = sorted(notes.values(), key=lambda n: (-n.utilisation, n.group))
    return DiagramOutcome(g.diagram.name, failed_labels,
                          [g.groups[x].name for x in g.groups if x in down and not g.groups[x].soft],
                          degraded, absorbed, broken, rerouted, intact, notes, strained,
                          _availability(g, failed, down))


def load_notes(g: AnalysisGraph, failed: set[str], down: set[str]) -> dict[str, LoadNote]:
    """Group → its load after the failure against its remaining instances, for every group with a capacity
    whose instances or load changed (issue 13 item 9: "20 of 40 left" is checked against the load)."""
    after = propagate(_caches_gone(g, down), frozenset(down))
    if not after:
        return {}
    before = peak_loads(g)
    called = called_from_outside(g)
    out: dict[str, LoadNote] = {}
    for gid, load in after.items():
        grp = g.groups[gid]
        if gid in down or grp.role in SOURCE_ROLES:
            continue
        lost = [m for m in grp.members if m in failed]
        old = before.get(gid)
        # A store behind a failed cache-aside cache takes the same requests but more of them reach it as reads.
        grew = old is None or load.total > old.total * 1.01 + 1e-9 or load.known_reads > old.known_reads * 1.01 + 1e-9
        if not lost and not grew:
            continue
        left = grp
        if lost:
            members = tuple(m for m in grp.members if m not in failed)
            left = replace(grp, members=members, r=sum(g.nodes[m].replicas for m in members))
        cap, cap_before = capacity(g, left, called), capacity(g, grp, called)
        if cap is None:
            continue
        worst: LoadNote | None = None
        for dim, dim_before in zip(cap.dims, cap_before.dims if cap_before else [None] * len(cap.dims)):
            value = dimension_load(load, dim.name)
            if value is None or dim.limit <= 0:
                continue
            was = None
            if old is not None and dim_before is not None and dim_before.limit > 0:
                was = (dimension_load(old, dim.name) or 0.0) / dim_before.limit
            note = LoadNote(grp.name, dim.name, value, dim.instances, dim.limit, was, cap.basis)
            if worst is None or note.utilisation > worst.utilisation:
                worst = note
        if worst is not None:
            out[gid] = worst
    return out


def _caches_gone(g: AnalysisGraph, down: set[str]) -> AnalysisGraph:
    """`g` with the cache-aside caches in `down` no longer cache-aside: `loads.propagate` reduces the reads at a
    store by the hit ratio of the cache-aside caches its callers use, whether or not they are up, so a failed
    cache's hits would vanish instead of falling through to the store (pair_cache_before.py)."""
    gone = [x for x in down if g.groups[x].soft_reason == "cache-aside"]
    if not gone:
        return g
    groups = dict(g.groups)
    for x in gone:
        groups[x] = replace(groups[x], soft_reason="down")
    return replace(g, groups=MappingProxyType(groups))


def _availability(g: AnalysisGraph, failed: set[str], down: set[str]) -> dict:
    """The estimate of each user-facing entry before and with the failure (issue 16 item 4), in percent."""
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    gone = frozenset(failed)
    for e in user_entries(g):
        name = g.groups[e.group].name
        before[name] = round(estimate(g, e, fixes=False).percent, 6)
        after[name] = 0.0 if e.group in down else round(estimate(g, e, fixes=False, failed=gone).percent, 6)
    return {"before": before, "after": after}


def _reachable(g: AnalysisGraph, root: str, down: set[str]) -> dict[str, str | None]:
    """BFS parents over the hard quotient graph without the groups that are down."""
    parent: dict[str, str | None] = {root: None}
    queue = deque([root])
    while queue:
        v = queue.popleft()
        for w in g.hard_succ.get(v, ()):
            if w not in parent and w not in down:
                parent[w] = v
                queue.append(w)
    return parent


def _path(parent: Mapping[str, str | None], target: str) -> list[str]:
    out: list[str] = []
    node: str | None = target
    while node is not None:
        out.append(node)
        node = parent.get(node)
    return out[::-1]


# -- one diagram, one scenario ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """What fails: drawn components (labels or ids), zones and regions, as the user named them."""

    nodes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.nodes or self.zones or self.regions)

    def text(self) -> str:
        """"db fails", "a, b fail and zone us-east-1a fails"."""
        parts = []
        if self.nodes:
            parts.append(f"{', '.join(self.nodes)} fail{'s' * (len(self.nodes) == 1)}")
        parts += [f"zone {z} fails" for z in self.zones]
        parts += [f"region {r} fails" for r in self.regions]
        return " and ".join(parts)


def region_nodes(g: AnalysisGraph, region: str) -> set[str]:
    """Every node declared in `region` (nothing survives the loss of a whole region)."""
    wanted = _norm(region)
    return {nid for nid, info in g.nodes.items() if info.location.region and _norm(info.location.region) == wanted}


def regions(g: AnalysisGraph) -> set[str]:
    return {info.location.region for info in g.nodes.values() if info.location.region}


def scenario_failed(g: AnalysisGraph, scenario: Scenario) -> tuple[set[str], set[str], bool]:
    """(drawn node ids that fail, the labels that matched, whether a named zone or region is in `g`)."""
    failed, matched = failed_nodes(g, scenario.nodes)
    here = locations(g)
    known = {_norm(x) for x in here}
    touched = False
    for zone in scenario.zones:
        failed |= zone_nodes(g, zone)
        touched |= _norm(zone) in known
    region_known = {_norm(x) for x in regions(g)}
    for region in scenario.regions:
        failed |= region_nodes(g, region)
        touched |= _norm(region) in region_known
    return failed, matched, touched


def expand(values: Iterable[str], known: set[str]) -> list[str]:
    """`--fail a,b` is two labels, unless the whole value is itself a label ("store (Cassandra, RF=3)")."""
    names = {_norm(k) for k in known} | set(known)
    out: list[str] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if value in names or _norm(value) in names or "," not in value:
            out.append(value)
        else:
            out += [part.strip() for part in value.split(",") if part.strip()]
    return list(dict.fromkeys(out))


def design_outcomes(graphs: Iterable[AnalysisGraph], scenario: Scenario) -> list[DiagramOutcome]:
    """The outcome of every diagram that the scenario touches (pure: the caller checks the names, see `unknown`)."""
    out = []
    for g in graphs:
        failed, _, touched = scenario_failed(g, scenario)
        if failed or touched:
            out.append(outcome(g, failed))
    return out


def unknown(graphs: Iterable[AnalysisGraph], scenario: Scenario) -> str | None:
    """Why the scenario names something that none of `graphs` draws (a message naming what there is), else None."""
    graphs = list(graphs)
    labels: set[str] = set()
    matched: set[str] = set()
    zones: set[str] = set()
    region_names: set[str] = set()
    for g in graphs:
        labels |= {info.label for info in g.nodes.values()}
        matched |= failed_nodes(g, scenario.nodes)[1]
        zones |= locations(g)
        region_names |= regions(g)
    missing = [label for label in scenario.nodes if label not in matched]
    if missing:
        names = sorted(labels)
        shown = ", ".join(f"`{x}`" for x in names[:12]) + (", ..." if len(names) > 12 else "")
        return f"no component labelled {', '.join(repr(m) for m in missing)}; components: {shown}"
    for zone in scenario.zones:
        if _norm(zone) not in {_norm(x) for x in zones}:
            return (f"no component is in zone or region {zone!r}; "
                    + (f"declared: {', '.join(sorted(zones))}" if zones
                       else "no zone is declared (zone=, or Cluster('AZ a'))"))
    for region in scenario.regions:
        if _norm(region) not in {_norm(x) for x in region_names}:
            return (f"no component is in region {region!r}; "
                    + (f"declared: {', '.join(sorted(region_names))}" if region_names
                       else "no region is declared (region=, or Cluster('us-east-1'))"))
    return None
