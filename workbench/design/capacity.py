"""Back-of-envelope capacity estimation: units the way people write them, and figures that show their maths.

Two halves, both plain functions of plain data (only the standard library, so design files stay fast):

**Units.** ``parse_*`` reads what people write and ``format_*`` prints it back the same way:

=============  =====================================================  ==============================
kind           accepted                                               printed
=============  =====================================================  ==============================
count          ``100M``, ``1.5B``, ``10K``, ``2T``, ``100 million``,   ``100M`` (``format_count``)
               ``100,000``, ``1_000``, plain numbers
bytes          ``1.5KB``, ``1 KB``, ``200 B``, ``3 GB``, ``1 PB``:     ``1.5 KB`` (``format_bytes``)
               decimal, 1 KB = 1,000 B; ``KiB``, ``MiB``, ``GiB``,
               ``TiB``, ``PiB`` are accepted and mean 1,024-based;
               a plain number means bytes; bits (``Mbps``) are not
               accepted
duration       ``30 days``, ``5 years``, ``1 year``, ``6 months``,     ``5 years`` (``format_duration``)
               ``2 weeks``, ``24 hours``, ``5y``, ``30d``; 1 year =
               365 days, 1 month = 30 days
rate (bytes)   ``2.3 TB/day``, ``500 GB/month``, ``10 MB/s``           ``2.3 TB/day`` (``format_rate``)
ratio          ``10:1``, ``4 : 1``, ``1:0`` (a colon is required)      ``10:1`` (``format_ratio``)
fraction       ``80%``, ``0.8``, ``"0.8"`` (0 to 1, or 0% to 100%)     ``80%`` (``format_percent``)
=============  =====================================================  ==============================

Unit letters are case-insensitive (``1kb`` is 1 KB). Every parser takes the name of the field it reads and
raises ``CapacityError`` (a ``ValueError``) whose message starts with that name, e.g.
``read_write: '10' is not a ratio like 10:1``.

**Estimate.** ``estimate(inputs)`` turns daily active users and per-user actions into QPS, storage, bandwidth and
cache figures. Each ``Figure`` carries its formula with the numbers filled in, so a reader can redo it::

    >>> e = estimate({"dau": "100M", "reads_per_user": 10, "writes_per_user": 1, "payload": "1KB",
    ...               "retention": "5 years"})
    >>> e["write_qps_avg"].formula
    '100M DAU × 1 write/user/day ÷ 86,400 s = 1,157 writes/s'

Inputs come in one of two forms (the keys of ``workbench.sheet.Capacity``):

* simple: ``reads_per_user`` and/or ``writes_per_user`` (per user per day) with one ``payload`` for both;
  ``read_write`` may stand in for one of the two counts (``writes_per_user=1, read_write="10:1"`` means 10 reads);
* per action type: ``actions={"post": {"per_user_per_day": 1, "kind": "write", "payload": "1KB"}, ...}``, each
  action with its own payload (``payload`` is then the default) and optionally ``stored`` (bytes kept per action,
  default: the payload for writes, nothing for reads).

Common keys: ``dau`` (required), ``retention`` (optional: without it there is no storage-over-retention
figure), ``peak_factor`` (default 2: peak ≈ 2 × average), ``replication`` (default 3 copies), ``cache_share``
(default 20%, the 80/20 rule: caching 20% of the daily read data serves about 80% of the reads). Without any
payload the byte figures (storage, bandwidth, cache) are left out and a note says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SECONDS_PER_DAY = 86_400
DAYS_PER_YEAR = 365
DAYS_PER_MONTH = 30

DEFAULT_PEAK_FACTOR = 2.0
DEFAULT_REPLICATION = 3.0
DEFAULT_CACHE_SHARE = 0.2

INPUT_KEYS = ("dau", "actions", "reads_per_user", "writes_per_user", "read_write", "payload", "retention",
              "peak_factor", "replication", "cache_share")
ACTION_KEYS = ("per_user_per_day", "kind", "payload", "stored")


class CapacityError(ValueError):
    """A capacity input that cannot be read; ``field`` names it, ``reason`` says what is wrong."""

    def __init__(self, field_name: str, reason: str) -> None:
        self.field, self.reason = field_name, reason
        super().__init__(f"{field_name}: {reason}")


# -- numbers -------------------------------------------------------------------------------------
# A number as people type it: optional sign, digits with optional thousands commas (groups of 3) or
# underscores, optional decimals and exponent. "1,5" (a decimal comma) is refused rather than read as 15.
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d[\d_]*)?(?:\.\d+)?(?:[eE][+-]?\d+)?"
_QUANTITY = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>[^\d\s].*?)?\s*$")


def _split(value: Any, field_name: str, example: str) -> tuple[float, str]:
    """(number, unit text) from `value`; a bare int/float has no unit."""
    if isinstance(value, bool) or value is None:
        raise CapacityError(field_name, f"{value!r} is not a value like {example}")
    if isinstance(value, (int, float)):
        number, unit = float(value), ""
    elif isinstance(value, str):
        m = _QUANTITY.match(value)
        if not m or not re.search(r"\d", m.group("num")):
            raise CapacityError(field_name, f"{value!r} is not a value like {example}")
        number = float(m.group("num").replace(",", "").replace("_", ""))
        unit = (m.group("unit") or "").strip()
    else:
        raise CapacityError(field_name, f"expected a number or a string like {example}, "
                                        f"got {type(value).__name__} {value!r}")
    if math.isnan(number) or math.isinf(number):
        raise CapacityError(field_name, f"{value!r} is not a finite number")
    if number < 0:
        raise CapacityError(field_name, f"{_show(value)} must not be negative")
    return number, unit


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _num(value: float) -> str:
    """A short, exact-enough decimal: 2 decimals (4 below 0.01), trailing zeros dropped, thousands commas."""
    if value == 0:
        return "0"
    decimals = 2
    if abs(value) < 0.01:
        decimals = 4
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- counts --------------------------------------------------------------------------------------
COUNT_SUFFIXES = {
    "": 1.0, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12,
}


def parse_count(value: Any, field_name: str = "count") -> float:
    """``"100M"`` → 100,000,000. Suffixes K, M, B (billion), T, or the words thousand/million/billion/trillion."""
    return _scaled(value, field_name, "100M", COUNT_SUFFIXES, "suffix", "use K, M, B or T, e.g. 100M")


def _scaled(value: Any, field_name: str, example: str, units: dict[str, float], kind: str, help: str,
            whole: Any = None) -> float:
    """A number times the factor of its unit (or suffix) in `units`; `whole` is the text an error quotes."""
    number, unit = _split(value, field_name, example)
    factor = units.get(unit.lower())
    if factor is None:
        raise CapacityError(field_name, f"unknown {kind} {unit!r} in {_show(value if whole is None else whole)} "
                                        f"({help})")
    return number * factor


def format_count(value: float) -> str:
    """100,000,000 → ``"100M"``; below a million, digits with commas (``"12,500"``)."""
    for suffix, factor in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if abs(value) >= factor:
            return _num(value / factor) + suffix
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return _num(value)


def format_qps(value: float) -> str:
    """Requests per second with thousands commas: whole numbers from 10 up (``"11,574"``), else 2 decimals."""
    return f"{value:,.0f}" if abs(value) >= 10 else _num(value)


# -- bytes ---------------------------------------------------------------------------------------
BYTE_UNITS = {
    "": 1.0, "b": 1.0, "byte": 1.0, "bytes": 1.0,
    "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
    "kib": 2.0**10, "mib": 2.0**20, "gib": 2.0**30, "tib": 2.0**40, "pib": 2.0**50,
}
_BYTE_PRINT = (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3))
_UNIT_HELP = "use B, KB, MB, GB, TB or PB (decimal) or KiB, MiB, GiB, TiB, PiB (binary)"


def parse_bytes(value: Any, field_name: str = "size") -> float:
    """``"1.5KB"`` → 1,500. Decimal units (1 KB = 1,000 B); KiB/MiB/... are 1,024-based; a plain number is bytes."""
    return _scaled(value, field_name, "1.5KB", BYTE_UNITS, "unit", _UNIT_HELP)


def format_bytes(value: float) -> str:
    """1,500 → ``"1.5 KB"``, 182,500,000,000,000 → ``"182.5 TB"`` (decimal units)."""
    for unit, factor in _BYTE_PRINT:
        if abs(value) >= factor:
            return f"{_num(value / factor)} {unit}"
    return f"{_num(value)} B"


# -- durations -----------------------------------------------------------------------------------
DURATION_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": SECONDS_PER_DAY, "day": SECONDS_PER_DAY, "days": SECONDS_PER_DAY,
    "w": 7 * SECONDS_PER_DAY, "wk": 7 * SECONDS_PER_DAY, "week": 7 * SECONDS_PER_DAY, "weeks": 7 * SECONDS_PER_DAY,
    "mo": DAYS_PER_MONTH * SECONDS_PER_DAY, "month": DAYS_PER_MONTH * SECONDS_PER_DAY,
    "months": DAYS_PER_MONTH * SECONDS_PER_DAY,
    "y": DAYS_PER_YEAR * SECONDS_PER_DAY, "yr": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "yrs": DAYS_PER_YEAR * SECONDS_PER_DAY, "year": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "years": DAYS_PER_YEAR * SECONDS_PER_DAY,
}


def parse_duration(value: Any, field_name: str = "duration") -> float:
    """``"5 years"`` → seconds (1 year = 365 days, 1 month = 30 days). A unit is required."""
    if not _split(value, field_name, "5 years")[1]:
        raise CapacityError(field_name, f"{_show(value)} has no unit; write it like '30 days' or '5 years'")
    return _scaled(value, field_name, "5 years", DURATION_UNITS, "unit",
                   "use seconds, minutes, hours, days, weeks, months or years")


def format_duration(seconds: float) -> str:
    """Whole years as ``"5 years"``, otherwise days (``"30 days"``), hours, minutes or seconds."""
    def plural(n: float, word: str) -> str:
        return f"{_num(n)} {word}" + ("" if n == 1 else "s")

    days = seconds / SECONDS_PER_DAY
    if days >= DAYS_PER_YEAR and _whole(days / DAYS_PER_YEAR):
        return plural(days / DAYS_PER_YEAR, "year")
    if days >= 1:
        return plural(days, "day")
    if seconds >= 3600:
        return plural(seconds / 3600, "hour")
    if seconds >= 60:
        return plural(seconds / 60, "minute")
    return plural(seconds, "second")


def _whole(x: float) -> bool:
    return abs(x - round(x)) < 1e-9


# -- rates ---------------------------------------------------------------------------------------
RATE_PERIODS = {
    "s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hr": 3600, "hour": 3600,
    "d": SECONDS_PER_DAY, "day": SECONDS_PER_DAY, "w": 7 * SECONDS_PER_DAY, "week": 7 * SECONDS_PER_DAY,
    "mo": DAYS_PER_MONTH * SECONDS_PER_DAY, "month": DAYS_PER_MONTH * SECONDS_PER_DAY,
    "y": DAYS_PER_YEAR * SECONDS_PER_DAY, "yr": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "year": DAYS_PER_YEAR * SECONDS_PER_DAY,
}


def parse_rate(value: Any, field_name: str = "rate") -> float:
    """``"2.3 TB/day"`` → bytes per second. Periods: s, min, hour, day, week, month (30 days), year (365 days)."""
    if isinstance(value, str) and "/" in value:
        amount, _, period = value.rpartition("/")
        seconds = RATE_PERIODS.get(period.strip().lower())
        if seconds is None:
            raise CapacityError(field_name, f"unknown period {period.strip()!r} in {value!r} "
                                            "(use /s, /min, /hour, /day, /week, /month or /year)")
        return _scaled(amount, field_name, "1.5KB", BYTE_UNITS, "unit", _UNIT_HELP, value) / seconds
    raise CapacityError(field_name, f"{_show(value)} is not a rate like '2.3 TB/day'")


def format_rate(bytes_per_second: float, per: str = "s") -> str:
    """Bytes per second printed per ``per`` (``"s"``, ``"day"``, ``"month"``, ``"year"``): ``"2.3 TB/day"``."""
    seconds = RATE_PERIODS.get(per)
    if seconds is None:
        raise ValueError(f"unknown period {per!r}")
    return f"{format_bytes(bytes_per_second * seconds)}/{per}"


# -- ratios and fractions ------------------------------------------------------------------------
def parse_ratio(value: Any, field_name: str = "ratio") -> tuple[float, float]:
    """``"10:1"`` → (10.0, 1.0). A colon is required; both sides plain non-negative numbers, not both zero."""
    if not isinstance(value, str) or value.count(":") != 1:
        raise CapacityError(field_name, f"{_show(value)} is not a ratio like 10:1")
    sides = []
    for side in value.split(":"):
        m = _QUANTITY.match(side)
        if not m or m.group("unit") or not re.search(r"\d", m.group("num")):
            raise CapacityError(field_name, f"{value!r} is not a ratio like 10:1")
        sides.append(float(m.group("num").replace(",", "").replace("_", "")))
    a, b = sides
    if a < 0 or b < 0:
        raise CapacityError(field_name, f"{value!r} has a negative side")
    if a == 0 and b == 0:
        raise CapacityError(field_name, f"{value!r} has both sides zero")
    return a, b


def format_ratio(a: float, b: float) -> str:
    """Reduced to one side being 1: (1e9, 1e8) → ``"10:1"``, (1, 4) → ``"1:4"``, (5, 0) → ``"1:0"``."""
    if b == 0:
        return "1:0"
    if a == 0:
        return "0:1"
    if a >= b:
        return f"{_num(a / b).replace(',', '')}:1"
    return f"1:{_num(b / a).replace(',', '')}"


def parse_fraction(value: Any, field_name: str = "fraction") -> float:
    """``"80%"``, ``0.8`` or ``"0.8"`` → 0.8; must lie between 0 and 1 (0% and 100%)."""
    number, unit = _split(value, field_name, "80% or 0.8")
    if unit == "%":
        fraction = number / 100
        if fraction > 1:
            raise CapacityError(field_name, f"{_show(value)} is not between 0% and 100%")
        return fraction
    if unit:
        raise CapacityError(field_name, f"unknown unit {unit!r} in {_show(value)} (write 80% or 0.8)")
    if number > 1:
        raise CapacityError(field_name, f"{_show(value)} is above 1; write a percentage with % (e.g. 80%) "
                                        "or a fraction between 0 and 1")
    return number


def format_percent(fraction: float) -> str:
    """0.2 → ``"20%"``."""
    return f"{_num(fraction * 100)}%"


def parse_factor(value: Any, field_name: str, minimum: float = 1.0) -> float:
    """A multiplier such as a peak factor: ``2``, ``"2"``, ``"2x"`` or ``"2×"``; at least ``minimum``."""
    number, unit = _split(value, field_name, "2 or '2x'")
    if unit.lower() not in ("", "x", "×"):
        raise CapacityError(field_name, f"{_show(value)} is not a factor like 2 or '2x'")
    if number < minimum:
        raise CapacityError(field_name, f"{_show(value)} must be at least {_num(minimum)}")
    return number


# -- normalised inputs ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ActionInput:
    """One action type after parsing: ``per_user`` actions per user per day of ``kind`` read or write."""

    name: str
    kind: str  # "read" | "write"
    per_user: float
    payload: float | None  # bytes sent (write) or returned (read) per action
    stored: float  # bytes kept per action (0 for reads)


@dataclass(frozen=True)
class Inputs:
    """Capacity inputs in base units (users, actions/day, bytes, seconds), defaults applied."""

    dau: float
    actions: tuple[ActionInput, ...]
    simple: bool  # written with reads_per_user/writes_per_user (changes only how formulas read)
    retention: float | None  # seconds
    peak_factor: float
    replication: float
    cache_share: float
    written: dict[str, Any] = field(default_factory=dict)  # the inputs as given, for display
    notes: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> tuple[ActionInput, ...]:
        return tuple(a for a in self.actions if a.kind == kind)

    def per_user(self, kind: str) -> float:
        return sum(a.per_user for a in self.of_kind(kind))

    def per_day(self, kind: str) -> float:
        return self.dau * self.per_user(kind)

    @property
    def has_payload(self) -> bool:
        return any(a.payload is not None for a in self.actions)


def normalize(raw: Mapping[str, Any]) -> Inputs:
    """Parse and check capacity inputs given as a mapping (keys: ``INPUT_KEYS``); raise ``CapacityError``."""
    if isinstance(raw, Inputs):
        return raw
    if hasattr(raw, "to_inputs") and not isinstance(raw, Mapping):
        raw = raw.to_inputs()
    if not isinstance(raw, Mapping):
        raise CapacityError("capacity", f"expected a mapping of inputs, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(INPUT_KEYS))
    if unknown:
        raise CapacityError(unknown[0], f"unknown input (known: {', '.join(INPUT_KEYS)})")
    given = {k: v for k, v in raw.items() if v is not None and not (k == "actions" and not v)}
    notes: list[str] = []

    if "dau" not in given:
        raise CapacityError("dau", "missing: give the daily active users, e.g. dau='100M'")
    dau = parse_count(given["dau"], "dau")
    payload = parse_bytes(given["payload"], "payload") if "payload" in given else None
    ratio = parse_ratio(given["read_write"], "read_write") if "read_write" in given else None

    simple_keys = [k for k in ("reads_per_user", "writes_per_user") if k in given]
    if "actions" in given and simple_keys:
        raise CapacityError("actions", f"give either actions or {'/'.join(simple_keys)}, not both")
    if "actions" in given:
        actions = _actions(given["actions"], payload)
        simple = False
        reads, writes = sum(a.per_user for a in actions if a.kind == "read"), \
            sum(a.per_user for a in actions if a.kind == "write")
        if ratio is not None:
            _check_ratio(ratio, reads, writes, "the actions")
    else:
        simple = True
        reads = parse_count(given["reads_per_user"], "reads_per_user") if "reads_per_user" in given else None
        writes = parse_count(given["writes_per_user"], "writes_per_user") if "writes_per_user" in given else None
        if reads is None and writes is None:
            raise CapacityError("reads_per_user", "missing: give reads_per_user and writes_per_user "
                                                  "(per user per day) or actions")
        if ratio is not None and (reads is None or writes is None):
            r, w = ratio
            if reads is None:
                if w == 0:
                    raise CapacityError("read_write", f"{given['read_write']!r} has no write side, so "
                                                      "reads_per_user cannot be derived; give reads_per_user")
                reads = writes * r / w
                notes.append(f"reads per user derived from read_write {given['read_write']}: "
                             f"{_num(writes)} × {_num(r)} ÷ {_num(w)} = {_num(reads)} reads/user/day")
            else:
                if r == 0:
                    raise CapacityError("read_write", f"{given['read_write']!r} has no read side, so "
                                                      "writes_per_user cannot be derived; give writes_per_user")
                writes = reads * w / r
                notes.append(f"writes per user derived from read_write {given['read_write']}: "
                             f"{_num(reads)} × {_num(w)} ÷ {_num(r)} = {_num(writes)} writes/user/day")
        elif ratio is not None:
            _check_ratio(ratio, reads, writes, "reads_per_user and writes_per_user")
        reads, writes = reads or 0.0, writes or 0.0
        actions = (ActionInput("read", "read", reads, payload, 0.0),
                   ActionInput("write", "write", writes, payload, payload or 0.0))
    if reads == 0 and writes == 0:
        raise CapacityError("actions" if not simple else "reads_per_user",
                            "no reads and no writes per user: nothing to estimate")

    retention = parse_duration(given["retention"], "retention") if "retention" in given else None
    if retention == 0:
        raise CapacityError("retention", f"{given['retention']!r} keeps nothing; give a duration like '5 years'")
    peak = parse_factor(given.get("peak_factor", DEFAULT_PEAK_FACTOR), "peak_factor", minimum=1.0)
    replication = parse_factor(given.get("replication", DEFAULT_REPLICATION), "replication", minimum=1.0)
    cache_share = parse_fraction(given.get("cache_share", DEFAULT_CACHE_SHARE), "cache_share")

    if "peak_factor" not in given:
        notes.append(f"peak factor {_num(DEFAULT_PEAK_FACTOR)} is the default (peak ≈ 2 × average); "
                     "set peak_factor to change it")
    if "replication" not in given:
        notes.append(f"replication factor {_num(DEFAULT_REPLICATION)} is the default (3 copies of the data)")
    if "cache_share" not in given:
        notes.append("cache share 20% is the default (80/20 rule: caching 20% of the daily read data serves "
                     "about 80% of reads)")
    if retention is None:
        notes.append("no retention given: storage over the retention is not estimated")
    if not any(a.payload is not None for a in actions):
        notes.append("no payload given: storage, bandwidth and cache figures need one (e.g. payload='1KB')")
    notes.append("units: 1 KB = 1,000 B, 1 day = 86,400 s, 1 year = 365 days, 1 month = 30 days")
    written = {k: given[k] for k in INPUT_KEYS if k in given}
    return Inputs(dau=dau, actions=tuple(actions), simple=simple, retention=retention, peak_factor=peak,
                  replication=replication, cache_share=cache_share, written=written, notes=tuple(notes))


def _check_ratio(ratio: tuple[float, float], reads: float, writes: float, source: str) -> None:
    r, w = ratio
    declared = math.inf if w == 0 else r / w
    actual = math.inf if writes == 0 else reads / writes
    same = declared == actual or (math.isfinite(declared) and math.isfinite(actual)
                                  and math.isclose(declared, actual, rel_tol=0.01))
    if not same:
        raise CapacityError("read_write", f"'{_num(r)}:{_num(w)}' disagrees with {source} "
                                          f"({_num(reads)} reads : {_num(writes)} writes per user per day = "
                                          f"{format_ratio(reads, writes)}); give one or the other")


def _actions(raw: Any, default_payload: float | None) -> tuple[ActionInput, ...]:
    if not isinstance(raw, Mapping):
        raise CapacityError("actions", "expected a dict of action name → {per_user_per_day, kind, payload}, "
                                       f"got {type(raw).__name__}")
    out: list[ActionInput] = []
    for name, spec in raw.items():
        where = f"actions[{name!r}]"
        if not isinstance(name, str) or not name.strip():
            raise CapacityError(where, "action names must be non-empty strings")
        if hasattr(spec, "to_inputs") and not isinstance(spec, Mapping):
            spec = spec.to_inputs()
        if not isinstance(spec, Mapping):
            raise CapacityError(where, f"expected a dict with per_user_per_day, kind and payload, "
                                       f"got {type(spec).__name__} {spec!r}")
        unknown = sorted(set(spec) - set(ACTION_KEYS))
        if unknown:
            raise CapacityError(f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(ACTION_KEYS)})")
        if spec.get("per_user_per_day") is None:
            raise CapacityError(f"{where}.per_user_per_day", "missing: how often one user does it per day")
        per_user = parse_count(spec["per_user_per_day"], f"{where}.per_user_per_day")
        kind = spec.get("kind")
        if kind not in ("read", "write"):
            raise CapacityError(f"{where}.kind", f"{_show(kind)} is not 'read' or 'write'")
        payload = (parse_bytes(spec["payload"], f"{where}.payload") if spec.get("payload") is not None
                   else default_payload)
        if spec.get("stored") is not None:
            stored = parse_bytes(spec["stored"], f"{where}.stored")
        else:
            stored = (payload or 0.0) if kind == "write" else 0.0
        out.append(ActionInput(name.strip(), kind, per_user, payload, stored))
    if not out:
        raise CapacityError("actions", "no actions given")
    with_payload = [a for a in out if a.payload is not None]
    if with_payload and len(with_payload) != len(out):
        missing = next(a for a in out if a.payload is None)
        raise CapacityError(f"actions[{missing.name!r}].payload",
                            "missing while other actions have one; give it here or a default capacity payload")
    return tuple(out)


# -- figures -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One estimated number: ``value`` in base units (per second, bytes, bytes per second) and its maths.

    ``unit`` is one of ``reads/day``, ``writes/day``, ``reads/s``, ``writes/s``, ``requests/s``, ``B``,
    ``B/day``, ``B/year``, ``B/s``. ``formula`` is the expression with the numbers filled in, ending in
    ``= text``.
    """

    name: str  # stable key, e.g. "write_qps_avg"
    value: float
    unit: str
    formula: str
    label: str = ""  # for people, e.g. "Average write QPS"

    @property
    def text(self) -> str:
        """The value as people write it: ``"1,157 writes/s"``, ``"36.5 TB/year"``."""
        return format_value(self.value, self.unit)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "value": self.value, "unit": self.unit,
                "text": self.text, "formula": self.formula}


