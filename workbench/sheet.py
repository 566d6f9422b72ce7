"""The design sheet: what a design file says about the problem, next to the diagram that answers it.

A sheet is optional; a plain `diagrams` script stays a plain script. When you want the workbench to show your
requirements, estimates, APIs, data model and trade-offs next to the diagram (and to check them), build one
``Sheet`` anywhere in the design file::

    from diagrams import Diagram
    from diagrams.aws.compute import ECS
    from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

    Sheet(
        title="News feed",
        kind="drill",                       # drill | case-study | architecture
        prompt="Design the home timeline of a social network.",
        slo="99.95%",                       # availability target (the analysis reads it like wb_slo)
        latency_p99_ms=200,                 # p99 latency target of the slowest required path (LAT001)
        functional=["post an update", "read the home feed, newest first"],
        non_functional=["feed p99 < 200 ms", "99.95% available", "a post reaches feeds within 5 s"],
        assumptions=["users follow 200 accounts on average"],
        constraints=["posts are at most 1 KB of text"],
        capacity=Capacity(dau="100M", reads_per_user=10, writes_per_user=1, payload="1KB",
                          retention="5 years"),
        apis=[Api("POST", "/posts", request="{text}", response="201 {id}"),
              Api("GET", "/feed?cursor=", response="[post] (20 per page)")],
        data_model=[Entity("post", fields={"id": "snowflake id", "author_id": "user id", "text": "≤1 KB"},
                           keys=["id"], indexes=["author_id, created_at"], store="Cassandra",
                           why="write-heavy, partitioned by author")],
        components={"feed svc": "builds the timeline from the feed cache"},
        scaling=["fan-out on write, pull for celebrities"],
        trade_offs=["fan-out on write: fast reads, slow posts for accounts with many followers"],
        failure_modes=[FailureMode("feed cache node lost", "replicas per shard; rebuild from posts DB")],
        open_questions=["how long do we keep deleted posts?"],
    )

    with Diagram("News feed", show=False):
        ECS("feed svc")

The one bit of "magic": creating a ``Sheet(...)`` also appends it to this module's ``REGISTRY`` list, so you
do not have to pass it anywhere. After the design file ran, the workbench reads that list (only if the file
imported this module). A design has at most one sheet; a second ``Sheet(...)`` raises ``SheetError`` naming
both lines. ``python design.py`` works as before; ``print(sheet.capacity.estimate())`` shows the estimate.

Everything is a dataclass with keyword arguments, strings and lists. Wrong input raises ``SheetError`` (a
``ValueError``) whose message starts with the field, e.g. ``capacity.read_write: '10' is not a ratio like
10:1``. Where a list of strings is expected, a single string is accepted as a list of one. The objects are
frozen (lists become tuples) so that what was checked is what the workbench shows.

This module imports only the standard library (and ``workbench.design.capacity``, which does the same).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.design import capacity as _capacity

KINDS = ("drill", "case-study", "architecture")

#: Sheets created so far in this process (a design run is one process). Capture reads it; see ``collect``.
REGISTRY: list[Sheet] = []


class SheetError(ValueError):
    """A sheet value that cannot be used. ``field`` is its path (``capacity.dau``, ``apis[1].path``)."""

    def __init__(self, field_name: str, reason: str) -> None:
        self.field, self.reason = field_name, reason
        super().__init__(f"{field_name}: {reason}")


# -- small checks, each naming the field ---------------------------------------------------------
def _text(value: Any, where: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise SheetError(where, f"expected text, got {type(value).__name__} {value!r}")
    value = value.strip()
    if required and not value:
        raise SheetError(where, "must not be empty")
    return value


def _texts(value: Any, where: str) -> tuple[str, ...]:
    """A list of strings; a single string counts as a list of one; blank entries are dropped."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise SheetError(where, f"expected a list of strings, got {type(value).__name__} {value!r}")
    items = tuple(_text(v, f"{where}[{i}]") for i, v in enumerate(value))
    return tuple(v for v in items if v)


