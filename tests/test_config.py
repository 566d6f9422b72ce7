"""workbench.toml: every mistake is one clear message, never a traceback or a silently ignored setting."""

from __future__ import annotations

import pytest

from workbench.config import load_config
from workbench.errors import WorkbenchError


@pytest.mark.parametrize("text, said", [
    ('[workbench]\ndesigns = 5\n', "designs must be a folder name"),
    ('[workbench]\nout = ""\n', "out must be a folder name"),
    ("workbench = 5\n", "must be a table"),
    ('timeout = 5\n', "'timeout' outside the [workbench] table"),
    ('[workbench]\nformats = []\n', "formats must be a non-empty list"),
    ('[workbench]\njobs = true\n', "jobs must be a whole number"),
    ('[workbench]\ntimeout = inf\n', "timeout must be a positive number"),
    ('[workbench\n', "fix the TOML syntax"),
])
def test_a_bad_setting_is_a_workbench_error(tmp_path, text, said):
    (tmp_path / "workbench.toml").write_text(text, encoding="utf-8")
    with pytest.raises(WorkbenchError) as caught:
        load_config(tmp_path)
    assert said in caught.value.message
    assert str(tmp_path / "workbench.toml") in caught.value.message


def test_good_settings_are_read(tmp_path):
    (tmp_path / "workbench.toml").write_text(
        '[workbench]\ndesigns = "d"\nformats = ["svg"]\ntimeout = 5\njobs = 3\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert (cfg.designs, cfg.formats, cfg.timeout, cfg.jobs) == (tmp_path / "d", ("svg",), 5.0, 3)