def format_value(value: float, unit: str) -> str:
    if unit == "B":
        return format_bytes(value)
    if unit.startswith("B/"):
        return f"{format_bytes(value)}/{unit[2:]}"
    if unit.endswith("/s"):
        return f"{format_qps(value)} {unit}"
    return f"{format_count(value)} {unit}"


@dataclass
class Estimate:
    """The figures computed from one set of inputs, in a fixed order; ``estimate["read_qps_peak"]`` looks one up."""

    inputs: Inputs
    figures: list[Figure]

    def __getitem__(self, name: str) -> Figure:
        for f in self.figures:
            if f.name == name:
                return f
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(f.name == name for f in self.figures)

    @property
    def notes(self) -> tuple[str, ...]:
        return self.inputs.notes

    def to_dict(self) -> dict[str, Any]:
        return {"inputs": dict(self.inputs.written), "figures": [f.to_dict() for f in self.figures],
                "notes": list(self.notes), "design_inputs": design_inputs(self)}

    def __str__(self) -> str:
        width = max(len(f.label) for f in self.figures)
        lines = [f"{f.label:<{width}}  {f.formula}" for f in self.figures]
        return "\n".join(lines + [f"note: {n}" for n in self.notes])


def _plural(n: float, word: str) -> str:
    return f"{word}" if n == 1 else f"{word}s"


