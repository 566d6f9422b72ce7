"""Benchmark `workbench watch`: save-to-updated-outputs latency against a cold `python design.py` after the same edit.

A 25-node design is edited 20 times (one label changes each time, as when typing). For each edit it measures
  watch: from the start of the save until the rebuilt SVG, model.json, findings.json and reports are in
         out/<design>/ (swapped in atomically; model.json showing the new label marks it), with a running
         `workbench watch` (observer, debounce, warm worker, render, analysis). The live page updates then.
  watch, every format in place: until the slower formats (PNG, PDF) have followed too (the stamp stops
         saying "partial"); PNG rasterisation is the floor here, for plain `diagrams` as much as for us.
  cold:  the same edit followed by a cold run of the design, in the same run, interleaved with the watch edits
         so that machine noise hits both alike. "Same outputs" tells `diagrams` to write what the watcher
         writes; "as-is" is literally `python design.py` (PNG only).
Two rounds: the workspace's default formats (PNG + SVG) and SVG only (what the live page needs).
Target: watch p50 <= 0.8x the cold p50 with the same outputs.
Usage: python benchmarks/watch.py [--edits 20] [--markdown] [--breakdown]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import compile_package

BIN = Path(sys.executable).parent

DESIGN = '''"""Benchmark design: a photo-sharing service, 25 nodes."""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS, Lambda
from diagrams.aws.database import RDS, Dynamodb
from diagrams.aws.network import ELB, CloudFront, Route53
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.monitoring import Grafana, Prometheus
from diagrams.onprem.queue import Kafka
from diagrams.elastic.elasticsearch import Elasticsearch

with Diagram("Photo Sharing", show=False, direction="LR"):
    users = Users("users")
    dns = Route53("DNS")
    cdn = CloudFront("CDN")
    lb = ELB("ALB")
    with Cluster("API"):
        api = [ECS("{label}"), ECS("api-2"), ECS("api-3"), ECS("api-4")]
    with Cluster("Upload pipeline"):
        upload = ECS("upload")
        thumbs = [Lambda("thumbnailer-1"), Lambda("thumbnailer-2")]
        events = Kafka("events", replicas="3")
    with Cluster("Storage"):
        photos = S3("photos")
        meta = RDS("metadata", multi_az="true")
        meta_ro = [RDS("replica-1"), RDS("replica-2")]
        feed = Dynamodb("feed")
    with Cluster("Cache"):
        cache = Redis("cache")
        cache_replica = Redis("cache replica")
    search = Elasticsearch("search")
    auth = Lambda("auth")
    sessions = Dynamodb("sessions")
    notifier = ECS("notifier")
    with Cluster("Observability"):
        prom = Prometheus("metrics")
        grafana = Grafana("dashboards")
    users >> dns >> cdn >> lb >> api
    api >> cache
    cache - Edge(style="dotted") - cache_replica
    api >> meta
    meta >> meta_ro
    api >> feed
    api >> search
    lb >> upload >> photos
    upload >> events >> thumbs
    thumbs >> photos
    prom >> grafana
    api >> auth >> sessions
    events >> notifier
    api >> Edge(style="dashed") >> prom
'''

# `diagrams` itself, told to write the given formats: what the user would run by hand for the same outputs.
PLAIN_RUNNER = """
import runpy, sys, diagrams
orig = diagrams.Diagram.__init__
def init(self, *a, **k):
    k.update(show=False, outformat=sys.argv[2].split(","))
    orig(self, *a, **k)
diagrams.Diagram.__init__ = init
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def write(path: Path, label: str) -> None:
    # One write, like an editor's save; the watcher sees create/modify/close events for it.
    path.write_text(DESIGN.replace("{label}", label), encoding="utf-8")


def wait_for(model: Path, marker: str, lines: list[str], timeout: float = 30.0) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if any(" failed " in line for line in lines):
            raise SystemExit("a rebuild failed:\n" + "".join(lines))
        try:
            if marker in model.read_text(encoding="utf-8"):
                return time.perf_counter()
        except OSError:
            pass  # between the two renames of the swap
        time.sleep(0.001)
    raise TimeoutError(f"{model} never showed {marker!r}")


