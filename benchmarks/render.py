"""Benchmark `workbench render` against plain `python design.py` making the same formats (PNG + SVG).

Prints, for one design cold, the median wall time of each and their ratio (target <= 1.1), and the time of
re-running `workbench render` on an unchanged tree of 30 designs (target < 0.5 s). Runs are interleaved so
that machine noise hits both sides alike. Usage: python benchmarks/render.py [--reps 7] [--design FILE]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import compile_package

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Plain diagrams, told to write PNG and SVG: what a user would run by hand for the same outputs.
PLAIN_RUNNER = """
import runpy, sys, diagrams
orig = diagrams.Diagram.__init__
def init(self, *a, **k):
    k.update(show=False, outformat=["png", "svg"])
    orig(self, *a, **k)
diagrams.Diagram.__init__ = init
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def workbench(*args: str) -> list[str]:
    return [str(BIN / "workbench"), *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--design", type=Path, default=ROOT / "designs" / "chat_service.py")
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        tmp = Path(tmp)
        plain_dir, wb_dir = tmp / "plain", tmp / "wb"
        for folder in (plain_dir, wb_dir / "designs"):
            folder.mkdir(parents=True)
        design = args.design.resolve()
        for sibling in design.parent.glob("_*.py"):  # helper modules the design may import
            shutil.copy(sibling, plain_dir)
            shutil.copy(sibling, wb_dir / "designs")
        shutil.copy(design, plain_dir / design.name)
        shutil.copy(design, wb_dir / "designs" / design.name)
        (plain_dir / "run_plain.py").write_text(PLAIN_RUNNER)

        plain, wb = [], []
        timed(workbench("render", "--force", f"designs/{design.name}"), wb_dir)  # warm the OS caches
        for _ in range(args.reps):
            plain.append(timed([sys.executable, "run_plain.py", design.name], plain_dir))
            wb.append(timed(workbench("render", "--force", f"designs/{design.name}"), wb_dir))
        p, w = statistics.median(plain), statistics.median(wb)
        print(f"one design ({design.name}), PNG+SVG, median of {args.reps}:")
        print(f"  plain python design.py   {p:6.3f} s")
        print(f"  workbench render --force {w:6.3f} s   ratio {w / p:.2f}x (target <= 1.10x)")

        tree = tmp / "tree"
        (tree / "designs").mkdir(parents=True)
        shipped = sorted(p for p in (ROOT / "designs").glob("*.py") if not p.name.startswith("_"))
        for sibling in (ROOT / "designs").glob("_*.py"):
            shutil.copy(sibling, tree / "designs")
        for i in range(30):
            source = shipped[i % len(shipped)]
            shutil.copy(source, tree / "designs" / f"{source.stem}_{i:02d}.py")
        subprocess.run(workbench("render", "designs"), cwd=tree, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        cached = statistics.median(timed(workbench("render", "designs"), tree) for _ in range(args.reps))
        print(f"unchanged tree of 30 designs, median of {args.reps}:")
        print(f"  workbench render (all cached) {cached:6.3f} s   (target < 0.5 s; "
              f"{cached / p:.2f}x one plain run)")


if __name__ == "__main__":
    main()
