"""Capacity maths against hand-computed figures, unit parsing and printing, and errors that name the field."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.design.capacity import (
    CapacityError,
    design_inputs,
    estimate,
    format_bytes,
    format_count,
    format_duration,
    format_percent,
    format_qps,
    format_rate,
    format_ratio,
    parse_bytes,
    parse_count,
    parse_duration,
    parse_factor,
    parse_fraction,
    parse_rate,
    parse_ratio,
)

CLASSIC = {"dau": "100M", "reads_per_user": 10, "writes_per_user": 1, "payload": "1KB", "retention": "5 years"}


# -- the classic: 100M DAU, 10 reads and 1 write per user per day, 1 KB per post, 5 years -----------
@pytest.fixture(scope="module")
def classic():
    return estimate(CLASSIC)


def test_classic_qps(classic):
    # writes/day = 100,000,000 × 1 = 100,000,000;  reads/day = 100,000,000 × 10 = 1,000,000,000
    assert classic["writes_per_day"].value == 100_000_000
    assert classic["reads_per_day"].value == 1_000_000_000
    # average writes = 100,000,000 ÷ 86,400 = 1,157.407...   average reads = 1e9 ÷ 86,400 = 11,574.07...
    assert classic["write_qps_avg"].value == pytest.approx(1157.407, abs=1e-3)
    assert classic["read_qps_avg"].value == pytest.approx(11574.074, abs=1e-3)
    assert classic["write_qps_avg"].text == "1,157 writes/s"
    assert classic["read_qps_avg"].text == "11,574 reads/s"
    # peak = average × 2 (default peak factor): 2,314.8 writes/s and 23,148.1 reads/s
    assert classic["write_qps_peak"].value == pytest.approx(2314.815, abs=1e-3)
    assert classic["read_qps_peak"].value == pytest.approx(23148.148, abs=1e-3)
    assert classic["write_qps_peak"].text == "2,315 writes/s"
    assert classic["read_qps_peak"].text == "23,148 reads/s"
    # total = 1.1e9 ÷ 86,400 = 12,731.48/s average, × 2 = 25,462.96/s at peak
    assert classic["total_qps_avg"].value == pytest.approx(12731.481, abs=1e-3)
    assert classic["total_qps_peak"].value == pytest.approx(25462.963, abs=1e-3)
    assert classic["total_qps_avg"].text == "12,731 requests/s"
    assert classic["total_qps_peak"].text == "25,463 requests/s"


def test_classic_storage(classic):
    # per day: 100,000,000 writes × 1,000 B = 1e11 B = 100 GB (× 3 replicas = 300 GB)
    assert classic["storage_per_day"].value == 100e9
    assert classic["storage_per_day"].text == "100 GB/day"
    assert classic["storage_per_day_replicated"].value == 300e9
    # per year: 100 GB × 365 = 36.5 TB (× 3 = 109.5 TB)
    assert classic["storage_per_year"].value == pytest.approx(36.5e12)
    assert classic["storage_per_year"].text == "36.5 TB/year"
    assert classic["storage_per_year_replicated"].text == "109.5 TB/year"
    # 5 years = 1,825 days: 100 GB × 1,825 = 182.5 TB raw, × 3 = 547.5 TB replicated
    assert classic["storage_retention"].value == pytest.approx(182.5e12)
    assert classic["storage_retention"].text == "182.5 TB"
    assert classic["storage_retention_replicated"].value == pytest.approx(547.5e12)
    assert classic["storage_retention_replicated"].text == "547.5 TB"


def test_classic_bandwidth_and_cache(classic):
    # ingress = 1e11 B/day ÷ 86,400 s = 1,157,407 B/s ≈ 1.16 MB/s; × 2 at peak ≈ 2.31 MB/s
    assert classic["ingress_avg"].value == pytest.approx(1_157_407.4, abs=0.1)
    assert classic["ingress_avg"].text == "1.16 MB/s"
    assert classic["ingress_peak"].text == "2.31 MB/s"
    # egress = 1e12 B/day ÷ 86,400 s = 11,574,074 B/s ≈ 11.57 MB/s; × 2 at peak ≈ 23.15 MB/s
    assert classic["egress_avg"].value == pytest.approx(11_574_074.1, abs=0.1)
    assert classic["egress_avg"].text == "11.57 MB/s"
    assert classic["egress_peak"].text == "23.15 MB/s"
    # cache = 20% × daily read volume (1e9 reads × 1 KB = 1 TB) = 200 GB
    assert classic["cache_memory"].value == pytest.approx(200e9)
    assert classic["cache_memory"].text == "200 GB"


def test_classic_formulas_show_the_numbers(classic):
    assert classic["write_qps_avg"].formula == "100M DAU × 1 write/user/day ÷ 86,400 s = 1,157 writes/s"
    assert classic["read_qps_avg"].formula == "100M DAU × 10 reads/user/day ÷ 86,400 s = 11,574 reads/s"
    assert classic["write_qps_peak"].formula == (
        "100M DAU × 1 write/user/day ÷ 86,400 s × 2 (peak factor) = 2,315 writes/s")
    assert classic["storage_per_day"].formula == "100M DAU × 1 write/user/day × 1 KB = 100 GB/day"
    assert classic["storage_per_year"].formula == "100 GB/day × 365 days = 36.5 TB/year"
    assert classic["storage_retention"].formula == "100 GB/day × 1,825 days (5 years) = 182.5 TB"
    assert classic["storage_retention_replicated"].formula == "182.5 TB × 3 (replication factor) = 547.5 TB"
    assert classic["cache_memory"].formula == (
        "20% (cache share, 80/20 rule) × 100M DAU × 10 reads/user/day × 1 KB = 200 GB")
    for f in classic.figures:  # every formula ends in its own printed value
        assert f.formula.endswith("= " + f.text), f.name


def test_classic_defaults_are_said(classic):
    notes = " ".join(classic.notes)
    assert "peak factor 2 is the default" in notes
    assert "replication factor 3 is the default" in notes
    assert "cache share 20% is the default" in notes


def test_classic_design_inputs(classic):
    di = design_inputs(classic)
    assert di["qps"] == 25463  # peak total, rounded up to a whole request
    assert di["read_ratio"] == "10:1"
    assert di["read_fraction"] == pytest.approx(10 / 11)
    assert di["wb_qps"] == "25463" and di["wb_read_ratio"] == "10:1"
    assert di["read_qps"] == pytest.approx(23148.148, abs=1e-3)


def test_actions_form_gives_the_same_figures(classic):
    by_action = estimate({"dau": "100M", "retention": "5 years", "actions": {
        "post": {"per_user_per_day": 1, "kind": "write", "payload": "1KB"},
        "read feed": {"per_user_per_day": 10, "kind": "read", "payload": "1KB"},
    }})
    assert [f.name for f in by_action.figures] == [f.name for f in classic.figures]
    for f in classic.figures:
        assert by_action[f.name].value == pytest.approx(f.value), f.name
    assert by_action["write_qps_avg"].formula == "100M DAU × 1 post/user/day ÷ 86,400 s = 1,157 writes/s"


def test_several_actions_with_own_payloads_and_stored_bytes():
    # 10M DAU; writes: 2 posts × 1 KB + 10 likes × 100 B (a like stores 50 B); reads: 50 feed pages × 10 KB
    e = estimate({"dau": "10M", "peak_factor": 3, "replication": 2, "cache_share": "10%", "actions": {
        "post": {"per_user_per_day": 2, "kind": "write", "payload": "1KB"},
        "like": {"per_user_per_day": 10, "kind": "write", "payload": "100B", "stored": "50 B"},
        "feed page": {"per_user_per_day": 50, "kind": "read", "payload": "10KB"},
    }})
    # writes/day = 10M × 12 = 120M → 1,388.9/s; reads/day = 10M × 50 = 500M → 5,787.0/s
    assert e["write_qps_avg"].value == pytest.approx(120e6 / 86400)
    assert e["read_qps_peak"].value == pytest.approx(500e6 / 86400 * 3)
    # stored/day = 10M × (2 × 1,000 + 10 × 50) = 25 GB; replicated × 2 = 50 GB
    assert e["storage_per_day"].value == pytest.approx(25e9)
    assert e["storage_per_day_replicated"].text == "50 GB/day"
    # ingress/day = 10M × (2 × 1,000 + 10 × 100) = 30 GB → 347,222 B/s
    assert e["ingress_avg"].value == pytest.approx(30e9 / 86400)
    # egress/day = 10M × 50 × 10 KB = 5 TB; cache = 10% × 5 TB = 500 GB
    assert e["cache_memory"].text == "500 GB"
    assert "storage_retention" not in e  # no retention given
    assert any("no retention" in n for n in e.notes)
    assert e["write_qps_avg"].formula.startswith("10M DAU × (2 post + 10 like)/user/day ÷ 86,400 s")
    assert design_inputs(e)["read_ratio"] == "4.17:1"  # 500M : 120M


def test_read_write_ratio_fills_in_the_missing_side():
    e = estimate({"dau": "1M", "writes_per_user": 2, "read_write": "50:1", "payload": "500B"})
    assert e["reads_per_day"].value == 100e6  # 2 × 50 = 100 reads per user per day
    assert any("derived from read_write 50:1" in n for n in e.notes)
    e = estimate({"dau": "1M", "reads_per_user": 100, "read_write": "4:1"})
    assert e["writes_per_day"].value == 25e6
    assert "storage_per_day" not in e  # no payload: QPS only, and a note says why
    assert any("no payload" in n for n in e.notes)


def test_consistent_ratio_and_counts_are_fine():
    assert estimate({"dau": 1000, "reads_per_user": 10, "writes_per_user": 1, "read_write": "10:1"})


def test_read_only_and_write_only_ratios():
    assert design_inputs(estimate({"dau": "1K", "reads_per_user": 5}))["read_ratio"] == "1:0"
    assert design_inputs(estimate({"dau": "1K", "writes_per_user": 5}))["read_ratio"] == "0:1"
    assert design_inputs(estimate({"dau": "1K", "reads_per_user": 1, "writes_per_user": 4}))["read_ratio"] == "1:4"


def test_estimate_prints_a_table(classic):
    text = str(classic)
    assert "Average write QPS" in text and "= 1,157 writes/s" in text and "note: peak factor 2" in text


def test_estimate_to_dict_is_plain_data(classic):
    import json

    data = json.loads(json.dumps(classic.to_dict()))
    assert data["inputs"] == CLASSIC
    assert {"name", "label", "value", "unit", "text", "formula"} <= set(data["figures"][0])
    assert data["design_inputs"]["read_ratio"] == "10:1"


# -- units -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("100M", 100e6), ("1.5B", 1.5e9), ("10K", 10e3), ("10k", 10e3), ("2T", 2e12), ("100 million", 100e6),
    ("100,000,000", 100e6), ("1_000", 1000), ("42", 42), (42, 42), (2.5, 2.5), ("3bn", 3e9), ("1e6", 1e6),
])
def test_parse_count(text, value):
    assert parse_count(text) == pytest.approx(value)


@pytest.mark.parametrize("text, value", [
    ("1.5KB", 1500), ("1 KB", 1000), ("1kb", 1000), ("200 B", 200), ("200", 200), (512, 512),
    ("3 GB", 3e9), ("2.5TB", 2.5e12), ("1 PB", 1e15), ("1 MB", 1e6), ("10 bytes", 10),
    ("1KiB", 1024), ("1 MiB", 1024**2), ("2 GiB", 2 * 1024**3), ("1 TiB", 1024**4),
])
def test_parse_bytes(text, value):
    assert parse_bytes(text) == pytest.approx(value)


@pytest.mark.parametrize("text, days", [
    ("30 days", 30), ("5 years", 1825), ("1 year", 365), ("6 months", 180), ("2 weeks", 14),
    ("24 hours", 1), ("5y", 1825), ("30d", 30), ("1.5 years", 547.5),
])
def test_parse_duration(text, days):
    assert parse_duration(text) == pytest.approx(days * 86400)


@pytest.mark.parametrize("text, per_day", [
    ("2.3 TB/day", 2.3e12), ("500 GB/month", 500e9 / 30), ("10 MB/s", 10e6 * 86400), ("36.5 TB/year", 100e9),
])
def test_parse_rate(text, per_day):
    assert parse_rate(text) * 86400 == pytest.approx(per_day)


def test_parse_ratio_and_fraction():
    assert parse_ratio("10:1") == (10, 1)
    assert parse_ratio("4 : 1") == (4, 1)
    assert parse_ratio("1:0") == (1, 0)
    assert parse_ratio("2.5:1") == (2.5, 1)
    assert parse_fraction("80%") == pytest.approx(0.8)
    assert parse_fraction(0.8) == 0.8
    assert parse_fraction("0.8") == 0.8
    assert parse_fraction("100%") == 1.0
    assert parse_factor("2x", "peak_factor") == 2 and parse_factor(3, "replication") == 3


@pytest.mark.parametrize("value, text", [
    (100e6, "100M"), (1.5e9, "1.5B"), (2e12, "2T"), (12_500, "12,500"), (42, "42"), (0.5, "0.5"), (0, "0"),
])
def test_format_count(value, text):
    assert format_count(value) == text


@pytest.mark.parametrize("value, text", [
    (1500, "1.5 KB"), (100e9, "100 GB"), (36.5e12, "36.5 TB"), (182.5e12, "182.5 TB"), (547.5e12, "547.5 TB"),
    (999, "999 B"), (1e15, "1 PB"), (2500e15, "2,500 PB"), (0, "0 B"),
])
def test_format_bytes(value, text):
    assert format_bytes(value) == text


def test_format_other_units():
    assert format_duration(1825 * 86400) == "5 years"
    assert format_duration(365 * 86400) == "1 year"
    assert format_duration(30 * 86400) == "30 days"
    assert format_duration(86400) == "1 day"
    assert format_rate(2.3e12 / 86400, "day") == "2.3 TB/day"
    assert format_rate(500e9 / (30 * 86400), "month") == "500 GB/month"
    assert format_ratio(1e9, 1e8) == "10:1" and format_ratio(1, 4) == "1:4"
    assert format_percent(0.2) == "20%"
    assert format_qps(11574.07) == "11,574" and format_qps(1.5) == "1.5"


@pytest.mark.parametrize("text", ["100M", "1.5B", "12,500", "42", "2T"])
def test_count_round_trip(text):
    assert format_count(parse_count(text)) == text


@pytest.mark.parametrize("text", ["1.5 KB", "100 GB", "36.5 TB", "182.5 TB", "200 B", "1 PB"])
def test_bytes_round_trip(text):
    assert format_bytes(parse_bytes(text)) == text


@pytest.mark.parametrize("text", ["5 years", "1 year", "30 days", "1 day", "12 hours"])
def test_duration_round_trip(text):
    assert format_duration(parse_duration(text)) == text


@pytest.mark.parametrize("text", ["2.3 TB/day", "500 GB/month", "10 MB/s"])
def test_rate_round_trip(text):
    per = text.rsplit("/", 1)[1]
    assert format_rate(parse_rate(text), per) == text


@given(st.floats(min_value=0, max_value=1e18, allow_nan=False))
def test_printed_bytes_read_back_within_rounding(value):
    back = parse_bytes(format_bytes(value))
    assert math.isclose(back, value, rel_tol=0.01, abs_tol=0.005)


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_printed_counts_read_back_within_rounding(value):
    back = parse_count(format_count(value))
    assert math.isclose(back, value, rel_tol=0.01, abs_tol=0.5)


# -- errors name the field -------------------------------------------------------------------------
def error_of(**changes) -> str:
    inputs = {**CLASSIC, **changes}
    inputs = {k: v for k, v in inputs.items() if v is not None}
    with pytest.raises(CapacityError) as info:
        estimate(inputs)
    assert isinstance(info.value, ValueError)
    return str(info.value)


@pytest.mark.parametrize("changes, message", [
    ({"read_write": "10"}, "read_write: '10' is not a ratio like 10:1"),
    ({"read_write": "10/1"}, "read_write: '10/1' is not a ratio like 10:1"),
    ({"read_write": 10}, "read_write: 10 is not a ratio like 10:1"),
    ({"read_write": "-1:1"}, "read_write: '-1:1' has a negative side"),
    ({"read_write": "0:0"}, "read_write: '0:0' has both sides zero"),
    ({"read_write": "5:1"}, "read_write: '5:1' disagrees with reads_per_user and writes_per_user"),
    ({"dau": "-5M"}, "dau: '-5M' must not be negative"),
    ({"dau": -5}, "dau: -5 must not be negative"),
    ({"dau": "100X"}, "dau: unknown suffix 'X' in '100X'"),
    ({"dau": "lots"}, "dau: 'lots' is not a value like 100M"),
    ({"dau": None}, "dau: missing"),
    ({"payload": "1KG"}, "payload: unknown unit 'KG' in '1KG'"),
    ({"payload": "1 Mbps"}, "payload: unknown unit 'Mbps'"),
    ({"payload": "1,5KB"}, "payload: unknown unit ',5KB'"),
    ({"payload": "-1KB"}, "payload: '-1KB' must not be negative"),
    ({"retention": "5 parsecs"}, "retention: unknown unit 'parsecs' in '5 parsecs'"),
    ({"retention": "5"}, "retention: '5' has no unit"),
    ({"retention": "0 days"}, "retention: '0 days' keeps nothing"),
    ({"cache_share": "120%"}, "cache_share: '120%' is not between 0% and 100%"),
    ({"cache_share": 20}, "cache_share: 20 is above 1"),
    ({"peak_factor": 0.5}, "peak_factor: 0.5 must be at least 1"),
    ({"replication": "three"}, "replication: 'three' is not a value like"),
    ({"writes_per_user": "-1"}, "writes_per_user: '-1' must not be negative"),
    ({"reads_per_user": None, "writes_per_user": None}, "reads_per_user: missing"),
    ({"reads_per_user": 0, "writes_per_user": 0}, "reads_per_user: no reads and no writes"),
    ({"actions": {"x": {"per_user_per_day": 1, "kind": "read"}}}, "actions: give either actions or"),
    ({"qps": 5}, "qps: unknown input"),
])
def test_errors_name_the_field(changes, message):
    assert message in error_of(**changes)


@pytest.mark.parametrize("actions, message", [
    ({"post": {"per_user_per_day": 1, "kind": "wrte", "payload": "1KB"}},
     "actions['post'].kind: 'wrte' is not 'read' or 'write'"),
    ({"post": {"kind": "write"}}, "actions['post'].per_user_per_day: missing"),
    ({"post": {"per_user_per_day": "-1", "kind": "write"}}, "actions['post'].per_user_per_day: '-1' must not be"),
    ({"post": {"per_user_per_day": 1, "kind": "write", "payload": "1 XB"}}, "actions['post'].payload: unknown unit"),
    ({"post": {"per_user_per_day": 1, "kind": "write", "size": 1}}, "actions['post'].size: unknown key"),
    ({"post": {"per_user_per_day": 1, "kind": "write", "payload": "1KB"},
      "read": {"per_user_per_day": 1, "kind": "read"}}, "actions['read'].payload: missing"),
    ({"post": 3}, "actions['post']: expected a dict"),
    ({}, "reads_per_user: missing"),  # empty actions count as not given
])
def test_action_errors_name_the_action(actions, message):
    with pytest.raises(CapacityError) as info:
        estimate({"dau": "1M", "actions": actions})
    assert message in str(info.value)


def test_unit_errors_for_direct_calls_name_the_given_field():
    with pytest.raises(CapacityError, match=r"^size: unknown unit"):
        parse_bytes("3 apples", "size")
    with pytest.raises(CapacityError, match=r"^rate: unknown period 'fortnight'"):
        parse_rate("1 GB/fortnight")
    with pytest.raises(CapacityError, match=r"^rate: unknown unit 'XB' in '1 XB/day' \(use B, KB"):
        parse_rate("1 XB/day")
    with pytest.raises(CapacityError, match=r"^rate: 5 is not a rate like"):
        parse_rate(5)
    with pytest.raises(CapacityError, match=r"^x: True is not a value"):
        parse_count(True, "x")