def _per_user_term(inp: Inputs, kind: str) -> str:
    """How many actions of `kind` one user does per day, as the formula shows it: "1 write/user/day"."""
    acts = [a for a in inp.of_kind(kind) if a.per_user]
    if inp.simple or not acts:
        n = inp.per_user(kind)
        return f"{_num(n)} {_plural(n, kind)}/user/day"
    if len(acts) == 1:
        return f"{_num(acts[0].per_user)} {acts[0].name}/user/day"
    return "(" + " + ".join(f"{_num(a.per_user)} {a.name}" for a in acts) + ")/user/day"


def _bytes_term(inp: Inputs, kind: str, attr: str = "payload") -> str:
    """Per-user daily bytes of `kind` as the formula shows it: "1 write/user/day × 1 KB"."""
    acts = [a for a in inp.of_kind(kind) if a.per_user]
    if not acts:
        return _per_user_term(inp, kind)
    if inp.simple or len(acts) == 1:
        a = acts[0]
        return f"{_per_user_term(inp, kind)} × {format_bytes(getattr(a, attr) or 0)}"
    return "(" + " + ".join(f"{_num(a.per_user)} {a.name} × {format_bytes(getattr(a, attr) or 0)}"
                            for a in acts) + ")/user/day"


def _bytes_per_user(inp: Inputs, kind: str, attr: str = "payload") -> float:
    return sum(a.per_user * (getattr(a, attr) or 0.0) for a in inp.of_kind(kind))


