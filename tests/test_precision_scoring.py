"""The real-world benchmark's scoring (benchmarks/precision.py): which findings count as finding a label."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location(
    "precision", Path(__file__).resolve().parents[1] / "benchmarks" / "precision.py")
precision = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("precision", precision)  # its dataclasses look their module up there
_SPEC.loader.exec_module(precision)


def _score(*findings):
    entry = {"id": "x", "labels": {"spof": ["web"], "not_spof": ["lb"], "missing_replica": ["db"]}}
    return precision.score(precision.Result(entry, [precision.Finding(*f) for f in findings]))


def test_a_count_the_analysis_read_is_no_finding_of_a_single_instance():
    """REP010 says "`web` is counted as 2 instances": it reports no missing redundancy, so a SPOF or missing-replica
    label it names stays missed; REP001 on the same node finds it (as a replica finding)."""
    got = _score(("REP010", "info", ["web"], "counted as 2"), ("REP010", "info", ["db"], "counted as 2"))
    assert (got["spof_missed"], got["spof_as_rep"], got["rep_missed"]) == (["web"], [], ["db"])
    got = _score(("REP001", "error", ["web"], "single"), ("REP001", "warning", ["db"], "single"))
    assert (got["spof_as_rep"], got["rep_found"]) == (["web"], ["db"])


def test_an_error_or_warning_on_a_node_labelled_off_path_is_a_false_alarm():
    got = _score(("SPOF001", "error", ["lb"], "x"), ("SPOF001", "warning", ["lb"], "y"), ("SPOF001", "info", ["lb"], "z"))
    assert [e["code"] for e in got["false_errors"]] == ["SPOF001"] and len(got["false_warnings"]) == 1
