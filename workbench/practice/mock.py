"""Mock interviews: a timed session in phases that snapshots the design on every save, and its replay page.

`workbench mock [PROMPT]` scaffolds a design for the prompt, watches and serves it, announces each phase
(clarify, estimate, high-level design, deep dive, scaling and reliability, wrap-up) in the terminal and on the
live page, and keeps everything in ``.workbench/mocks/<id>/`` on this machine:

- ``mock.json``: the prompt, the design, the start, the phase plan (seconds from the start), the end, and the
  recording's offset when the live page recorded the microphone;
- ``snapshots/NNN.json``: one per save (and one at the start): seconds from the start, the phase, the source,
  model.json and findings.json of that build (or its error), counts, readiness and availability; the findings
  view SVG of each diagram is kept once per distinct content in ``svg/<hash>.svg``;
- ``recording.webm``: the microphone, as the browser's MediaRecorder sent it (never uploaded anywhere).

`workbench mock review [ID]` turns that into ``out/mocks/<id>/review.html``: a timeline of the snapshots
(diagram and findings side by side, what changed, time per phase, when each single point of failure appeared
and was fixed), the rubric of the last good snapshot as a review checklist, and the recording, which drives
the timeline while it plays. Phase lengths default to ``PHASES`` (45 minutes) and come from
``[workbench.mock] phases = {clarify = 5, ...}`` (minutes); ``--minutes`` scales them to that total.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.config import Config
from workbench.errors import WorkbenchError

PHASES = (  # key, title, minutes (of a 45-minute mock)
    ("clarify", "Clarify requirements", 5),
    ("estimate", "Estimate", 5),
    ("high-level", "High-level design", 10),
    ("deep-dive", "Deep dive", 12),
    ("scaling", "Scaling and reliability", 8),
    ("wrap-up", "Wrap-up", 5),
)
FOLDER = "mocks"
AUDIO = "recording.webm"
def single_point(f: dict) -> bool:
    """A finding the review's table of single points of failure lists (`findings.is_single_point`)."""
    from workbench.analysis.findings import is_single_point

    return is_single_point(f.get("code", ""), f.get("severity"))


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    start: float  # seconds from the start of the mock
    end: float

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "start": self.start, "end": self.end}


def plan(cfg: Config | None, minutes: float | None = None) -> list[Phase]:
    """The phases with their start and end: ``[workbench.mock] phases`` or the defaults, scaled to `minutes`."""
    lengths = [(k, t, float(m)) for k, t, m in PHASES]
    custom = ((getattr(cfg, "practice", None) or {}).get("mock") or {}) if cfg is not None else {}
    where = str(getattr(cfg, "source", None) or "workbench.toml")
    if custom:
        if not isinstance(custom, dict) or set(custom) - {"phases"}:
            raise WorkbenchError(f"{where}: mock takes one setting, phases = {{clarify = 5, estimate = 5, ...}} "
                                 "(minutes per phase)")
        phases = custom.get("phases", {})
        known = [k for k, _, _ in PHASES]
        if not isinstance(phases, dict) or any(k not in known for k in phases) or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 for v in phases.values()):
            raise WorkbenchError(f"{where}: mock.phases maps phases ({', '.join(known)}) to minutes (0 skips one)")
        lengths = [(k, t, float(phases.get(k, m))) for k, t, m in lengths]
    total = sum(m for _, _, m in lengths)
    if total <= 0:
        raise WorkbenchError(f"{where}: mock.phases add up to 0 minutes")
    scale = (minutes / total) if minutes else 1.0
    out, at = [], 0.0
    for key, title, m in lengths:
        if m <= 0:
            continue
        seconds = m * 60 * scale
        out.append(Phase(key, title, round(at, 3), round(at + seconds, 3)))
        at += seconds
    return out


def format_clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def folder(cfg: Config) -> Path:
    from workbench.practice.history import FOLDER as HISTORY

    return cfg.root / HISTORY / FOLDER