def _items(value: Any, where: str, types: tuple[type, ...], example: str) -> tuple:
    """A list of sheet objects; plain dicts (and pairs, for failure modes) become the first type."""
    if value is None:
        return ()
    if isinstance(value, (str, Mapping)) or not isinstance(value, (list, tuple)):
        value = [value]
    out = []
    for i, item in enumerate(value):
        here = f"{where}[{i}]"
        if isinstance(item, types):
            out.append(item)
            continue
        cls = types[0]
        if isinstance(item, Mapping) or (cls is FailureMode and isinstance(item, tuple)):
            if cls is Api and "topic" in item:
                cls = Event
            try:
                out.append(cls(**item) if isinstance(item, Mapping) else cls(*item))
            except TypeError as exc:
                raise SheetError(here, _call_problem(exc)) from None
            except SheetError as exc:  # "api.path" -> "apis[1].path"
                raise SheetError(here + exc.field[exc.field.index("."):] if "." in exc.field else here,
                                 exc.reason) from None
            continue
        raise SheetError(here, f"expected {example}, got {type(item).__name__} {item!r}")
    return tuple(out)


def _call_problem(exc: TypeError) -> str:
    """"Api.__init__() missing 1 required positional argument: 'path'" -> "missing 1 required ... 'path'"."""
    return re.sub(r"^[\w.]*__init__\(\) ", "", str(exc))


def _slo(value: Any) -> float | None:
    """An availability target as a percentage: "99.95%", 99.95 and 0.9995 all give 99.95."""
    if value is None:
        return None
    text = value.strip().rstrip("%").strip() if isinstance(value, str) else value
    try:
        if isinstance(text, bool):
            raise ValueError
        percent = float(text)
    except (TypeError, ValueError):
        raise SheetError("slo", f"{value!r} is not an availability target like '99.95%'") from None
    if 0 < percent <= 1 and not (isinstance(value, str) and value.strip().endswith("%")):
        percent *= 100
    if not 0 < percent <= 100:
        raise SheetError("slo", f"{value!r} is not between 0% and 100%")
    return percent


def _latency(value: Any) -> float | None:
    """A p99 latency target in milliseconds: 200, "200" and "200ms" all give 200.0."""
    if value is None:
        return None
    text = value.strip().lower().removesuffix("ms").strip() if isinstance(value, str) else value
    try:
        if isinstance(text, bool):
            raise ValueError
        ms = float(text)
    except (TypeError, ValueError):
        raise SheetError("latency_p99_ms", f"{value!r} is not a latency in milliseconds like 200") from None
    if not ms > 0:
        raise SheetError("latency_p99_ms", f"{value!r} is not a positive number of milliseconds")
    return ms


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)  # frozen dataclasses normalise their own fields once


def _location() -> tuple[str, int]:
    """Absolute file and line of the code that called into this module (the design, usually)."""
    here = os.path.abspath(__file__)
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.startswith("<") and os.path.abspath(name) != here:
            return os.path.abspath(name), frame.f_lineno
        frame = frame.f_back
    return "<unknown>", 0


def _shown(path: str, relative_to: str | None = None) -> str:
    base = os.path.abspath(relative_to or os.getcwd())
    if path.startswith(base + os.sep):
        return os.path.relpath(path, base).replace(os.sep, "/")
    return path


