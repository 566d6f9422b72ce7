"""The console script: start a spare design process for commands that run designs, then the command line."""

from __future__ import annotations

import gc
import sys

# Commands that run design files soon after start-up: they get a spare (see workbench.design.spare).
RUNS_DESIGNS = frozenset({"render", "check"})


def runs_designs(args: list[str]) -> bool:
    """Whether the command line will run a design: its command (the first word that is not an option; the
    only global option is a flag) is one of RUNS_DESIGNS, and it does not ask for help or the version.
    A wrong guess only costs a process that is killed unused."""
    words = [a for a in args if not a.startswith("-")]
    return bool(words) and words[0] in RUNS_DESIGNS and not {"-h", "--help", "-V", "--version"} & set(args)


def run() -> None:
    if not runs_designs(sys.argv[1:]):
        from workbench.cli import run as cli

        cli()
        return
    from workbench.design import spare

    spare.start()  # before importing the command line: it loads while that does
    try:
        gc.disable()  # see build.import_in_background
        try:
            from workbench.cli import run as cli
        finally:
            gc.freeze()
            gc.enable()
        cli()
    finally:
        spare.discard()
