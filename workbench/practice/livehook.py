"""What the live page asks of the practice routine: the running mock's phase and time left, its recording, and
the design's open feedback points.

`workbench serve` puts a `PracticeHook` on the live state; the server answers ``GET /api/practice/<stem>`` with
`status` and ``POST /api/practice/audio/...`` with `post`, without knowing what a mock is. The recording goes
into the mock's folder under ``.workbench/mocks/`` on this machine and nowhere else.
"""

from __future__ import annotations

import threading
from typing import Any

MAX_CHUNK = 8_000_000  # bytes in one POST: MediaRecorder sends a chunk a second, a few KB each


class PracticeHook:
    def __init__(self, cfg) -> None:
        self.cfg = cfg
        self.mock = None  # a workbench.practice.mock.Mock while `workbench mock` runs
        self.lock = threading.Lock()
        self.max_chunk = MAX_CHUNK

    def status(self, stem: str) -> dict[str, Any]:
        """``{"mock": {...} or None, "feedback": [open points of this design]}``."""
        from workbench.practice import history
        from workbench.practice.feedback import open_points

        mock = self.mock
        status = mock.status() if mock is not None and mock.stem == stem else None
        try:
            records = history.read(self.cfg)
        except OSError:
            records = []
        design = next((r.get("design") for r in reversed(records) if r.get("design")
                       and str(r["design"]).rsplit("/", 1)[-1] == f"{stem}.py"), None)
        points = [{"id": p["id"], "text": p["text"], "reviewer": p.get("reviewer")}
                  for p in open_points(records, design)] if design else []
        return {"mock": status, "feedback": points}

    def post(self, path: str, query: dict[str, list[str]], body: bytes) -> tuple[int, dict[str, Any]]:
        """``/api/practice/audio/start`` (the recorder started), ``/api/practice/audio/chunk?seq=N`` (the next
        piece, in order), ``/api/practice/audio/stop``."""
        mock = self.mock
        if mock is None or not mock.running:
            return 409, {"error": "no mock is running: `workbench mock` starts one"}
        action = path.rsplit("/", 1)[-1]
        with self.lock:
            if action == "start":
                return 200, mock.audio_start(query.get("type", ["audio/webm"])[0])
            if action == "chunk":
                try:
                    seq = int(query.get("seq", [""])[0])
                except ValueError:
                    return 400, {"error": "seq must be a number"}
                return mock.audio_chunk(seq, body)
            if action == "stop":
                return 200, mock.audio_stop()
        return 404, {"error": f"no action {action!r}"}
