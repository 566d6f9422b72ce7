"""The prompt catalogue: classic design prompts, constraint variants, and drills as prompt/constraint pairs.

Fourteen prompts are built in; a workspace adds its own in workbench.toml (``[[workbench.prompts]]``, or
``[[tool.workbench.prompts]]`` in pyproject.toml), each with ``key``, ``title``, ``text`` and optionally
``constraints`` (built-in constraint keys, or tables with ``key``, ``title``, ``text`` for new variants),
``numbers`` (the ``Capacity`` inputs) and ``summary``. ``catalogue(cfg)`` is the merged catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class Prompt:
    """A classic design prompt with the numbers an interviewer would give (``sheet.Capacity`` inputs)."""

    key: str
    title: str
    text: str
    numbers: Mapping[str, Any]  # dau, reads_per_user, writes_per_user, payload, retention
    summary: str  # the key numbers in words
    constraints: tuple[str, ...] | None = None  # keys of the variants that apply; None: every built-in one
    source: str = "built-in"  # or "workbench.toml" for a user prompt

    def capacity(self, constraint: Constraint | None = None) -> dict[str, Any]:
        """The capacity inputs, scaled by the constraint (read-heavy: 10x the reads, ...)."""
        numbers = dict(self.numbers)
        for name, factor in (constraint.scale if constraint else {}).items():
            if name not in numbers:  # a user prompt without that input: nothing to scale
                continue
            value = numbers[name] * factor
            numbers[name] = int(value) if float(value).is_integer() else round(value, 3)
        return numbers


@dataclass(frozen=True)
class Constraint:
    """A variant that changes what a good answer looks like."""

    key: str
    title: str
    text: str
    non_functional: tuple[str, ...] = ()
    scale: Mapping[str, float] = field(default_factory=dict)  # capacity inputs multiplied
    slo: str | None = None  # availability target the variant implies


@dataclass(frozen=True)
class Drill:
    prompt: Prompt
    constraint: Constraint

    @property
    def key(self) -> str:
        return f"{self.prompt.key}/{self.constraint.key}"

    @property
    def stem(self) -> str:
        """The design file's name without .py: ``url_shortener_read_heavy``."""
        return f"{self.prompt.key}_{self.constraint.key}".replace("-", "_")

    @property
    def title(self) -> str:
        return f"{self.prompt.title} ({self.constraint.title.lower()})"


def _prompt(key: str, title: str, text: str, summary: str, **numbers: Any) -> Prompt:
    return Prompt(key, title, text, MappingProxyType(numbers), summary)


