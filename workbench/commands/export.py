"""`workbench export`: build one design and write one deliverable (report or diagram) where the user wants it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from workbench.build import build_design
from workbench.config import Config
from workbench.errors import WorkbenchError
from workbench.output.fileio import write_bytes_atomic

EXPORT_FORMATS = ("html", "md", "pdf", "png", "svg")


@dataclass
class Exported:
    path: Path
    extras: list[Path] = field(default_factory=list)  # images copied beside a Markdown report


def export(design: Path, cfg: Config, fmt: str, output: Path | None = None, diagram: str | None = None,
           findings_view: bool = False) -> Exported:
    """Build `design` (the cache makes this cheap when nothing changed) and write the chosen file."""
    if fmt not in EXPORT_FORMATS:
        raise WorkbenchError(f"cannot export {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    design = Path(design).absolute()
    formats = tuple(dict.fromkeys((*cfg.formats, "png", "svg")))
    result = build_design(design, cfg, formats)
    if not result.ok:
        raise result.error
    folder = cfg.out / design.stem
    if fmt in ("png", "svg"):
        slug = pick_diagram(folder, diagram)
        source = folder / f"{slug}{'.findings' if findings_view else ''}.{fmt}"
        default_name = f"{design.stem}{'' if slug == design.stem else '-' + slug}.{fmt}"
    else:
        source = folder / f"report.{fmt}"
        default_name = f"{design.stem}-report.{fmt}"
    target = Path(output) if output else Path.cwd() / default_name
    if target.is_dir() or (output and not target.suffix):  # a folder, existing or to be made
        target = target / default_name
    if fmt == "pdf" and not source.exists():  # render makes report.pdf only when asked for pdf
        from workbench.output.report import pdf_from_html

        write_bytes_atomic(target, pdf_from_html((folder / "report.html").read_text(encoding="utf-8"), folder))
        return Exported(target)
    write_bytes_atomic(target, source.read_bytes())
    extras = []
    if fmt == "md" and target.parent.resolve() != folder.resolve():
        # The Markdown links its images relatively: they travel with it.
        for image in sorted(folder.glob("*.findings.png")):
            copy = target.parent / image.name
            try:
                shutil.copyfile(image, copy)
            except OSError as exc:
                raise WorkbenchError(f"wrote {target}, but could not copy its image {copy}: "
                                     f"{exc.strerror or exc}") from exc
            extras.append(copy)
    return Exported(target, extras)


def pick_diagram(folder: Path, wanted: str | None) -> str:
    import json

    model = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    slugs = [d["slug"] for d in model["diagrams"]]
    if wanted is None:
        return slugs[0]
    for d in model["diagrams"]:
        if wanted in (d["slug"], d["name"]):
            return d["slug"]
    raise WorkbenchError(f"no diagram {wanted!r} in {model['path']}; it has: {', '.join(slugs)}")
