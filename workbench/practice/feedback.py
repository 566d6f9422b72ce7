"""Peer feedback that comes back: import the JSON a reviewer saved from the report's form, list and close its points.

The exported report (templates/report.html) carries a form that saves ``<stem>-feedback.json``:
``format: "workbench-feedback"``, ``version: 1``, ``design`` (the design's workspace path), ``reviewer``,
``steps`` and ``findings`` (each ``key``, ``clarity`` clear/unclear/null, ``comment``) and ``points`` (the
reviewer's improvement points). `import_file` checks it, keeps a copy in ``.workbench/feedback/<id>.json``
and records a ``feedback`` event plus one open lesson per point; the id is a hash of the content, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.config import Config
from workbench.errors import WorkbenchError

FORMAT = "workbench-feedback"
VERSION = 1
FOLDER = "feedback"
MAX_BYTES = 1_000_000  # a filled-in form is a few KB; anything this big is not one
CLARITY = (None, "clear", "unclear")


@dataclass
class Imported:
    id: str
    design: str
    reviewer: str
    points: list[str]
    unclear: list[str]  # titles of the steps and findings marked unclear
    new: bool  # False when this exact file had been imported before


def folder(cfg: Config) -> Path:
    from workbench.practice.history import FOLDER as HISTORY

    return cfg.root / HISTORY / FOLDER


def _text(value: Any, where: str, limit: int = 2000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where} must be text")
    return " ".join(value.split())[:limit]


def validate(document: Any, name: str) -> dict[str, Any]:
    """The document reduced to what the workbench keeps; WorkbenchError naming the file and what is wrong."""
    def bad(what: str) -> WorkbenchError:
        return WorkbenchError(f"{name}: {what}")

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise bad("not a workbench feedback file (it is saved by the feedback form at the end of an exported "
                  "report: `workbench export DESIGN`, then \"Save feedback\")")
    if document.get("version") != VERSION:
        raise bad(f"feedback format version {document.get('version')!r}; this workbench reads version {VERSION}")
    try:
        design = _text(document.get("design"), "design")
        if not design:
            raise ValueError("design is missing")
        items = []
        for kind in ("steps", "findings"):
            entries = document.get(kind, [])
            if not isinstance(entries, list):
                raise ValueError(f"{kind} must be a list")
            for n, entry in enumerate(entries, 1):
                if not isinstance(entry, dict):
                    raise ValueError(f"{kind}[{n}] must be an object")
                clarity = entry.get("clarity")
                if clarity not in CLARITY:
                    raise ValueError(f"{kind}[{n}].clarity must be clear, unclear or null")
                items.append({"kind": kind[:-1], "key": _text(entry.get("key"), f"{kind}[{n}].key", 200),
                              "title": _text(entry.get("title"), f"{kind}[{n}].title", 300),
                              "code": _text(entry.get("code"), f"{kind}[{n}].code", 20),
                              "clarity": clarity, "comment": _text(entry.get("comment"), f"{kind}[{n}].comment")})
        points = document.get("points", [])
        if not isinstance(points, list):
            raise ValueError("points must be a list of text")
        points = [p for p in (_text(p, "points[]") for p in points) if p]
        if len(points) > 10:
            raise ValueError(f"{len(points)} improvement points; the form gives at most 3")
    except ValueError as exc:
        raise bad(f"{exc}; this file was not written by the feedback form (or was edited by hand)") from None
    if not points and not any(i["clarity"] or i["comment"] for i in items):
        raise bad("the form was saved empty: nothing to import")
    return {"format": FORMAT, "version": VERSION, "design": design,
            "title": _text(document.get("title"), "title", 300),
            "reviewer": _text(document.get("reviewer"), "reviewer", 100) or "a reviewer",
            "report_generated": _text(document.get("report_generated"), "report_generated", 40),
            "saved": _text(document.get("saved"), "saved", 40), "items": items, "points": points}


def read_file(path: Path) -> dict[str, Any]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise WorkbenchError(f"{path}: {size:,} bytes is too big for a feedback file")
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such file") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise WorkbenchError(f"{path}: not JSON ({exc}); a feedback file is the JSON the report's form "
                             "saves") from None
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return validate(document, str(path))


def feedback_id(feedback: dict[str, Any]) -> str:
    canonical = json.dumps(feedback, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:10]


def import_file(cfg: Config, path: Path, now: datetime | None = None) -> Imported:
    """Attach the feedback to its design; each point becomes an open item in the lessons log."""
    from workbench.output.fileio import write_text_atomic
    from workbench.practice import history

    feedback = read_file(path)
    design = cfg.root / feedback["design"]
    if not design.is_file():
        raise WorkbenchError(f"{path}: it is feedback on {feedback['design']}, which is not in this workspace "
                             f"({cfg.root}); import it in the workspace that holds that design")
    fid = feedback_id(feedback)
    unclear = [i["title"] or i["key"] for i in feedback["items"] if i["clarity"] == "unclear"]
    result = Imported(fid, feedback["design"], feedback["reviewer"], feedback["points"], unclear, new=False)
    copy = folder(cfg) / f"{fid}.json"
    known = any(r.get("type") == history.FEEDBACK and r.get("id") == fid for r in history.read(cfg))
    if known:
        return result
    # The copy first, then the records: an interrupted import is completed by importing again.
    write_text_atomic(copy, json.dumps({**feedback, "id": fid}, indent=2, ensure_ascii=False) + "\n")
    for point in feedback["points"]:
        history.record_lesson(cfg, point, feedback["design"], now, source="feedback", feedback=fid, open=True,
                              reviewer=feedback["reviewer"])
    history.append(cfg, history.FEEDBACK, now, id=fid, design=feedback["design"], reviewer=feedback["reviewer"],
                   points=len(feedback["points"]), unclear=unclear)
    result.new = True
    return result


def open_points(records: list[dict], design: str | None = None) -> list[dict]:
    """Improvement points from peers not yet marked done (optionally for one design), oldest first."""
    from workbench.practice.history import lessons

    return [r for r in lessons(records) if r.get("source") == "feedback" and not r["done"]
            and (design is None or r.get("design") == design)]


def import_text(result: Imported) -> list[str]:
    if not result.new:
        return [f"feedback {result.id} on {result.design} was already imported; nothing changed"]
    lines = [f"imported feedback {result.id} from {result.reviewer} on {result.design}"]
    if result.unclear:
        lines.append(f"  unclear to them: {'; '.join(result.unclear)}")
    lines += [f"  open point: {p}" for p in result.points]
    lines.append("mark a point done with `workbench feedback done ID` (`workbench log list` shows the ids)")
    return lines