PROMPTS: tuple[Prompt, ...] = (
    _prompt("url-shortener", "URL shortener",
            "Design a URL shortener like bit.ly: users turn a long URL into a short link, and anyone who opens "
            "the short link is redirected to the long URL. Links can expire; owners see click counts.",
            "100M daily users; 10 redirects per user per day; 1 in 10 users creates a link each day; "
            "500 bytes per link; links kept 5 years",
            dau="100M", reads_per_user=10, writes_per_user=0.1, payload="500B", retention="5 years"),
    _prompt("news-feed", "News feed",
            "Design the home timeline of a social network: users post short updates and read a feed of the "
            "accounts they follow, newest first.",
            "200M daily users; 20 feed reads and 1 post per user per day; 1 KB per post; posts kept 5 years; "
            "users follow 200 accounts on average",
            dau="200M", reads_per_user=20, writes_per_user=1, payload="1KB", retention="5 years"),
    _prompt("chat-service", "Chat service",
            "Design a chat service like WhatsApp: one-to-one and small group conversations, delivery and read "
            "receipts, presence, and message history on every device.",
            "50M daily users; 40 messages sent and 40 received per user per day; 200 bytes per message; "
            "history kept 1 year",
            dau="50M", reads_per_user=40, writes_per_user=40, payload="200B", retention="1 year"),
    _prompt("file-storage", "File storage",
            "Design a file storage and sync service like Dropbox: users upload files, see them on all their "
            "devices, share folders and restore earlier versions.",
            "10M daily users; 10 downloads and 2 uploads per user per day; 2 MB per file; files kept 10 years",
            dau="10M", reads_per_user=10, writes_per_user=2, payload="2MB", retention="10 years"),
    _prompt("ecommerce-catalog", "E-commerce catalog",
            "Design the product catalog of an online store: shoppers browse categories, search and open "
            "product pages with price and stock; sellers add and update listings.",
            "20M daily users; 30 page views per user per day; 1 listing update per 20 users per day; 5 KB per "
            "product; data kept 3 years",
            dau="20M", reads_per_user=30, writes_per_user=0.05, payload="5KB", retention="3 years"),
    _prompt("booking-system", "Booking system",
            "Design a booking system for hotels (or concert tickets): users search availability, hold a room "
            "for a few minutes, pay and get a confirmation; the same room is never sold twice.",
            "5M daily users; 20 searches per user per day; 1 booking per 5 users per day; 2 KB per booking; "
            "bookings kept 7 years",
            dau="5M", reads_per_user=20, writes_per_user=0.2, payload="2KB", retention="7 years"),
    _prompt("rate-limiter", "Rate limiter",
            "Design a distributed rate limiter for a public API: every request is checked against per-user and "
            "per-endpoint limits before it reaches the services behind the gateway.",
            "50M daily users; 100 API calls per user per day, each one check and one counter update; 100 bytes "
            "per counter; counters kept 1 day",
            dau="50M", reads_per_user=100, writes_per_user=100, payload="100B", retention="1 day"),
    _prompt("notification-service", "Notification service",
            "Design a notification service: other teams submit notifications that reach users by push, e-mail "
            "and SMS, respecting preferences, quiet hours and retries.",
            "100M daily users; 5 notifications sent and 5 read per user per day; 1 KB per notification; kept "
            "30 days",
            dau="100M", reads_per_user=5, writes_per_user=5, payload="1KB", retention="30 days"),
    _prompt("search-autocomplete", "Search autocomplete (typeahead)",
            "Design search autocomplete: as a user types, suggest the top 10 completions within a blink, "
            "ranked by popularity and kept fresh as trends change.",
            "100M daily users; 20 suggestion requests per user per day (one per keystroke burst); 2 searches "
            "logged per user per day; 200 bytes per entry; logs kept 1 year",
            dau="100M", reads_per_user=20, writes_per_user=2, payload="200B", retention="1 year"),
    _prompt("ride-hailing", "Ride hailing",
            "Design a ride-hailing service like Uber: riders request a ride, nearby drivers are matched within "
            "seconds, both see each other on a live map, and the trip is priced and paid at the end.",
            "20M daily riders; 2 rides and 50 location reads per rider per day; drivers send a location every "
            "4 s; 1 KB per trip; trips kept 5 years",
            dau="20M", reads_per_user=50, writes_per_user=2, payload="1KB", retention="5 years"),
    _prompt("video-streaming", "Video streaming",
            "Design a video streaming service like YouTube: creators upload videos that are transcoded into "
            "several resolutions, and viewers start playback within two seconds anywhere in the world.",
            "100M daily viewers; 5 videos watched per viewer per day; 1 upload per 1,000 viewers per day; "
            "300 MB per uploaded video after transcoding; videos kept 10 years",
            dau="100M", reads_per_user=5, writes_per_user=0.001, payload="300MB", retention="10 years"),
    _prompt("web-crawler", "Web crawler",
            "Design a web crawler for a search engine: fetch a billion pages a month, respect robots.txt and "
            "per-site politeness, skip duplicates and keep the content for indexing.",
            "1B pages a month (about 33M a day, counted as 33M fetches by one logical user each); 100 KB per "
            "page; pages kept 5 years",
            dau="33M", reads_per_user=1, writes_per_user=1, payload="100KB", retention="5 years"),
    _prompt("payment-system", "Payment system",
            "Design the payment system of an online marketplace: buyers pay by card through a payment service "
            "provider, sellers are paid out daily, and every cent is accounted for in a ledger.",
            "10M daily users; 2 payment-status reads and 1 payment per 10 users per day; 1 KB per ledger "
            "entry; records kept 10 years",
            dau="10M", reads_per_user=2, writes_per_user=0.1, payload="1KB", retention="10 years"),
    _prompt("kv-store", "Distributed key-value store",
            "Design a distributed key-value store like Dynamo: put and get by key, data partitioned and "
            "replicated over many nodes, tunable consistency, and no downtime when a node fails.",
            "1M client services with 1,000 gets and 100 puts each per day; 10 KB per value; data kept until "
            "deleted (5 years sized)",
            dau="1M", reads_per_user=1000, writes_per_user=100, payload="10KB", retention="5 years"),
)

CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint("read-heavy", "Read-heavy",
               "Read-heavy: reads outnumber writes by 100 to 1 or more, and a few hot keys take most of the "
               "traffic.",
               ("reads served from cache or replicas at 10x the base read load",), MappingProxyType(
                   {"reads_per_user": 10})),
    Constraint("write-heavy", "Write-heavy",
               "Write-heavy: writes arrive 10 times faster than the base numbers and in bursts; nothing "
               "acknowledged may be lost.",
               ("acknowledged writes are durable", "absorb write bursts of 10x the average"),
               MappingProxyType({"writes_per_user": 10})),
    Constraint("strict-latency", "Strict latency",
               "Strict latency: the main read path must answer within 50 ms at p99, measured at the edge, "
               "wherever the user is.",
               ("main read path p99 < 50 ms",)),
    Constraint("multi-region", "Multi-region",
               "Multi-region: users on three continents are served from the nearest region, and the service "
               "stays up when a whole region is lost.",
               ("serve each user from the nearest region", "survive the loss of a region"), slo="99.99%"),
    Constraint("cost-constrained", "Cost-constrained",
               "Cost-constrained: a team of three and a budget of $5k a month; justify every always-on "
               "component and prefer managed or serverless services.",
               ("infrastructure under $5k per month",)),
    Constraint("strong-consistency", "Strong consistency",
               "Strong consistency: after a write is acknowledged every read sees it, and no update is lost or "
               "applied twice (think money or seats).",
               ("read-your-writes and linearizable updates", "no lost or duplicated updates")),
)


def interleave(prompts: Iterable[Prompt], constraints: Iterable[Constraint]) -> tuple[Drill, ...]:
    """Every pair, in rounds: round r gives prompt i the constraint (i + shift r) mod n of the n that apply.

    Each round visits every prompt once with a different constraint each, so the first drills of a fresh
    history vary in both; over all rounds every pair appears exactly once. A prompt that lists its
    constraints (a user prompt) gets only those.
    """
    prompts, constraints = list(prompts), list(constraints)
    by_key = {c.key: c for c in constraints}
    allowed = [[by_key[k] for k in p.constraints if k in by_key] if p.constraints is not None else constraints
               for p in prompts]
    rounds = max((len(a) for a in allowed), default=0)
    shift = _shifts(len(prompts), rounds)
    return tuple(Drill(p, allowed[i][(i + (shift[r] if len(allowed[i]) == rounds else r)) % len(allowed[i])])
                 for r in range(rounds) for i, p in enumerate(prompts) if r < len(allowed[i]))


def _shifts(prompts: int, n: int) -> list[int]:
    """Each round's offset: a permutation of 0..n-1 (so every pair comes once), the next round's offset being
    the previous plus one unless that would give the round's first drill the constraint of the previous
    round's last (14 prompts over 6 constraints would); then the smallest unused offset that does not."""
    shifts, unused = [0], set(range(1, n))
    while unused:
        clash = (prompts - 1 + shifts[-1]) % n
        preferred = (shifts[-1] + 1) % n
        pick = preferred if preferred in unused and preferred != clash else \
            min((s for s in unused if s != clash), default=min(unused))
        shifts.append(pick)
        unused.discard(pick)
    return shifts


PAIRS: tuple[Drill, ...] = interleave(PROMPTS, CONSTRAINTS)


@dataclass(frozen=True)
class Catalogue:
    """The prompts, constraints and pairs a workspace practises: the built-in ones plus its own."""

    prompts: tuple[Prompt, ...] = PROMPTS
    constraints: tuple[Constraint, ...] = CONSTRAINTS
    pairs: tuple[Drill, ...] = PAIRS

    def prompt(self, key: str) -> Prompt:
        for p in self.prompts:
            if p.key == key:
                return p
        raise WorkbenchError(f"no prompt {key!r}; known: {', '.join(p.key for p in self.prompts)} "
                             "(add your own as [[workbench.prompts]] in workbench.toml)")

    def constraint(self, key: str) -> Constraint:
        for c in self.constraints:
            if c.key == key:
                return c
        raise WorkbenchError(f"no constraint {key!r}; known: {', '.join(c.key for c in self.constraints)}")

    def drill(self, key: str) -> Drill:
        """The pair ``prompt/constraint``; the constraint must be one that applies to the prompt."""
        p, sep, c = key.strip().partition("/")
        if not sep:
            raise WorkbenchError(f"{key!r} is not a drill; drills are prompt/constraint, e.g. {self.pairs[0].key}")
        found = Drill(self.prompt(p.strip()), self.constraint(c.strip()))
        if found not in self.pairs:
            applies = ", ".join(d.constraint.key for d in self.pairs if d.prompt.key == found.prompt.key)
            raise WorkbenchError(f"{found.prompt.key} has no variant {found.constraint.key!r}; its variants: "
                                 f"{applies}")
        return found


