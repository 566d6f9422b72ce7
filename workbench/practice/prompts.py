"""The prompt catalogue: classic design prompts, constraint variants, and drills as prompt/constraint pairs."""

from __future__ import annotations

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

    def capacity(self, constraint: Constraint | None = None) -> dict[str, Any]:
        """The capacity inputs, scaled by the constraint (read-heavy: 10x the reads, ...)."""
        numbers = dict(self.numbers)
        for name, factor in (constraint.scale if constraint else {}).items():
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
    _prompt("search-autocomplete", "Search autocomplete",
            "Design search autocomplete: as a user types, suggest the top 10 completions within a blink, "
            "ranked by popularity and kept fresh as trends change.",
            "100M daily users; 20 suggestion requests per user per day (one per keystroke burst); 2 searches "
            "logged per user per day; 200 bytes per entry; logs kept 1 year",
            dau="100M", reads_per_user=20, writes_per_user=2, payload="200B", retention="1 year"),
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
    """Every pair, in rounds: round r gives prompt i the constraint (i + r) mod |constraints|.

    Each round visits every prompt once with a different constraint each, so the first drills of a fresh
    history vary in both; over all rounds every pair appears exactly once.
    """
    prompts, constraints = list(prompts), list(constraints)
    return tuple(Drill(p, constraints[(i + r) % len(constraints)])
                 for r in range(len(constraints)) for i, p in enumerate(prompts))


PAIRS: tuple[Drill, ...] = interleave(PROMPTS, CONSTRAINTS)


def prompt(key: str) -> Prompt:
    for p in PROMPTS:
        if p.key == key:
            return p
    raise WorkbenchError(f"no prompt {key!r}; known: {', '.join(p.key for p in PROMPTS)}")


def constraint(key: str) -> Constraint:
    for c in CONSTRAINTS:
        if c.key == key:
            return c
    raise WorkbenchError(f"no constraint {key!r}; known: {', '.join(c.key for c in CONSTRAINTS)}")


def drill(key: str) -> Drill:
    """The pair ``prompt/constraint``."""
    p, sep, c = key.strip().partition("/")
    if not sep:
        raise WorkbenchError(f"{key!r} is not a drill; drills are prompt/constraint, e.g. {PAIRS[0].key}")
    return Drill(prompt(p), constraint(c))