def wait_complete(stamp: Path, timeout: float = 30.0) -> float:
    """When the second step of a rebuild (formats other than SVG) is in: the stamp stops saying partial."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if "partial" not in stamp.read_text(encoding="utf-8"):
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.001)
    raise TimeoutError(f"{stamp} stayed partial")


def cold(cmd: list[str], cwd: Path, design: Path, label: str) -> float:
    start = time.perf_counter()
    write(design, label)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def round_(formats: str, edits: int, tmp: Path) -> dict[str, list[float]]:
    ws = tmp / f"ws-{formats.replace(',', '-')}"
    plain = tmp / f"plain-{formats.replace(',', '-')}"
    (ws / "designs").mkdir(parents=True)
    plain.mkdir()
    (ws / "workbench.toml").write_text(f"[workbench]\nformats = {formats.split(',')!r}\n".replace("'", '"'))
    design, plain_design = ws / "designs" / "photos.py", plain / "photos.py"
    write(design, "api-1")
    write(plain_design, "api-1")
    (plain / "run_plain.py").write_text(PLAIN_RUNNER)
    model = ws / "out" / "photos" / "model.json"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([str(BIN / "workbench"), "watch"], cwd=ws, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    as_is = "cold as-is (python design.py: PNG)"
    every = "watch, every format in place"
    times: dict[str, list[float]] = {"watch": [], every: [], "cold same outputs": [], as_is: []}
    stamp = model.parent / ".wb-stamp.json"
    try:
        wait_for(model, "api-1", lines)
        time.sleep(0.5)
        for i in range(edits):
            label = f"edit-{i:02d}"
            start = time.perf_counter()
            write(design, label)
            times["watch"].append(wait_for(model, f'"{label}"', lines) - start)
            times[every].append(wait_complete(stamp) - start)
            time.sleep(0.3)  # let the watcher print and go idle
            times["cold same outputs"].append(
                cold([sys.executable, "run_plain.py", "photos.py", formats], plain, plain_design, label))
            times[as_is].append(cold([sys.executable, "photos.py"], plain, plain_design, label))
    finally:
        proc.terminate()
        proc.wait(10)
    return times


def breakdown(tmp: Path, reps: int = 7) -> list[tuple[str, str, float]]:
    """Median cost of each stage of one rebuild, in this process (where the watcher's time goes)."""
    from workbench.analysis.review import review
    from workbench.build import import_renderer
    from workbench.design.loader import load_design
    from workbench.live.worker import WarmWorker

    design = tmp / "breakdown" / "photos.py"
    design.parent.mkdir(parents=True)
    write(design, "api-1")
    import_renderer()
    rows = []
    with WarmWorker() as worker:
        worker.load_design(design)
        stages = {"load, cold subprocess (loader)": lambda: load_design(design),
                  "load, warm worker": lambda: worker.load_design(design)}
        for name, run in stages.items():
            rows.append(("", name, statistics.median(timed(run) for _ in range(reps))))
        model = worker.load_design(design)
        rows.append(("", "analysis (review)", statistics.median(timed(lambda: review(model, design)) for _ in range(reps))))
        reviews = review(model, design)
        for formats in (("png", "svg"), ("svg",)):
            fmt = " + ".join(f.upper() for f in formats)
            target = tmp / "breakdown-out" / "photos"
            for views, name in ((True, "with"), (False, "without")):
                rows.append((fmt, f"write outputs {name} the findings view", statistics.median(
                    timed(lambda: outputs(design, model, reviews, target, formats, views)) for _ in range(reps))))
    return rows


def outputs(design: Path, model, reviews: list, target: Path, formats: tuple[str, ...], views: bool) -> None:
    """Stages 3 and 4 of a build (draw, write, swap in) for a model already loaded and analysed."""
    from workbench.build import Staging, drawings_for, write_outputs

    with Staging(target) as staging, drawings_for(staging.folder, design, formats, early=False) as drawings:
        drawings.draw_model(model)
        write_outputs(design, model, reviews, staging, drawings, [], None, views)
        staging.swap_in({"key": "benchmark"})


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables for docs/benchmarks.md")
    parser.add_argument("--breakdown", action="store_true", help="also time each stage of a rebuild")
    args = parser.parse_args()
    compile_package()
    if args.breakdown:
        with tempfile.TemporaryDirectory(prefix="wb-bench-watch-") as tmp:
            stages = breakdown(Path(tmp))
        if args.markdown:
            print("| outputs | stage | median |\n| --- | --- | ---: |")
        for fmt, name, value in stages:
            print(f"| {fmt} | {name} | {value * 1000:.0f} ms |" if args.markdown
                  else f"  {fmt:9} {name:42} {value * 1000:6.0f} ms")
        print()
    rows = []
    with tempfile.TemporaryDirectory(prefix="wb-bench-watch-") as tmp:
        for formats in ("png,svg", "svg"):
            times = round_(formats, args.edits, Path(tmp))
            base = statistics.median(times["cold same outputs"])
            for name, values in times.items():
                p50, p95 = statistics.median(values), percentile(values, 0.95)
                rows.append((formats.upper().replace(",", " + "), name, p50, p95, p50 / base))
    if args.markdown:
        print("| outputs | run | p50 | p95 | p50 / cold same outputs |")
        print("| --- | --- | ---: | ---: | ---: |")
        for fmt, name, p50, p95, ratio in rows:
            print(f"| {fmt} | {name} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | {ratio:.2f}x |")
        return
    print(f"save-to-updated-outputs, {args.edits} edits of a 25-node design (target: watch p50 <= 0.80x cold):")
    for fmt, name, p50, p95, ratio in rows:
        print(f"  {fmt:9} {name:38} p50 {p50 * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms   {ratio:.2f}x")


if __name__ == "__main__":
    main()
