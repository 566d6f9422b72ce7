"""`workbench cheatsheet`: a one-page HTML (and PDF) of fundamentals, each figure with its source, plus the user's
own lessons and most frequent mistakes.

The figures are data here (``NINES``, ``LATENCY``, ``RULES``, ``TRADE_OFFS``), each row naming a key of
``SOURCES``; the downtime column is computed from the availability so it cannot drift from its formula. The page
is the template ``cheatsheet.html``; it includes ``cheatsheet_user.html`` from the workspace's templates/, which
`workbench cheatsheet` creates once and never overwrites, so the user's own section survives updates.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.config import Config

TEMPLATE = "cheatsheet.html"
USER_TEMPLATE = "cheatsheet_user.html"
OUTPUT = "cheatsheet"

SOURCES = {
    "sre": ("Beyer, Jones, Petoff, Murphy (eds.), Site Reliability Engineering, O'Reilly 2016, Appendix A: "
            "Availability Table", "https://sre.google/sre-book/availability-table/"),
    "aws-rel": ("AWS Well-Architected Framework, Reliability Pillar: Availability (hard dependencies and "
                "redundant components)", "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/availability.html"),
    "dean": ("Jeff Dean, Designs, Lessons and Advice from Building Large Distributed Systems, LADIS 2009 "
             "keynote, slide \"Numbers Everyone Should Know\"",
             "https://www.cs.cornell.edu/projects/ladis2009/talks/dean-keynote-ladis2009.pdf"),
    "boner": ("Jonas Bonér, Latency Numbers Every Programmer Should Know (after Dean and Norvig, ~2012 SSD "
              "figures)", "https://gist.github.com/jboner/2841832"),
    "si": ("BIPM, The International System of Units (SI Brochure), 9th ed. 2019, Table 8: the day, 86 400 s",
           "https://www.bipm.org/en/publications/si-brochure"),
    "iec": ("IEC 80000-13:2008, Quantities and units, Part 13: binary prefixes (Ki = 2^10, Mi = 2^20, ...)",
            "https://www.iso.org/standard/31898.html"),
    "xu": ("Alex Xu, System Design Interview - An Insider's Guide, 2020, ch. 2 Back-of-the-envelope "
           "estimation (peak QPS = 2 x average)", "https://bytebytego.com/courses/system-design-interview/back-of-the-envelope-estimation"),
    "gilbert-lynch": ("Gilbert and Lynch, Brewer's Conjecture and the Feasibility of Consistent, Available, "
                      "Partition-Tolerant Web Services, SIGACT News 33(2), 2002", "https://doi.org/10.1145/564585.564601"),
    "abadi": ("Daniel Abadi, Consistency Tradeoffs in Modern Distributed Database System Design (PACELC), "
              "IEEE Computer 45(2), 2012", "https://doi.org/10.1109/MC.2012.33"),
    "dynamo": ("DeCandia et al., Dynamo: Amazon's Highly Available Key-value Store, SOSP 2007 (quorums R + W > N)",
               "https://doi.org/10.1145/1294261.1294281"),
    "ddia": ("Martin Kleppmann, Designing Data-Intensive Applications, O'Reilly 2017, ch. 5 Replication and "
             "ch. 6 Partitioning", "https://dataintensive.net/"),
    "karger": ("Karger et al., Consistent Hashing and Random Trees, STOC 1997", "https://doi.org/10.1145/258533.258660"),
    "azure-cache": ("Microsoft Azure Architecture Center, Cache-Aside pattern",
                    "https://learn.microsoft.com/en-us/azure/architecture/patterns/cache-aside"),
    "azure-shard": ("Microsoft Azure Architecture Center, Sharding pattern",
                    "https://learn.microsoft.com/en-us/azure/architecture/patterns/sharding"),
}

# Availability levels; downtime = (1 - availability) x period, with the 30-day month of the SRE table.
NINES = ("99%", "99.5%", "99.9%", "99.95%", "99.99%", "99.999%")

LATENCY = (  # (operation, nanoseconds, source)
    ("L1 cache reference", 0.5, "dean"),
    ("Branch mispredict", 5, "dean"),
    ("L2 cache reference", 7, "dean"),
    ("Mutex lock/unlock", 25, "dean"),
    ("Main memory reference", 100, "dean"),
    ("Compress 1 KB with a fast compressor (Zippy)", 3_000, "dean"),
    ("Send 2 KB over a 1 Gbps network", 20_000, "dean"),
    ("Read 4 KB randomly from SSD", 150_000, "boner"),
    ("Read 1 MB sequentially from memory", 250_000, "dean"),
    ("Round trip within the same datacenter", 500_000, "dean"),
    ("Read 1 MB sequentially from SSD", 1_000_000, "boner"),
    ("Disk seek", 10_000_000, "dean"),
    ("Read 1 MB sequentially from disk", 20_000_000, "dean"),
    ("Packet California - Netherlands - California", 150_000_000, "dean"),
)

RULES = (  # (rule of thumb, how it follows, source)
    ("1 day = 86,400 s ≈ 10^5 s", "definition of the day", "si"),
    ("1M requests a day ≈ 12 per second on average", "10^6 / 86,400 = 11.6", "si"),
    ("Peak ≈ 2 × average QPS (the workbench's default peak_factor)", "estimation convention", "xu"),
    ("2^10 = 1,024 ≈ 10^3; 2^20 ≈ 10^6; 2^30 ≈ 10^9; 2^40 ≈ 10^12", "binary prefixes Ki, Mi, Gi, Ti", "iec"),
    ("Components in series: A = A1 × A2 × ... (two 99.9% hard dependencies ≈ 99.8%)", "hard dependencies", "aws-rel"),
    ("n redundant copies: A = 1 - (1 - a)^n (two 99% copies = 99.99%)", "independent failures assumed", "aws-rel"),
    ("Quorum reads see the latest write when R + W > N (N=3: W=2, R=2)", "overlapping read and write sets", "dynamo"),
    ("Memory is ~80x faster than SSD for a sequential 1 MB read, disk ~20x slower than SSD", "ratio of the rows above",
     "boner"),
)

TRADE_OFFS = (  # (topic, the choice, source)
    ("CAP", "During a network partition a replicated store gives up either consistency or availability; "
            "without a partition both are possible.", "gilbert-lynch"),
    ("PACELC", "Else (no partition), the trade-off is latency against consistency: synchronous replication "
               "costs a round trip per write.", "abadi"),
    ("Consistency choices", "Strong (linearizable) for money, seats, locks; read-your-writes for a user's own "
                            "data; eventual for feeds, counters, search.", "ddia"),
    ("Caching", "Cache-aside: read the cache, on a miss read the store and fill the cache; set a TTL and "
                "invalidate on write; a cache is soft state, so the store must survive its loss.", "azure-cache"),
    ("Sharding", "Pick a key that spreads load and keeps one request on one shard (user id, not time); "
                 "hot keys and cross-shard queries are the cost; rebalancing needs a plan.", "azure-shard"),
    ("Consistent hashing", "Adding or removing a node moves about 1/n of the keys instead of almost all.",
     "karger"),
    ("Replication", "Leader-follower: simple, async replicas lag (stale reads, possible loss on failover); "
                    "sync replicas cost write latency; multi-leader and leaderless need conflict handling.", "ddia"),
)

USER_SECTION = """{# Your own section of the cheat sheet: `workbench cheatsheet` includes this file and never overwrites it.
   Plain HTML; keep it short so the sheet stays one page. Cite where a figure comes from. #}
<h2>My notes</h2>
<ul>
  <li>Write the numbers and trade-offs you keep forgetting here.</li>
</ul>
"""


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.2f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 60:
        return f"{seconds / 60:.1f} minutes"
    return f"{seconds:.1f} seconds"


def nines() -> list[dict[str, str]]:
    """Each level with the downtime it allows per year (365 days), 30-day month, week and day."""
    rows = []
    for level in NINES:
        down = 1 - float(level.rstrip("%")) / 100
        rows.append({"level": level, "year": _duration(down * 365 * 86400), "month": _duration(down * 30 * 86400),
                     "week": _duration(down * 7 * 86400), "day": _duration(down * 86400), "source": "sre"})
    return rows


def _latency_text(ns: float) -> str:
    if ns >= 1_000_000:
        return f"{ns / 1_000_000:g} ms"
    if ns >= 1_000:
        return f"{ns / 1_000:g} µs"
    return f"{ns:g} ns"


def context(cfg: Config, now: datetime | None = None) -> dict[str, Any]:
    """Everything the cheatsheet.html template can use."""
    from workbench.practice import history
    from workbench.practice.progress import summarise

    now = history.local_now(now)
    records = history.read(cfg)
    lessons = [r for r in history.lessons(records)][-12:]
    month = summarise(records, now, 30, cfg)
    cited = ["sre", *(k for _, _, k in LATENCY), *(k for _, _, k in RULES), *(k for _, _, k in TRADE_OFFS)]
    order = list(dict.fromkeys(cited))
    number = {key: n for n, key in enumerate(order, 1)}
    return {
        "generated": f"{now:%Y-%m-%d}",
        "nines": nines(),
        "latency": [{"what": w, "ns": f"{ns:,}" if ns < 1 else f"{int(ns):,}", "text": _latency_text(ns), "source": s} for w, ns, s in LATENCY],
        "rules": [{"rule": r, "how": h, "source": s} for r, h, s in RULES],
        "trade_offs": [{"topic": t, "text": x, "source": s} for t, x, s in TRADE_OFFS],
        "cite": number,
        "sources": [{"n": number[k], "key": k, "text": SOURCES[k][0], "url": SOURCES[k][1]} for k in order],
        "lessons": [{"date": str(r.get("at", ""))[:10], "text": r["text"], "done": bool(r["done"]),
                     "design": r.get("design")} for r in lessons],
        "mistakes": month.mistakes[:6],
    }


def ensure_user_section(cfg: Config) -> Path | None:
    """templates/cheatsheet_user.html, created once (never overwritten); None when it cannot be written."""
    path = cfg.templates / USER_TEMPLATE
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(USER_SECTION)
    except FileExistsError:
        return path
    except OSError:
        return None
    return path


def write(cfg: Config, now: datetime | None = None, pdf: bool = True) -> list[Path]:
    """Write out/cheatsheet.html (and .pdf); record it in the history; returns the files written."""
    import jinja2

    from workbench.errors import WorkbenchError
    from workbench.output.fileio import write_bytes_atomic, write_text_atomic
    from workbench.output.report import environment, template_location
    from workbench.practice import history

    ensure_user_section(cfg)
    try:
        html = environment(cfg.templates).get_template(TEMPLATE).render(**context(cfg, now))
    except jinja2.TemplateError as exc:
        file, line = template_location(exc, TEMPLATE)
        raise WorkbenchError(f"template {file}:{line}: {getattr(exc, 'message', None) or exc}; fix the template "
                             "(your section is templates/cheatsheet_user.html)") from exc
    page = cfg.out / f"{OUTPUT}.html"
    written = [page]
    write_text_atomic(page, html)
    if pdf:
        from workbench.output.report import pdf_from_html

        target = cfg.out / f"{OUTPUT}.pdf"
        write_bytes_atomic(target, pdf_from_html(html, cfg.out))
        written.append(target)
    history.safely(history.append, cfg, history.CHEATSHEET, now, path=str(page.relative_to(cfg.root))
                   if page.is_relative_to(cfg.root) else str(page))
    return written

