"""`workbench export`: build designs and write deliverables (reports, diagrams, Mermaid, draw.io) where wanted."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from workbench.build import build_design
from workbench.config import Config
from workbench.errors import DesignError, WorkbenchError
from workbench.output.fileio import write_bytes_atomic, write_text_atomic

EXPORT_FORMATS = ("html", "md", "pdf", "png", "svg", "mermaid", "drawio")
# File name endings per format: what a folder export writes per design, and a single export's default.
SUFFIX = {"html": "-report.html", "md": "-report.md", "pdf": "-report.pdf", "mermaid": ".mermaid.md",
          "drawio": ".drawio"}


@dataclass
class Exported:
    path: Path
    extras: list[Path] = field(default_factory=list)  # images copied beside a Markdown report


def export(design: Path, cfg: Config, fmt: str, output: Path | None = None, diagram: str | None = None,
           findings_view: bool = False) -> Exported:
    """Build `design` (the cache makes this cheap when nothing changed) and write the chosen file."""
    check_format(fmt, findings_view)
    design = Path(design).absolute()
    formats = tuple(dict.fromkeys((*cfg.formats, "png", "svg")))
    result = build_design(design, cfg, formats)
    if not result.ok:
        raise result.error
    folder = cfg.out / design.stem
    if fmt in ("mermaid", "drawio"):
        return Exported(write_editable(design, folder, fmt, output, diagram, cfg))
    if fmt in ("png", "svg"):
        slug = pick_diagram(folder, diagram)
        source = folder / f"{slug}{'.findings' if findings_view else ''}.{fmt}"
        view = ".findings" if findings_view else ""  # beside the plain picture, not over it
        default_name = f"{design.stem}{'' if slug == design.stem else '-' + slug}{view}.{fmt}"
        if findings_view and fmt == "png":  # the build draws the findings view as SVG only
            from workbench.output.render import findings_png

            target = output_path(output, default_name)
            findings_png(folder, slug, design.parent, target, cfg.style)
            return Exported(target)
    else:
        source = folder / f"report.{fmt}"
        default_name = f"{design.stem}-report.{fmt}"
    target = output_path(output, default_name)
    if fmt == "pdf" and not source.exists():  # render makes report.pdf only when asked for pdf
        from workbench.output.report import pdf_from_html

        write_bytes_atomic(target, pdf_from_html((folder / "report.html").read_text(encoding="utf-8"), folder))
        return Exported(target)
    write_bytes_atomic(target, source.read_bytes())
    extras = []
    if fmt == "md" and target.parent.resolve() != folder.resolve():
        # The Markdown links its images relatively: they travel with it.
        for image in sorted(folder.glob("*.findings.svg")):
            copy = target.parent / image.name
            try:
                shutil.copyfile(image, copy)
            except OSError as exc:
                raise WorkbenchError(f"wrote {target}, but could not copy its image {copy}: "
                                     f"{exc.strerror or exc}") from exc
            extras.append(copy)
    return Exported(target, extras)


def check_format(fmt: str, findings_view: bool) -> None:
    if fmt not in EXPORT_FORMATS:
        raise WorkbenchError(f"cannot export {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    if findings_view and fmt not in ("png", "svg"):
        raise WorkbenchError(f"--findings-view draws one diagram with its findings outlined: use it with --format "
                             f"png or svg (the {fmt} export already shows the findings)")


def output_path(output: Path | None, default_name: str) -> Path:
    """The file to write: `output`, or `default_name` in it when it is a folder (existing, or a path without
    a suffix, to be made), or `default_name` here."""
    target = Path(output) if output else Path.cwd() / default_name
    if target.is_dir() or (output and not target.suffix):
        target = target / default_name
    return target


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


def write_editable(design: Path, folder: Path, fmt: str, output: Path | None, diagram: str | None,
                   cfg: Config) -> Path:
    """The Mermaid or draw.io export of a built design, from its model.json and findings.json.

    Mermaid: Markdown with a ```mermaid block per diagram (GitHub renders it), or, when the output ends in
    .mmd, the bare flowchart of one diagram (`diagram`, default the first). draw.io: one page per diagram.
    """
    from workbench.design.model import DesignModel

    model = DesignModel.from_dict(json.loads((folder / "model.json").read_text(encoding="utf-8")))
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    target = output_path(output, f"{design.stem}{SUFFIX[fmt]}")
    if fmt == "drawio":
        from workbench.output.drawio import drawio

        text = drawio(model, design.parent, findings, cfg.style)
    elif target.suffix == ".mmd":
        from workbench.output.mermaid import flowchart

        slug = pick_diagram(folder, diagram)
        chosen = next(d for d in model.diagrams if d.slug == slug)
        items = next((d["findings"] for d in findings["diagrams"] if d["slug"] == slug), [])
        text = flowchart(chosen, items)
    else:
        from workbench.output.mermaid import markdown

        text = markdown(model, findings)
    write_text_atomic(target, text)
    return target


@dataclass
class FolderExport:
    index: Path
    written: list[Path]
    failed: list[DesignError]


def export_folder(designs: list[Path], cfg: Config, fmt: str, output: Path | None = None,
                  diagram: str | None = None, findings_view: bool = False, jobs: int | None = None,
                  ) -> FolderExport:
    """Every design into one folder (default ./export/): one file per design (named as a single export would
    name it) and an index page linking them (index.md for md and mermaid, index.html otherwise) with each
    design's findings. A design that fails is listed in the index with its error; the others are written."""
    from workbench.build import build_all

    check_format(fmt, findings_view)
    target = Path(output) if output else Path.cwd() / "export"
    if target.exists() and not target.is_dir():
        raise WorkbenchError(f"{target} is a file; a folder export needs a folder (-o FOLDER)")
    target.mkdir(parents=True, exist_ok=True)
    formats = tuple(dict.fromkeys((*cfg.formats, "png", "svg")))
    results = build_all(designs, cfg, formats, jobs=jobs)
    rows, written, failed = [], [], []
    for result in results:
        if not result.ok:
            failed.append(result.error)
            rows.append((result.shown, None, result.error.format_message(), None))
            continue
        # A Markdown report travels with its images, named by diagram: each design gets its own folder.
        dest = target / result.stem if fmt == "md" else target
        try:
            done = export(result.design, cfg, fmt, dest, diagram if fmt in ("png", "svg") else None, findings_view)
        except DesignError as exc:
            failed.append(exc)
            rows.append((result.shown, None, exc.format_message(), None))
            continue
        except WorkbenchError as exc:  # e.g. --diagram names a diagram this design does not have
            failed.append(DesignError(result.shown, 0, exc.message, kind="export"))
            rows.append((result.shown, None, exc.message, None))
            continue
        written += [done.path, *done.extras]
        summary = json.loads((cfg.out / result.stem / "findings.json").read_text(encoding="utf-8"))["summary"]
        rows.append((result.shown, done.path.relative_to(target).as_posix(), None, summary))
    index = target / ("index.md" if fmt in ("md", "mermaid") else "index.html")
    write_text_atomic(index, (index_markdown if index.suffix == ".md" else index_html)(rows, fmt))
    return FolderExport(index, written, failed)


def counts_text(summary: dict) -> str:
    parts = [f"{summary[k]} {k}{'s' * (summary[k] != 1 and k in ('error', 'warning'))}"
             for k in ("error", "warning", "info", "accepted") if summary.get(k)]
    return ", ".join(parts) or "no findings"


def index_markdown(rows: list, fmt: str) -> str:
    lines = ["# Designs", "", f"Exported by `workbench export --format {fmt}`.", "",
             "| Design | File | Findings |", "| --- | --- | --- |"]
    for shown, name, error, summary in rows:
        cell = lambda text: text.replace("|", "\\|").replace("\n", " ")  # noqa: E731
        if error:
            lines.append(f"| `{shown}` | (failed) | {cell(error)} |")
        else:
            lines.append(f"| `{shown}` | [{name}]({name}) | {counts_text(summary)} |")
    return "\n".join(lines) + "\n"


def index_html(rows: list, fmt: str) -> str:
    from html import escape
    from urllib.parse import quote

    items = []
    for shown, name, error, summary in rows:
        if error:
            items.append(f'<tr class="failed"><td><code>{escape(shown)}</code></td><td>failed</td>'
                         f"<td>{escape(error)}</td></tr>")
            continue
        link = f'<a href="{escape(quote(name))}">{escape(name)}</a>'
        preview = f'<br><img src="{escape(quote(name))}" alt="{escape(shown)}" loading="lazy">' \
            if fmt in ("png", "svg") else ""
        items.append(f"<tr><td><code>{escape(shown)}</code></td><td>{link}{preview}</td>"
                     f"<td>{escape(counts_text(summary))}</td></tr>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Designs</title>\n"
            "<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.4rem .7rem;text-align:left;vertical-align:top}"
            "img{max-width:420px;margin-top:.4rem}.failed td{color:#d62728}</style></head><body>\n"
            f"<h1>Designs</h1>\n<p>Exported by <code>workbench export --format {escape(fmt)}</code>.</p>\n"
            "<table><thead><tr><th>Design</th><th>File</th><th>Findings</th></tr></thead><tbody>\n"
            + "\n".join(items) + "\n</tbody></table>\n</body></html>\n")