# -- one mock --------------------------------------------------------------------------------------------------------
class Mock:
    """A mock's folder: its plan, snapshots and recording. Thread-safe: the watcher snapshots while the HTTP
    server stores the recording."""

    def __init__(self, cfg: Config, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        from workbench.practice.history import local_now

        self.cfg = cfg
        self.path = Path(path)
        self.clock = clock or local_now
        self.lock = threading.RLock()
        try:
            self.meta = json.loads((self.path / "mock.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkbenchError(f"{self.path}: not a mock folder ({exc})") from None
        self.phases = [Phase(**p) for p in self.meta["phases"]]
        self.last_source: tuple[str, bool] | None = None
        self.audio_next = 0

    # -- what it is ---------------------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def design(self) -> Path:
        return self.cfg.root / self.meta["design"]

    @property
    def stem(self) -> str:
        return self.design.stem

    @property
    def started(self) -> datetime:
        return datetime.fromisoformat(self.meta["started"])

    @property
    def running(self) -> bool:
        return not self.meta.get("ended")

    @property
    def length(self) -> float:
        return self.phases[-1].end if self.phases else 0.0

    def elapsed(self, now: datetime | None = None) -> float:
        return max(0.0, ((now or self.clock()) - self.started).total_seconds())

    def phase_at(self, seconds: float) -> int:
        """Index of the phase running at `seconds` (the last one once the time is up)."""
        for i, p in enumerate(self.phases):
            if seconds < p.end:
                return i
        return len(self.phases) - 1

    def status(self, now: datetime | None = None) -> dict[str, Any]:
        """What the live page shows: the phase, time left in it and overall, whether it is recording."""
        seconds = self.elapsed(now)
        i = self.phase_at(seconds)
        phase = self.phases[i]
        return {"id": self.id, "design": self.meta["design"], "prompt": self.meta.get("title", ""),
                "elapsed": round(seconds, 1), "left": round(max(0.0, self.length - seconds), 1),
                "phase": {"n": i + 1, "of": len(self.phases), "key": phase.key, "title": phase.title,
                          "left": round(max(0.0, phase.end - seconds), 1)},
                "phases": [p.to_dict() for p in self.phases], "running": self.running,
                "recording": {"started": self.meta.get("audio") is not None,
                              "bytes": (self.path / AUDIO).stat().st_size if (self.path / AUDIO).exists() else 0}}

    def save_meta(self) -> None:
        from workbench.output.fileio import write_text_atomic

        with self.lock:
            write_text_atomic(self.path / "mock.json", json.dumps(self.meta, indent=2, ensure_ascii=False) + "\n")

    # -- snapshots ------------------------------------------------------------------------------------------------
    def snapshots(self) -> list[dict[str, Any]]:
        found = []
        for file in sorted((self.path / "snapshots").glob("*.json")):
            try:
                found.append(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue  # a snapshot cut short by a crash: the others still replay
        return found

    def snapshot(self, result, now: datetime | None = None) -> dict[str, Any] | None:
        """Keep the design as this build saw it (a watch.Rebuild's result); None when nothing changed."""
        from workbench.output.fileio import write_text_atomic
        from workbench.output.outdir import FINDINGS

        if Path(result.design).absolute() != self.design.absolute():
            return None
        with self.lock:
            if not self.running:
                return None
            try:
                source = self.design.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                source = ""
            key = (hashlib.sha256(source.encode()).hexdigest(), bool(result.ok))
            if key == self.last_source:
                return None
            self.last_source = key
            seconds = self.elapsed(now)
            target = self.cfg.out / self.stem
            snap: dict[str, Any] = {"n": len(self.snapshots()), "at": (now or self.clock()).isoformat(timespec="seconds"),
                                    "seconds": round(seconds, 2), "phase": self.phases[self.phase_at(seconds)].key,
                                    "ok": bool(result.ok), "source": source, "svgs": {}}
            if result.ok:
                model = _read_json(target / "model.json")
                findings = _read_json(target / FINDINGS)
                snap.update(model=model, findings=findings, summary=(findings or {}).get("summary"),
                            readiness=((findings or {}).get("readiness") or {}).get("score"),
                            availability=availability_of(model, findings))
                for d in (model or {}).get("diagrams", []):
                    svg = target / f"{d['slug']}.findings.svg"
                    if not svg.exists():
                        svg = target / f"{d['slug']}.svg"
                    try:
                        data = svg.read_bytes()
                    except OSError:
                        continue
                    digest = hashlib.sha256(data).hexdigest()[:16]
                    kept = self.path / "svg" / f"{digest}.svg"
                    if not kept.exists():
                        kept.parent.mkdir(parents=True, exist_ok=True)
                        kept.write_bytes(data)
                    snap["svgs"][d["slug"]] = digest
            else:
                error = result.error
                snap["error"] = error.format_message() if error is not None else "the build failed"
            write_text_atomic(self.path / "snapshots" / f"{snap['n']:03d}.json",
                              json.dumps(snap, ensure_ascii=False) + "\n")
            return snap

    # -- the recording ----------------------------------------------------------------------------------------------
    def audio_start(self, mime: str = "audio/webm") -> dict[str, Any]:
        """The recorder started now: a fresh recording (a second start replaces the first)."""
        with self.lock:
            (self.path / AUDIO).unlink(missing_ok=True)
            self.audio_next = 0
            self.meta["audio"] = {"file": AUDIO, "offset": round(self.elapsed(), 2), "type": mime[:60]}
            self.save_meta()
            return {"ok": True, "offset": self.meta["audio"]["offset"]}

    def audio_chunk(self, seq: int, data: bytes) -> tuple[int, dict[str, Any]]:
        """Append the recorder's next chunk; chunks must come in order (a gap would corrupt the file)."""
        with self.lock:
            if self.meta.get("audio") is None:
                return 409, {"error": "the recording was not started"}
            if seq != self.audio_next:
                return 409, {"error": f"chunk {seq} out of order; expected {self.audio_next}"}
            with open(self.path / AUDIO, "ab") as fh:
                fh.write(data)
            self.audio_next += 1
            return 200, {"ok": True, "bytes": (self.path / AUDIO).stat().st_size}

    def audio_stop(self) -> dict[str, Any]:
        with self.lock:
            if self.meta.get("audio") is not None:
                self.meta["audio"]["stopped"] = round(self.elapsed(), 2)
                self.save_meta()
            return {"ok": True}

    def finish(self, now: datetime | None = None) -> float:
        with self.lock:
            if self.running:
                self.meta["ended"] = (now or self.clock()).isoformat(timespec="seconds")
                self.meta["seconds"] = round(self.elapsed(now), 1)
                self.save_meta()
            return float(self.meta.get("seconds") or 0)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def availability_of(model: Any, findings: Any) -> dict[str, Any]:
    """The availability picture of a build: the sheet's target, the analysis's estimate when it made one, and
    the single points of failure (active findings that `single_point` names) by label."""
    sheet = (model or {}).get("sheet") or {}
    estimates = [d.get("availability", {}).get("estimate") for d in (findings or {}).get("diagrams", [])
                 if isinstance(d.get("availability"), dict)]
    estimates = [e for e in estimates if isinstance(e, (int, float))]
    return {"slo": sheet.get("slo"), "estimate": min(estimates) if estimates else None,
            "spofs": sorted({spof_key(f) for f in active(findings) if single_point(f)})}


def active(findings: Any) -> list[dict]:
    return [f for d in (findings or {}).get("diagrams", []) for f in d.get("findings", []) if not f.get("accepted")]


def spof_key(f: dict) -> str:
    return f"{f.get('code')} {f.get('target') or ', '.join(f.get('nodes') or [])}".strip()


def spof_label(f: dict) -> str:
    """What the review page calls a single point of failure: its rule and the components' labels (the key
    above uses the finding's target, an internal ``label|Class|cluster`` identity)."""
    return f"{f.get('code')} {', '.join(f.get('nodes') or []) or str(f.get('target') or '').split('|')[0]}".strip()


def plain(text: Any) -> str:
    """A finding's message without the backticks that mark component names (the page shows plain text)."""
    return str(text or "").replace("`", "")


# -- starting and running one --------------------------------------------------------------------------------------
def create(cfg: Config, prompt: str | None = None, minutes: float | None = None,
           now: datetime | None = None) -> Mock:
    """Pick the prompt (a key, ``key/constraint``, or the next drill), scaffold its design and the mock folder."""
    from workbench.design.loader import display_path
    from workbench.output.fileio import write_text_atomic
    from workbench.practice import history
    from workbench.practice.drills import next_drill
    from workbench.practice.prompts import Drill, catalogue
    from workbench.practice.scaffold import new_design

    phases = plan(cfg, minutes)  # a bad [workbench.mock] fails before anything is written
    cat = catalogue(cfg)
    if prompt and "/" in prompt:
        drill = cat.drill(prompt)
    elif prompt:
        p = cat.prompt(prompt.strip())
        drill = next((d for d in next_rotation(cfg, cat) if d.prompt.key == p.key), None) or Drill(p, cat.constraints[0])
    else:
        drill = next_drill(history.read(cfg), cat.pairs)
    start = history.local_now(now)
    path = cfg.designs / f"mock_{drill.stem}_{start:%Y%m%d}.py"
    n = 2
    while path.exists():
        path = cfg.designs / f"mock_{drill.stem}_{start:%Y%m%d}_{n}.py"
        n += 1
    mock_id = f"{start:%Y%m%d-%H%M%S}-{drill.prompt.key}"
    target = folder(cfg) / mock_id
    if target.exists():
        raise WorkbenchError(f"{target} already exists; wait a second and start again")
    new_design(cfg, path.stem, "drill", drill.prompt.key, drill.constraint.key, path=path, now=start)
    meta = {"id": mock_id, "pair": drill.key, "title": drill.title, "prompt": drill.prompt.text,
            "constraint": drill.constraint.text, "design": display_path(path, cfg.root),
            "started": start.isoformat(timespec="seconds"), "phases": [p.to_dict() for p in phases],
            "audio": None, "ended": None}
    write_text_atomic(target / "mock.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    history.safely(history.append, cfg, history.MOCK_START, start, id=mock_id, design=meta["design"],
                   pair=drill.key, minutes=round(phases[-1].end / 60, 2))
    return Mock(cfg, target)


def next_rotation(cfg: Config, cat) -> list:
    from workbench.practice import history
    from workbench.practice.drills import rotation

    return rotation(history.read(cfg), cat.pairs)


def announcer(mock: Mock, echo: Callable[[str], None], until: threading.Event,
              sleep: Callable[[float], None] = time.sleep) -> threading.Thread:
    """A thread that says each phase as it starts, one minute before the end, and sets `until` when the time is up."""
    def run() -> None:
        said = -1
        warned = False
        while not until.is_set():
            seconds = mock.elapsed()
            if seconds >= mock.length:
                echo(f"{time.strftime('%H:%M:%S')} time is up ({format_clock(mock.length)}); stopping the mock")
                until.set()
                return
            i = mock.phase_at(seconds)
            if i != said:
                said = i
                p = mock.phases[i]
                echo(f"{time.strftime('%H:%M:%S')} phase {i + 1}/{len(mock.phases)}: {p.title} "
                     f"({format_clock(p.end - p.start)}; {format_clock(mock.length - seconds)} left in the mock)")
            if not warned and mock.length >= 300 and mock.length - seconds <= 60:
                warned = True
                echo(f"{time.strftime('%H:%M:%S')} one minute left")
            sleep(min(0.25, max(0.01, mock.length - seconds)))

    thread = threading.Thread(target=run, name="wb-mock", daemon=True)
    thread.start()
    return thread


def run_mock(cfg: Config, prompt: str | None = None, minutes: float | None = None, *,
             echo: Callable[[str], None] = print, host: str = "127.0.0.1", port: int = 8000,
             open_browser: bool = False, watch: Callable[..., None] | None = None,
             ready: Callable[[dict], None] | None = None, until: threading.Event | None = None) -> Mock:
    """`workbench mock`: create the mock, watch and serve its design until the time is up or Ctrl-C; returns
    the finished mock. `watch` is `workbench.live.watch.run_watch` (injectable)."""
    from workbench.design.loader import display_path
    from workbench.practice import history

    if watch is None:
        from workbench.live.watch import run_watch as watch
    mock = create(cfg, prompt, minutes)
    until = until or threading.Event()
    echo(f"mock {mock.id}: {mock.meta['title']}")
    echo(f"  prompt:     {mock.meta['prompt']}")
    echo(f"  constraint: {mock.meta['constraint']}")
    echo(f"  design:     {display_path(mock.design, Path.cwd())}")
    echo("  phases:     " + ", ".join(f"{p.title} {format_clock(p.end - p.start)}" for p in mock.phases))

    def rebuilt(rebuild) -> None:
        snap = mock.snapshot(rebuild.result)
        if snap is not None and rebuild.result.ok:
            history.record_output(cfg, mock.design, "mock")

    def started(info: dict) -> None:
        state = info.get("state")
        hook = getattr(state, "practice", None)
        if hook is not None:
            hook.mock = mock
        server = info.get("server")
        if server is not None:
            echo(f"  live page:  {server.url}design/{mock.stem} (phase, time left, record your voice)")
        announcer(mock, echo, until)
        if ready is not None:
            ready({**info, "mock": mock})

    try:
        watch(cfg, [mock.design], serve=True, host=host, port=port, open_browser=open_browser, echo=echo,
              ready=started, until=until, on_rebuild=rebuilt, via="mock")
    finally:
        until.set()
        seconds = mock.finish()
        history.safely(history.append, cfg, history.MOCK_DONE, None, id=mock.id, design=mock.meta["design"],
                       seconds=round(seconds))
    snaps = mock.snapshots()
    echo(f"mock {mock.id} done after {format_clock(seconds)}: {len(snaps)} snapshot{'s' * (len(snaps) != 1)}"
         + (", recording kept" if mock.meta.get("audio") else ""))
    echo(f"review it within 48 hours: workbench mock review {mock.id}")
    return mock


# -- the review page ---------------------------------------------------------------------------------------------
def find(cfg: Config, mock_id: str | None = None) -> Mock:
    """The mock `mock_id` (or a unique start of it), or the latest one."""
    mocks = sorted(p for p in folder(cfg).glob("*") if (p / "mock.json").is_file()) if folder(cfg).is_dir() else []
    if not mocks:
        raise WorkbenchError("no mock yet: `workbench mock` runs one")
    if mock_id is None:
        return Mock(cfg, mocks[-1])
    found = [p for p in mocks if p.name == mock_id] or [p for p in mocks if p.name.startswith(mock_id)]
    if len(found) != 1:
        known = ", ".join(p.name for p in mocks[-5:])
        raise WorkbenchError(f"{'no' if not found else 'more than one'} mock {mock_id!r}; recent: {known}")
    return Mock(cfg, found[0])


def _model_parts(model: Any) -> tuple[set[str], set[str]]:
    nodes, edges = set(), set()
    for d in (model or {}).get("diagrams", []):
        labels = {n["id"]: (n.get("label") or n["id"]) for n in d.get("nodes", [])}
        nodes |= set(labels.values())
        edges |= {f"{labels.get(e['tail'], e['tail'])} → {labels.get(e['head'], e['head'])}" for e in d.get("edges", [])}
    return nodes, edges


def _finding_keys(findings: Any) -> dict[str, dict]:
    """Active errors and warnings by fingerprint (code and subject): a finding whose figures or wording change
    between saves is the same finding, not one fixed and one new."""
    return {f.get("fingerprint") or f"{f.get('code')} {f.get('message')}": f for f in active(findings)
            if f.get("severity") in ("error", "warning")}


def _said(f: dict) -> str:
    return plain(f"{f.get('code')} {f.get('message')}")


def _finding_changes(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """"fixed", "new" and "now" lines between two saves (`findings.pair_changes`: a finding that moved to another
    subject is the same finding, "now", or nothing when its text is the same)."""
    from workbench.analysis.findings import pair_changes

    gone, came, same = pair_changes(before, after)
    return (sorted(f"fixed {_said(f)}" for f in gone) + sorted(f"new {_said(f)}" for f in came)
            + sorted(f"now {_said(new)}" for old, new in same if _said(old) != _said(new)))


def replay(mock: Mock) -> dict[str, Any]:
    """Everything the review page shows (template ``mock_review.html``)."""
    from workbench.analysis.rubric import score_model
    from workbench.output.report import plural

    snaps = mock.snapshots()
    end = float(mock.meta.get("seconds") or (snaps[-1]["seconds"] if snaps else 0.0))
    svgs: dict[str, str] = {}
    rows = []
    prev_nodes, prev_edges, prev_findings, prev_sheet = set(), set(), {}, {}
    spofs: dict[str, dict] = {}
    last_good = None
    for s in snaps:
        changes: list[str] = []
        if s.get("ok"):
            nodes, edges = _model_parts(s.get("model"))
            found = _finding_keys(s.get("findings"))
            changes += [f"+ component {n}" for n in sorted(nodes - prev_nodes)]
            changes += [f"− component {n}" for n in sorted(prev_nodes - nodes)]
            changes += [f"+ connection {e}" for e in sorted(edges - prev_edges)]
            changes += [f"− connection {e}" for e in sorted(prev_edges - edges)]
            changes += _finding_changes(prev_findings, found)
            sheet = {k: v for k, v in ((s.get("model") or {}).get("sheet") or {}).items()
                     if k not in ("file", "line", "design_inputs")}  # design_inputs is derived, never written
            if s["n"] > 0:
                changes += [f"sheet: {k}" + (f" ({plural(len(sheet[k]), 'item')})"
                                             if isinstance(sheet.get(k), list) else "")
                            for k in sorted(set(sheet) | set(prev_sheet)) if sheet.get(k) != prev_sheet.get(k)]
            prev_nodes, prev_edges, prev_findings, prev_sheet = nodes, edges, found, sheet
            current = set(s.get("availability", {}).get("spofs", []))
            labels = {spof_key(f): spof_label(f) for f in active(s.get("findings")) if single_point(f)}
            for key in current:  # appeared (or came back: then it is not fixed after all)
                spofs.setdefault(key, {"key": labels.get(key) or key.split("|")[0], "id": key,
                                       "appeared": s["seconds"], "n": s["n"]})["fixed"] = None
            for key, item in spofs.items():
                if key not in current and item["fixed"] is None:
                    item["fixed"] = s["seconds"]
            last_good = s
            for slug, digest in (s.get("svgs") or {}).items():
                if digest not in svgs:
                    try:
                        svgs[digest] = _inline(
                            (mock.path / "svg" / f"{digest}.svg").read_text(encoding="utf-8"))
                    except OSError:
                        svgs[digest] = ""
        else:
            changes.append("the build failed: " + str(s.get("error", ""))[:300])
        summary = s.get("summary") or {}
        rows.append({"n": s["n"], "seconds": s["seconds"], "clock": format_clock(s["seconds"]),
                     "phase": next((p.title for p in mock.phases if p.key == s.get("phase")), s.get("phase")),
                     "ok": s.get("ok"), "error": s.get("error"),
                     "counts": (f"{plural(summary.get('error', 0), 'error')}, "
                                f"{plural(summary.get('warning', 0), 'warning')}") if s.get("ok") else "failed",
                     "readiness": s.get("readiness"), "availability": s.get("availability"),
                     "svgs": list((s.get("svgs") or {}).values()), "changes": changes or ["no visible change"],
                     "findings": [{"code": f.get("code"), "severity": f.get("severity"),
                                   "message": plain(f.get("message"))}
                                  for f in active(s.get("findings")) if f.get("severity") in ("error", "warning")]
                     if s.get("ok") else []})
    phases = []
    for p in mock.phases:
        spent = max(0.0, min(end, p.end) - p.start)
        saves = sum(1 for s in snaps if s.get("phase") == p.key and s["n"] > 0)
        phases.append({"title": p.title, "planned": format_clock(p.end - p.start), "spent": format_clock(spent),
                       "saves": saves, "start": p.start, "left_pct": round(100 * p.start / max(end, mock.length, 1), 2),
                       "width_pct": round(100 * (p.end - p.start) / max(end, mock.length, 1), 2)})
    for s in rows:
        s["left_pct"] = round(100 * s["seconds"] / max(end, mock.length, 1), 2)
    rubric = score_model(last_good.get("model") or {}, active(last_good.get("findings"))) if last_good else None
    audio = mock.meta.get("audio")
    return {
        "mock": {"id": mock.id, "title": mock.meta.get("title"), "prompt": mock.meta.get("prompt"),
                 "constraint": mock.meta.get("constraint"), "design": mock.meta.get("design"),
                 "started": mock.meta.get("started"), "length": format_clock(mock.length),
                 "spent": format_clock(end), "ended": mock.meta.get("ended")},
        "phases": phases,
        "snapshots": rows,
        "svgs": svgs,
        "spofs": [{**v, "appeared_clock": format_clock(v["appeared"]),
                   "fixed_clock": format_clock(v["fixed"]) if v["fixed"] is not None else None}
                  for v in sorted(spofs.values(), key=lambda v: v["appeared"])],
        "rubric": rubric,
        "audio": {"src": AUDIO, "offset": audio.get("offset", 0.0), "type": audio.get("type", "audio/webm")}
        if audio and (mock.path / AUDIO).exists() else None,
        "due": "within 48 hours of the mock",
        "span": max(end, mock.length, 1),
    }


def _inline(svg: str) -> str:
    """The snapshot's SVG for the page, its ids scoped: the page holds many snapshots, and an icon id such as
    wb-icon-1 names another icon in each one once the design's classes change."""
    from workbench.output.report import inline_svg

    return inline_svg(svg)


def review(cfg: Config, mock_id: str | None = None, output: Path | None = None,
           now: datetime | None = None) -> tuple[Mock, Path]:
    """Write the replay page (``out/mocks/<id>/review.html`` unless `output`) and record the review."""
    import jinja2

    from workbench.output.fileio import write_text_atomic
    from workbench.output.report import environment, template_location
    from workbench.practice import history

    mock = find(cfg, mock_id)
    if mock.running and mock.elapsed(now) < mock.length:
        raise WorkbenchError(f"mock {mock.id} is still running; review it when it has ended")
    ctx = replay(mock)
    try:
        html = environment(cfg.templates).get_template("mock_review.html").render(**ctx)
    except jinja2.TemplateError as exc:
        file, line = template_location(exc, "mock_review.html")
        raise WorkbenchError(f"template {file}:{line}: {getattr(exc, 'message', None) or exc}") from exc
    page = Path(output) if output else cfg.out / "mocks" / mock.id / "review.html"
    if ctx["audio"]:
        page.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mock.path / AUDIO, page.parent / AUDIO)  # the page plays it from beside itself
    write_text_atomic(page, html)
    history.safely(history.append, cfg, history.MOCK_REVIEW, now, id=mock.id, design=mock.meta.get("design"))
    return mock, page