# -- capacity ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """One action type users perform, for ``Capacity(actions={...})``.

    ``Action(per_user_per_day=10, kind="read", payload="1KB")``: each user does it 10 times a day and each
    time 1 KB is returned (``kind="write"``: sent, and by default stored; ``stored=`` overrides what is kept,
    e.g. a thumbnail plus the original).
    """

    per_user_per_day: float | str
    kind: str  # "read" or "write"
    payload: str | int | None = None
    stored: str | int | None = None

    def to_inputs(self) -> dict[str, Any]:
        return {"per_user_per_day": self.per_user_per_day, "kind": self.kind, "payload": self.payload,
                "stored": self.stored}


@dataclass(frozen=True)
class Capacity:
    """Back-of-envelope inputs; the figures (QPS, storage, bandwidth, cache) are computed when it is created.

    Simple form: ``Capacity(dau="100M", reads_per_user=10, writes_per_user=1, payload="1KB",
    retention="5 years")``. ``read_write="10:1"`` may replace one of the two per-user counts (and is checked
    against them when both are given).

    Per action type: ``Capacity(dau="100M", actions={"post": Action(1, "write", "1KB"),
    "read feed": Action(10, "read", "20KB")})``; plain dicts with the same keys work too.

    Defaults: ``peak_factor`` 2 (peak ≈ 2 × average), ``replication`` 3, ``cache_share`` 20% (the 80/20 rule).
    Units as people write them: ``100M``, ``1.5KB``, ``5 years``, ``10:1``, ``80%`` (see ``workbench.design.capacity``).
    Errors name the field: ``capacity.payload: unknown unit 'KG' in '1KG' (...)``.
    """

    dau: int | float | str
    actions: Mapping[str, Action | Mapping[str, Any]] | None = None
    reads_per_user: float | str | None = None
    writes_per_user: float | str | None = None
    read_write: str | None = None
    payload: int | str | None = None
    retention: str | None = None
    peak_factor: float | str | None = None
    replication: float | str | None = None
    cache_share: float | str | None = None
    _estimate: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.actions, Mapping):
            _set(self, "actions", dict(self.actions))
        try:
            _set(self, "_estimate", _capacity.estimate(self.to_inputs()))
        except _capacity.CapacityError as exc:
            raise SheetError(f"capacity.{exc.field}", exc.reason) from None

    def to_inputs(self) -> dict[str, Any]:
        """The inputs as written, as plain data (the mapping ``workbench.design.capacity.estimate`` takes)."""
        raw: dict[str, Any] = {
            "dau": self.dau, "reads_per_user": self.reads_per_user, "writes_per_user": self.writes_per_user,
            "read_write": self.read_write, "payload": self.payload, "retention": self.retention,
            "peak_factor": self.peak_factor, "replication": self.replication, "cache_share": self.cache_share,
        }
        if isinstance(self.actions, Mapping):
            raw["actions"] = {name: spec.to_inputs() if isinstance(spec, Action) else spec
                              for name, spec in self.actions.items()}
        elif self.actions is not None:
            raw["actions"] = self.actions  # not a dict: estimate() says so, naming the field
        return {k: v for k, v in raw.items() if v is not None}

    def estimate(self) -> _capacity.Estimate:
        """Every figure with its formula; ``print(capacity.estimate())`` shows them as a table."""
        return self._estimate

    def design_inputs(self) -> dict[str, Any]:
        """Peak QPS and read ratio for the analysis (``workbench.design.capacity.design_inputs``)."""
        return _capacity.design_inputs(self._estimate)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(self._estimate.to_dict())


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# -- interfaces ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Api:
    """One request/response endpoint: ``Api("GET", "/feed", request="cursor", response="[post]")``.

    ``method`` is an HTTP verb (or RPC, WS, ...); ``path`` the route or RPC name. ``request``/``response``
    describe the payloads in a few words; ``notes`` say anything else (auth, rate limits, idempotency).
    """

    method: str
    path: str
    request: str = ""
    response: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        _set(self, "method", _text(self.method, "api.method", required=True).upper())
        _set(self, "path", _text(self.path, "api.path", required=True))
        for name in ("request", "response", "notes"):
            _set(self, name, _text(getattr(self, name), f"api.{name}"))

    def to_dict(self) -> dict[str, Any]:
        return {"type": "api", "method": self.method, "path": self.path, "request": self.request,
                "response": self.response, "notes": self.notes}


@dataclass(frozen=True)
class Event:
    """One asynchronous message: ``Event("post.created", message="{post_id, author_id}", notes="...")``.

    ``topic`` is the topic, queue or stream; ``message`` what is published; ``notes`` who consumes it, ordering,
    delivery guarantees.
    """

    topic: str
    message: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        _set(self, "topic", _text(self.topic, "event.topic", required=True))
        _set(self, "message", _text(self.message, "event.message"))
        _set(self, "notes", _text(self.notes, "event.notes"))

    def to_dict(self) -> dict[str, Any]:
        return {"type": "event", "topic": self.topic, "message": self.message, "notes": self.notes}


# -- data model ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entity:
    """One stored entity and where it lives.

    ``Entity("post", fields={"id": "snowflake id", "text": "≤1 KB"}, keys=["id"], indexes=["author_id"],
    store="Cassandra", why="write-heavy; partitioned by author")``. ``fields`` is a dict of name → type (or a
    list of names); ``keys`` the primary/partition keys; ``indexes`` the secondary indexes; ``store`` the chosen
    database and ``why`` the reason for it.
    """

    name: str
    fields: Mapping[str, str] | list[str] | tuple[str, ...] = ()
    keys: list[str] | tuple[str, ...] | str = ()
    indexes: list[str] | tuple[str, ...] | str = ()
    store: str = ""
    why: str = ""

    def __post_init__(self) -> None:
        _set(self, "name", _text(self.name, "entity.name", required=True))
        if isinstance(self.fields, Mapping):
            _set(self, "fields", {_text(k, "entity.fields", required=True): _text(v, f"entity.fields[{k!r}]")
                                  for k, v in self.fields.items()})
        else:
            _set(self, "fields", _texts(self.fields, "entity.fields"))
        _set(self, "keys", _texts(self.keys, "entity.keys"))
        _set(self, "indexes", _texts(self.indexes, "entity.indexes"))
        _set(self, "store", _text(self.store, "entity.store"))
        _set(self, "why", _text(self.why, "entity.why"))

    def to_dict(self) -> dict[str, Any]:
        fields = (self.fields.items() if isinstance(self.fields, Mapping) else ((f, "") for f in self.fields))
        return {"name": self.name, "fields": [{"name": n, "type": t} for n, t in fields], "keys": list(self.keys),
                "indexes": list(self.indexes), "store": self.store, "why": self.why}


# -- reliability ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FailureMode:
    """What can fail and what the design does about it: ``FailureMode("primary DB lost", "Multi-AZ failover")``.

    ``component`` (optional) names the diagram node it is about. In ``Sheet(failure_modes=[...])`` a pair
    ``("primary DB lost", "Multi-AZ failover")`` works too.
    """

    failure: str
    mitigation: str = ""
    component: str = ""

    def __post_init__(self) -> None:
        _set(self, "failure", _text(self.failure, "failure_mode.failure", required=True))
        _set(self, "mitigation", _text(self.mitigation, "failure_mode.mitigation"))
        _set(self, "component", _text(self.component, "failure_mode.component"))

    def to_dict(self) -> dict[str, Any]:
        return {"failure": self.failure, "mitigation": self.mitigation, "component": self.component}


# -- the sheet -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sheet:
    """The design sheet of one design file; creating it registers it (see the module docstring).

    Only ``title`` is required. Sections follow the steps of a design answer: the problem (``prompt``) and its
    availability target (``slo``, e.g. ``"99.95%"``, used by the analysis like the diagram's ``wb_slo``) and
    p99 latency target (``latency_p99_ms``, milliseconds, for LAT001),
    requirements (``functional``, ``non_functional``), ``assumptions`` and ``constraints``, the ``capacity``
    estimate, interfaces (``apis``: ``Api`` and ``Event``), the ``data_model`` (``Entity``), what each drawn
    component is for (``components``: node label → responsibility), ``scaling`` notes, ``trade_offs``,
    ``failure_modes`` (``FailureMode``) and ``open_questions``.
    """

    title: str
    kind: str = "drill"
    prompt: str = ""
    slo: str | float | None = None  # availability target, e.g. "99.95%"
    latency_p99_ms: str | float | None = None  # p99 latency target in ms, e.g. 200
    functional: list[str] | tuple[str, ...] = ()
    non_functional: list[str] | tuple[str, ...] = ()
    assumptions: list[str] | tuple[str, ...] = ()
    constraints: list[str] | tuple[str, ...] = ()
    capacity: Capacity | Mapping[str, Any] | None = None
    apis: list[Api | Event] | tuple[Api | Event, ...] = ()
    data_model: list[Entity] | tuple[Entity, ...] = ()
    components: Mapping[str, str] = field(default_factory=dict)
    scaling: list[str] | tuple[str, ...] = ()
    trade_offs: list[str] | tuple[str, ...] = ()
    failure_modes: list[FailureMode] | tuple[FailureMode, ...] = ()
    open_questions: list[str] | tuple[str, ...] = ()
    file: str = field(default="", init=False, compare=False)  # absolute path of the file that created it
    line: int = field(default=0, init=False, compare=False)

    def __post_init__(self) -> None:
        _set(self, "title", _text(self.title, "title", required=True))
        kind = _text(self.kind, "kind").lower().replace("_", "-").replace(" ", "-")
        if kind not in KINDS:
            raise SheetError("kind", f"{self.kind!r} is not one of {', '.join(KINDS)}")
        _set(self, "kind", kind)
        _set(self, "prompt", _text(self.prompt, "prompt"))
        _set(self, "slo", _slo(self.slo))
        _set(self, "latency_p99_ms", _latency(self.latency_p99_ms))
        for name in ("functional", "non_functional", "assumptions", "constraints", "scaling", "trade_offs",
                     "open_questions"):
            _set(self, name, _texts(getattr(self, name), name))
        if isinstance(self.capacity, Mapping):
            try:
                _set(self, "capacity", Capacity(**self.capacity))
            except TypeError as exc:
                raise SheetError("capacity", _call_problem(exc)) from None
        elif self.capacity is not None and not isinstance(self.capacity, Capacity):
            raise SheetError("capacity", f"expected Capacity(...), got {type(self.capacity).__name__}")
        _set(self, "apis", _items(self.apis, "apis", (Api, Event), "Api(...) or Event(...)"))
        _set(self, "data_model", _items(self.data_model, "data_model", (Entity,), "Entity(...)"))
        _set(self, "failure_modes", _items(self.failure_modes, "failure_modes", (FailureMode,),
                                           "FailureMode(failure, mitigation)"))
        if not isinstance(self.components, Mapping):
            raise SheetError("components", "expected a dict of node label → what it does, "
                                           f"got {type(self.components).__name__}")
        _set(self, "components", {_text(k, "components", required=True): _text(v, f"components[{k!r}]")
                                  for k, v in self.components.items()})
        file, line = _location()
        _set(self, "file", file)
        _set(self, "line", line)
        if REGISTRY:
            first = REGISTRY[0]
            raise SheetError("Sheet", f"a design has at most one sheet: a second one is created at "
                                      f"{_shown(file)}:{line}, the first at {_shown(first.file)}:{first.line}")
        REGISTRY.append(self)

    def design_inputs(self) -> dict[str, Any]:
        """Design-level analysis inputs: ``qps`` (peak total) and ``read_ratio`` from the capacity estimate,
        ``slo`` from the availability target; only those the sheet has. Diagram and node values win over them."""
        inputs = self.capacity.design_inputs() if self.capacity is not None else {}
        if self.slo is not None:
            inputs["slo"] = f"{self.slo:g}"
        if self.latency_p99_ms is not None:
            inputs["latency_p99_ms"] = f"{self.latency_p99_ms:g}"
        return inputs

    def to_dict(self, relative_to: str | None = None) -> dict[str, Any]:
        """JSON-ready data: every section, the computed capacity (figures with formulas, notes and the
        analysis inputs), ``design_inputs`` for the analysis, and where the sheet was created (``file``
        relative to ``relative_to``, by default the current directory, and ``line``)."""
        return {
            "title": self.title, "kind": self.kind, "prompt": self.prompt, "slo": self.slo,
            "latency_p99_ms": self.latency_p99_ms,
            "functional": list(self.functional), "non_functional": list(self.non_functional),
            "assumptions": list(self.assumptions), "constraints": list(self.constraints),
            "capacity": self.capacity.to_dict() if self.capacity is not None else None,
            "apis": [a.to_dict() for a in self.apis],
            "data_model": [e.to_dict() for e in self.data_model],
            "components": dict(self.components),
            "scaling": list(self.scaling), "trade_offs": list(self.trade_offs),
            "failure_modes": [f.to_dict() for f in self.failure_modes],
            "open_questions": list(self.open_questions),
            "design_inputs": _jsonable(self.design_inputs()),
            "file": _shown(self.file, relative_to), "line": self.line,
        }


# -- the registry --------------------------------------------------------------------------------
def current() -> Sheet | None:
    """The sheet this process created, if any."""
    return REGISTRY[0] if REGISTRY else None


def collect(relative_to: str | None = None) -> dict[str, Any] | None:
    """What capture stores as ``result["sheet"]``: the registered sheet's ``to_dict`` or None."""
    sheet = current()
    return sheet.to_dict(relative_to) if sheet is not None else None


def clear() -> None:
    """Forget registered sheets (for tests and tools that run several designs in one process)."""
    REGISTRY.clear()
