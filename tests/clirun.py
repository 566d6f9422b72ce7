"""Run the command line in-process for the tests: click's CliRunner, with exceptions left to fail the test."""

from __future__ import annotations

from click.testing import CliRunner, Result

from workbench.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
