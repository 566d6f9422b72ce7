"""Regenerate docs/mock-review-example.html: a scripted one-minute mock of the URL shortener (read-heavy).

    .venv/bin/python docs/make_mock_example.py            # writes docs/mock-review-example.html
    .venv/bin/python docs/make_mock_example.py -o FILE    # somewhere else

It makes a temporary workspace (`workbench init`), starts `workbench mock url-shortener/read-heavy --minutes 1`
in the background on a free port, and saves the mock's design four times, a few seconds apart, waiting for the
mock to snapshot each save: the sheet's requirements and estimates; the answer's own drawing (users, a load
balancer, two API servers in a cluster, one database) with its components, data model and APIs; a redirect
cache; a database replica, which fixes the database's single point of failure. With the scaffold as the mock
made it (snapshot 0), that is five snapshots. Then it stops the mock with SIGINT as Ctrl-C would, waits for the
process to exit, runs `workbench mock review -o FILE` and removes the workspace. There is no recording.

The page is built from the real tool: its findings are whatever the analysis says today. It holds the mock's id
and start time, and nothing that names this machine (no absolute paths; checked before it is written). The
answer keeps the scaffold's labels: the review matches findings by their subject, which a label names, so a
renamed database would read as its single point of failure fixed at the rename.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBENCH = Path(sys.executable).with_name("workbench")
PROMPT = "url-shortener/read-heavy"

# -- the answer, one save at a time ----------------------------------------------------------------------------
IMPORTS = '''\
# URL shortener (read-heavy): the scripted mock answer of docs/make_mock_example.py

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS, ElastiCache
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet
'''

REQUIREMENTS = '''\
    slo="99.9%",
    latency_p99_ms=50,
    functional=[
        "a signed-in user turns a long URL into a short link with a 7-character code",
        "anyone who opens a short link is redirected to its long URL",
        "a link may carry an expiry date, after which it answers 404",
        "the owner of a link sees how many times it was opened",
    ],
    non_functional=[
        "redirects answer within 50 ms at p99",
        "99.9% of redirects succeed in a month (43 min of downtime)",
        "a created link is never lost: 5 years of links stay readable",
    ],
    constraints=[
        "Read-heavy: reads outnumber writes by 100 to 1 or more, and a few hot keys take most of the traffic.",
    ],
    assumptions=[
        "100M daily users, 10 redirects each, times 10 for the read-heavy variant: 100 reads per user per day",
        "1 in 10 users creates a link a day: 10M new links a day",
        "20% of the links take 80% of the redirects, so a cache of the hot 20% absorbs most reads",
    ],
    capacity=Capacity(dau="100M", reads_per_user=100, writes_per_user=0.1, payload="500B", retention="5 years",
                      peak_factor=2, replication=3, cache_share="20%"),
'''

DESIGN = '''\
    components={
        "load balancer": "spreads requests over the API servers and checks their health",
        "api-1": "stateless API server: creates links and answers redirects",
        "api-2": "a second API server, so one can fail or be deployed",
        "database": "PostgreSQL, the system of record for links and their click counts",
    },
    data_model=[
        Entity("link", fields={"code": "char(7)", "long_url": "text", "owner_id": "uuid", "expires_at": "timestamp",
                               "clicks": "bigint"}, keys=["code"], indexes=["owner_id"], store="PostgreSQL",
               why="one row per link, read by its key; 18 TB over 5 years with 3 copies"),
    ],
    apis=[
        Api("POST", "/links", request="{long_url, expires_at?}", response="201 {code, short_url}",
            notes="authenticated; rate limited per user"),
        Api("GET", "/{code}", response="301 Location: long_url, or 404 when unknown or expired"),
        Api("GET", "/links/{code}/stats", response="200 {clicks}", notes="owner only"),
    ],
'''

SCALING = '''\
    scaling=[
        "a redirect cache beside the database holds the hot 20% of links (cache-aside, 24 h TTL)",
        "API servers are stateless: add more behind the load balancer as redirects grow",
    ],
    trade_offs=[
        "301 over 302: browsers cache the redirect, fewer requests, but fewer clicks counted",
    ],
'''

RELIABILITY = '''\
    failure_modes=[
        FailureMode("database primary lost", "promote the replica (streaming replication); writes pause for "
                    "the failover", component="database"),
        FailureMode("an API server lost", "the load balancer's health check takes it out", component="api-1"),
    ],
    open_questions=[
        "can a user pick a custom code, and are codes ever reused after expiry?",
    ],
'''

def drawing(tier: str, cache: bool = False, replica: bool = False) -> str:
    """The answer's drawing: users, a load balancer, two API servers in cluster `tier` and one database; then a
    redirect cache beside the database, then the database's replica."""
    lines = ['', 'with Diagram("URL shortener (read-heavy)", show=False, direction="LR"):',
             '    users = Users("users")', '    lb = ELB("load balancer")', f'    with Cluster("{tier}"):',
             '        api = [ECS("api-1"), ECS("api-2")]']
    if cache:
        lines.append('    cache = ElastiCache("redirect cache")')
    if replica:
        lines += ['    with Cluster("primary and replica"):', '        db = RDS("database")',
                  '        replica = RDS("database replica")']
    else:
        lines.append('    db = RDS("database")')
    lines += ['', '    users >> lb >> api >> db'] if not cache else ['', '    users >> lb >> api', '    api >> cache',
                                                                    '    api >> db']
    if replica:
        lines.append('    db >> Edge(label="replica") >> replica')
    return "\n".join(lines) + "\n"


