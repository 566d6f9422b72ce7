"""Create a new workspace: designs/ with an example, templates/, out/ and its git-ignore entry."""

from __future__ import annotations

from pathlib import Path

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"

CONFIG = """# workbench settings; every key is optional.
[workbench]
designs = "designs"     # where design files live
out = "out"             # generated outputs (git-ignored)
templates = "templates" # your overrides of the packaged templates
formats = ["png", "svg"]
timeout = 60            # seconds a design may run
"""

TEMPLATES_README = """Put a file here with the same name as a packaged template (for example report.html)
to override it. docs/templates.md in the workbench repository lists the templates and their variables.
"""


def init_workspace(directory: Path) -> list[str]:
    """Create what is missing and say what was done; existing files are left alone."""
    directory = Path(directory)
    said: list[str] = []

    def write(path: Path, text: str) -> None:
        if path.exists():
            said.append(f"kept     {path} (already there)")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        said.append(f"created  {path}")

    for folder in ("designs", "templates", "out"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    write(directory / "workbench.toml", CONFIG)
    write(directory / "designs" / "example.py", (PACKAGE_TEMPLATES / "example_design.py").read_text())
    write(directory / "templates" / "README.md", TEMPLATES_README)
    ignore = directory / ".gitignore"
    lines = ignore.read_text().splitlines() if ignore.exists() else []
    # out/ is generated; .workbench/ holds the practice history, which stays on this machine. A git-ignore
    # that already names out/ is the user's own: it is left as it is.
    missing = [entry for entry in ("out/", ".workbench/")
               if not any(line.strip().strip("/") == entry.strip("/") for line in lines)]
    if "out/" in missing:
        ignore.write_text("\n".join([*lines, *missing]) + "\n")
        said.append(f"updated  {ignore} ({' and '.join(missing)} are not versioned)")
    said.append(f"next: cd {directory} && workbench render")
    return said