BUILT_IN = Catalogue()


def prompt(key: str, cat: Catalogue = BUILT_IN) -> Prompt:
    return cat.prompt(key)


def constraint(key: str, cat: Catalogue = BUILT_IN) -> Constraint:
    return cat.constraint(key)


def drill(key: str, cat: Catalogue = BUILT_IN) -> Drill:
    """The pair ``prompt/constraint``."""
    return cat.drill(key)


KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NUMBER_KEYS = ("dau", "reads_per_user", "writes_per_user", "payload", "retention")


def catalogue(cfg=None) -> Catalogue:
    """The built-in catalogue plus the workspace's prompts (workbench.toml ``[[workbench.prompts]]``)."""
    entries = (getattr(cfg, "practice", None) or {}).get("prompts") if cfg is not None else None
    if not entries:
        return BUILT_IN
    where = str(getattr(cfg, "source", None) or "workbench.toml")
    if not isinstance(entries, list):
        raise WorkbenchError(f"{where}: prompts must be an array of tables: [[workbench.prompts]] with key, "
                             "title, text")
    prompts, constraints = list(PROMPTS), list(CONSTRAINTS)
    for n, entry in enumerate(entries, 1):
        user_prompt, extra = _user_prompt(entry, f"{where}: prompt #{n}", {c.key for c in constraints})
        if any(p.key == user_prompt.key for p in prompts):
            raise WorkbenchError(f"{where}: prompt #{n}: key {user_prompt.key!r} is already taken; pick another")
        prompts.append(user_prompt)
        constraints += extra
    return Catalogue(tuple(prompts), tuple(constraints), interleave(prompts, constraints))


def _user_prompt(entry: Any, where: str, known: set[str]) -> tuple[Prompt, list[Constraint]]:
    if not isinstance(entry, dict):
        raise WorkbenchError(f"{where}: must be a table with key, title and text")
    unknown = sorted(set(entry) - {"key", "title", "text", "constraints", "numbers", "summary"})
    if unknown:
        raise WorkbenchError(f"{where}: unknown field {unknown[0]!r} (known: key, title, text, constraints, "
                             "numbers, summary)")
    for name in ("key", "title", "text"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise WorkbenchError(f"{where}: {name} must be a non-empty string")
    key = entry["key"].strip()
    where = f"{where} ({key})"
    if not KEY.match(key):
        raise WorkbenchError(f"{where}: key must be lower-case letters, digits and dashes, e.g. photo-sharing")
    extra: list[Constraint] = []
    keys: list[str] = []
    raw = entry.get("constraints")
    if raw is not None and (not isinstance(raw, list) or not raw):
        raise WorkbenchError(f"{where}: constraints must be a non-empty list of constraint keys or tables")
    for item in raw or []:
        if isinstance(item, str):
            if item not in known | {c.key for c in extra}:
                raise WorkbenchError(f"{where}: no constraint {item!r}; built-in: "
                                     f"{', '.join(c.key for c in CONSTRAINTS)}, or give a table with key, "
                                     "title, text")
            keys.append(item)
        elif isinstance(item, dict) and all(isinstance(item.get(k), str) and item[k].strip()
                                            for k in ("key", "title", "text")) and KEY.match(item["key"]):
            if item["key"] in known:
                raise WorkbenchError(f"{where}: constraint {item['key']!r} is already defined; name it by its "
                                     "key alone or pick another key")
            extra.append(Constraint(item["key"], item["title"].strip(), item["text"].strip()))
            keys.append(item["key"])
        else:
            raise WorkbenchError(f"{where}: each constraint is a built-in key or a table with key (lower-case, "
                                 "dashes), title and text")
    numbers = entry.get("numbers", {})
    if not isinstance(numbers, dict) or set(numbers) - set(NUMBER_KEYS):
        raise WorkbenchError(f"{where}: numbers must be a table of {', '.join(NUMBER_KEYS)}")
    summary = entry.get("summary") or ", ".join(f"{k}={v}" for k, v in numbers.items())
    return (Prompt(key, entry["title"].strip(), entry["text"].strip(), MappingProxyType(dict(numbers)),
                   str(summary), tuple(keys) if raw else None, "workbench.toml"), extra)