def version(prompt: str, sheet: str, drawing: str) -> str:
    """One save of the design file; `prompt` is the scaffold's own ``prompt=`` line, kept as the mock wrote it."""
    return (IMPORTS + '\nSheet(\n    title="URL shortener (read-heavy)",\n    kind="drill",\n' + prompt + sheet
            + ")\n" + drawing)


SAVES = [  # (seconds into the mock, what the save adds, sheet, drawing); snapshot 0 is the scaffold as made
    # The one-minute mock's phases: clarify 0-7 s, estimate 7-13, high-level design 13-27, deep dive 27-43,
    # scaling and reliability 43-53, wrap-up 53-60.
    (9, "requirements and estimates", REQUIREMENTS, drawing("api tier")),
    (18, "users, a load balancer, two API servers, one database", REQUIREMENTS + DESIGN, drawing("api servers")),
    (32, "a redirect cache", REQUIREMENTS + DESIGN + SCALING, drawing("api servers", cache=True)),
    (46, "a database replica", REQUIREMENTS + DESIGN + SCALING + RELIABILITY,
     drawing("api servers", cache=True, replica=True)),
]
STOP = 50  # seconds into the mock: Ctrl-C in the wrap-up, before the time is up


# -- running the mock -------------------------------------------------------------------------------------------
def say(text: str) -> None:
    print(f"==> {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, ok, timeout: float, proc: subprocess.Popen | None = None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = ok()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the mock exited (status {proc.returncode}) while waiting for {what}")
        time.sleep(0.1)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")


def save(path: Path, text: str) -> None:
    """Write the whole file at once, as an editor does (a half-written file would be a failed snapshot)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def drive(workspace: Path, proc: subprocess.Popen) -> dict:
    """Save the answer at its times, wait for each snapshot, then stop the mock as Ctrl-C does."""
    mocks = workspace / ".workbench" / "mocks"
    folder = wait_for("the mock's folder", lambda: next(iter(sorted(mocks.glob("*/mock.json"))), None), 60,
                      proc).parent
    meta = json.loads((folder / "mock.json").read_text(encoding="utf-8"))
    design = workspace / meta["design"]

    def snapshot(n: int) -> dict | None:
        try:
            return json.loads((folder / "snapshots" / f"{n:03d}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    first = wait_for("the scaffold's snapshot", lambda: snapshot(0), 60, proc)
    start = time.monotonic() - first["seconds"]  # the mock's clock, on ours
    prompt = prompt_line(design.read_text(encoding="utf-8"))
    say(f"snapshot 0 at {first['seconds']:.0f} s: the scaffold ({meta['design']}); {first.get('summary')}")
    for n, (at, what, sheet, drawing) in enumerate(SAVES, 1):
        time.sleep(max(0.0, start + at - time.monotonic()))
        save(design, version(prompt, sheet, drawing))
        snap = wait_for(f"snapshot {n}", lambda n=n: snapshot(n), 40, proc)
        if not snap.get("ok"):
            raise SystemExit(f"save {n} ({what}) did not build: {snap.get('error')}")
        say(f"snapshot {n} at {snap['seconds']:.0f} s ({snap['phase']}): {what}; {snap.get('summary')}")
    time.sleep(max(0.0, start + STOP - time.monotonic()))
    if proc.poll() is None:
        say("stopping the mock (SIGINT, as Ctrl-C)")
        os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise SystemExit("the mock did not stop within 30 s of SIGINT") from None
    return meta


def prompt_line(source: str) -> str:
    """The scaffold's ``prompt=...,`` entry (one line or several), as written."""
    m = re.search(r"^    prompt=.*?,\n(?=    \w+=)", source, flags=re.MULTILINE | re.DOTALL)
    if not m:
        raise SystemExit("the mock's scaffold has no prompt= line; update docs/make_mock_example.py")
    return m.group(0)


def run(workspace: Path, output: Path) -> None:
    wb = [str(WORKBENCH)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run(wb + ["init", "."], cwd=workspace, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    say(f"workbench mock {PROMPT} --minutes 1 --port {port}")
    with open(workspace / "mock.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(wb + ["mock", PROMPT, "--minutes", "1", "--port", str(port)], cwd=workspace,
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            meta = drive(workspace, proc)
        finally:
            if proc.poll() is None:  # an error above: leave nothing running
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
    if proc.returncode != 0:
        sys.stderr.write((workspace / "mock.log").read_text(encoding="utf-8"))
        raise SystemExit(f"the mock exited with status {proc.returncode}")
    page = workspace / "review.html"
    subprocess.run(wb + ["mock", "review", meta["id"], "-o", str(page)], cwd=workspace, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    html = page.read_text(encoding="utf-8")
    leaks = sorted(set(re.findall(re.escape(str(workspace)) + r"[^\"'<\s]*", html))
                   | set(re.findall(r"(?:/tmp|/home|/root|/Users)/[^\"'<\s]*", html)))
    if leaks:
        raise SystemExit(f"the page names paths of this machine: {', '.join(leaks[:5])}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    shots = html.count('class="snapshot"')
    say(f"wrote {output} ({len(html) // 1024} KB, {shots} snapshots)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "mock-review-example.html")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace (its path is printed)")
    args = parser.parse_args(argv)
    if not WORKBENCH.exists():
        raise SystemExit(f"{WORKBENCH} not found: run this with the virtual environment's python")
    workspace = Path(tempfile.mkdtemp(prefix="wb-mock-example-"))
    try:
        run(workspace, args.output.resolve())
    finally:
        if args.keep:
            say(f"workspace kept: {workspace}")
        else:
            shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
