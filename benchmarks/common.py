"""What every benchmark does first: compile the package where the measured processes import it from."""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_package() -> None:
    """As scripts/_setup.sh does: with PYTHONDONTWRITEBYTECODE set, an edited module would otherwise be
    compiled again by every process measured. The console script imports the package through the
    editable install's link tree, the design processes from the checkout: compile both."""
    import workbench

    for folder in {ROOT / "workbench", Path(workbench.__file__).parent}:
        compileall.compile_dir(folder, quiet=1)