def estimate(inputs: Mapping[str, Any] | Inputs | Any) -> Estimate:
    """Compute every figure from ``inputs`` (a mapping with ``INPUT_KEYS``, an ``Inputs``, or a ``Capacity``).

    QPS: per day = DAU × actions per user per day; average = per day ÷ 86,400 s; peak = average × peak factor.
    Storage per day = DAU × Σ writes per user × stored bytes; per year × 365; over the retention × its days;
    each also × the replication factor. Ingress = written bytes per second, egress = read bytes per second
    (average and peak). Cache memory = cache share × daily read volume (20% by default: the 80/20 rule).
    """
    inp = normalize(inputs)
    dau = f"{format_count(inp.dau)} DAU"
    day = f"{SECONDS_PER_DAY:,} s"
    peak = f"{_num(inp.peak_factor)} (peak factor)"
    figs: list[Figure] = []

    def add(name: str, label: str, value: float, unit: str, expression: str) -> float:
        figs.append(Figure(name, value, unit, f"{expression} = {format_value(value, unit)}", label))
        return value

    per_day = {k: inp.per_day(k) for k in ("read", "write")}
    add("reads_per_day", "Reads per day", per_day["read"], "reads/day", f"{dau} × {_per_user_term(inp, 'read')}")
    add("writes_per_day", "Writes per day", per_day["write"], "writes/day",
        f"{dau} × {_per_user_term(inp, 'write')}")
    for kind, title in (("read", "read"), ("write", "write")):
        avg = per_day[kind] / SECONDS_PER_DAY
        add(f"{kind}_qps_avg", f"Average {title} QPS", avg, f"{kind}s/s",
            f"{dau} × {_per_user_term(inp, kind)} ÷ {day}")
        add(f"{kind}_qps_peak", f"Peak {title} QPS", avg * inp.peak_factor, f"{kind}s/s",
            f"{dau} × {_per_user_term(inp, kind)} ÷ {day} × {peak}")
    total = per_day["read"] + per_day["write"]
    both = f"({format_count(per_day['read'])} reads + {format_count(per_day['write'])} writes)/day"
    add("total_qps_avg", "Average total QPS", total / SECONDS_PER_DAY, "requests/s", f"{both} ÷ {day}")
    add("total_qps_peak", "Peak total QPS", total / SECONDS_PER_DAY * inp.peak_factor, "requests/s",
        f"{both} ÷ {day} × {peak}")

    if inp.has_payload:
        rf = f"{_num(inp.replication)} (replication factor)"
        stored_day = inp.dau * _bytes_per_user(inp, "write", "stored")
        add("storage_per_day", "Storage per day", stored_day, "B/day",
            f"{dau} × {_bytes_term(inp, 'write', 'stored')}")
        add("storage_per_day_replicated", "Storage per day, replicated", stored_day * inp.replication, "B/day",
            f"{format_rate(stored_day / SECONDS_PER_DAY, 'day')} × {rf}")
        per_year = stored_day * DAYS_PER_YEAR
        add("storage_per_year", "Storage per year", per_year, "B/year",
            f"{format_rate(stored_day / SECONDS_PER_DAY, 'day')} × {DAYS_PER_YEAR} days")
        add("storage_per_year_replicated", "Storage per year, replicated", per_year * inp.replication, "B/year",
            f"{format_rate(per_year / (DAYS_PER_YEAR * SECONDS_PER_DAY), 'year')} × {rf}")
        if inp.retention is not None:
            days = inp.retention / SECONDS_PER_DAY
            kept = stored_day * days
            spelled, in_days = format_duration(inp.retention), f"{_num(days)} day{'' if days == 1 else 's'}"
            add("storage_retention", "Storage over the retention", kept, "B",
                f"{format_rate(stored_day / SECONDS_PER_DAY, 'day')} × {in_days}"
                + ("" if spelled == in_days else f" ({spelled})"))
            add("storage_retention_replicated", "Storage over the retention, replicated", kept * inp.replication,
                "B", f"{format_bytes(kept)} × {rf}")
        for name, title, kind in (("ingress", "Ingress", "write"), ("egress", "Egress", "read")):
            volume = inp.dau * _bytes_per_user(inp, kind)
            add(f"{name}_avg", f"{title} bandwidth (average)", volume / SECONDS_PER_DAY, "B/s",
                f"{dau} × {_bytes_term(inp, kind)} ÷ {day}")
            add(f"{name}_peak", f"{title} bandwidth (peak)", volume / SECONDS_PER_DAY * inp.peak_factor, "B/s",
                f"{dau} × {_bytes_term(inp, kind)} ÷ {day} × {peak}")
        read_volume = inp.dau * _bytes_per_user(inp, "read")
        rule = ", 80/20 rule" if math.isclose(inp.cache_share, DEFAULT_CACHE_SHARE) else ""
        add("cache_memory", "Cache memory", inp.cache_share * read_volume, "B",
            f"{format_percent(inp.cache_share)} (cache share{rule}) × {dau} × {_bytes_term(inp, 'read')}")
    return Estimate(inp, figs)


def design_inputs(est: Estimate) -> dict[str, Any]:
    """Design-level analysis inputs from an estimate (analysis spec §6.1, §6.8; node-level values win).

    ``qps``: peak total QPS (the load at the entries), rounded up to a whole request; ``read_ratio``: reads:writes
    as ``"R:W"``; ``read_fraction``: reads ÷ (reads + writes); ``read_qps``/``write_qps``: the peak split.
    ``wb_qps``/``wb_read_ratio`` give the same as strings, in the form of the diagram ``graph_attr`` keys.
    """
    reads, writes = est["reads_per_day"].value, est["writes_per_day"].value
    qps = math.ceil(est["total_qps_peak"].value - 1e-9)
    ratio = format_ratio(reads, writes)
    return {
        "qps": qps, "read_ratio": ratio, "read_fraction": reads / (reads + writes),
        "read_qps": est["read_qps_peak"].value, "write_qps": est["write_qps_peak"].value,
        "wb_qps": str(qps), "wb_read_ratio": ratio, "source": "capacity estimate (peak total QPS)",
    }
