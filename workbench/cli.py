"""The `workbench` command line: thin click commands that forward to the modules that do the work."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from workbench import __version__
from workbench.config import FORMATS, Config, load_config
from workbench.errors import WorkbenchError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def split_formats(values: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    formats = [f.strip().lower() for v in values for f in v.split(",") if f.strip()]
    for fmt in formats:
        if fmt not in FORMATS:
            raise click.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    return tuple(dict.fromkeys(formats)) or default


def workspace(ctx: click.Context) -> Config:
    return ctx.obj["config"]


def design_paths(cfg: Config, paths: tuple[Path, ...]) -> list[Path]:
    from workbench.build import discover

    if not paths:
        if not cfg.designs.is_dir():
            raise WorkbenchError(f"no designs folder at {cfg.designs}; pass design files or run `workbench init`")
        paths = (cfg.designs,)
    designs = discover(paths)
    if not designs:
        raise WorkbenchError(f"no design files found in {', '.join(str(p) for p in paths)}")
    return designs


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="workbench")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of failing designs and debug logs.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Render, check and review system designs written as `diagrams` scripts.

    \b
    A design is an ordinary Python file in designs/ that builds one or more
    `with Diagram(...)` blocks. The workbench runs it safely in its own process,
    captures the architecture, and writes out/<design>/ with deterministic,
    self-contained diagrams and a model.json.

    \b
    Typical loop:
      workbench init my-practice     create a workspace with an example design
      workbench render               render every design in designs/
      workbench render designs/x.py -f png,svg,pdf
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["config"] = load_config()


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, metavar="FMT[,FMT]",
              help=f"Output formats, from {', '.join(FORMATS)} (default: png,svg or workbench.toml).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Designs rendered at once (default: CPU cores).")
@click.option("--force", is_flag=True, help="Rebuild even designs whose inputs have not changed.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds a design may run (default 60).")
@click.pass_context
def render(ctx: click.Context, paths: tuple[Path, ...], formats: tuple[str, ...], jobs: int | None,
           force: bool, timeout: float | None) -> None:
    """Render designs into out/<design>/ (files or folders; default designs/).

    \b
    Each design runs in a fresh process with a time limit; `show=True`,
    `filename=` and `outformat=` in the script are ignored: outputs always go to
    out/<design-stem>/<diagram-slug>.<format>. Unchanged designs are skipped
    (see --force). A design that fails keeps its last good outputs and never
    stops the others; the exit status is 1 when any design failed.
    """
    from workbench.build import build_all

    cfg = workspace(ctx)
    if timeout:
        cfg.timeout = timeout
    chosen = split_formats(formats, cfg.formats)
    designs = design_paths(cfg, paths)
    start = time.perf_counter()
    results = build_all(designs, cfg, chosen, force=force, jobs=jobs, progress=progress_printer(len(designs)))
    counts = {s: sum(r.status == s for r in results) for s in ("rendered", "cached", "failed")}
    for result in results:
        echo_result(result, cfg, ctx.obj["verbose"])
    out = display_out(cfg)
    click.echo(f"{counts['rendered']} rendered, {counts['cached']} cached, {counts['failed']} failed "
               f"in {time.perf_counter() - start:.1f} s; outputs in {out}/")
    sys.exit(1 if counts["failed"] else 0)


def display_out(cfg: Config) -> str:
    try:
        return cfg.out.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return cfg.out.as_posix()


def progress_printer(total: int):
    """A one-line, self-overwriting progress display; only on a terminal."""
    if not sys.stderr.isatty() or total < 2:
        return None

    def show(result, done: int, total: int) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r\033[K[{done}/{total}] {result.shown}", nl=False, err=True)
        if end:
            click.echo("\r\033[K", nl=False, err=True)

    return show


def echo_result(result, cfg: Config, verbose: bool) -> None:
    if result.status == "failed":
        click.secho(f"error: {result.error.format_message()}", fg="red", err=True)
        if (cfg.out / result.stem).is_dir():
            click.echo(f"  the last good outputs in {display_out(cfg)}/{result.stem}/ are kept", err=True)
        if verbose and result.error.detail:
            click.echo(result.error.detail.rstrip(), err=True)
        return
    for warning in result.warnings:
        where = f"{warning['file']}:{warning['line']}" if warning.get("line") else warning["file"]
        click.secho(f"warning: {where}: {warning['message']}", fg="yellow", err=True)
    if result.status == "cached":
        if verbose:
            click.echo(f"cached   {result.shown}")
        return
    diagrams = len(result.model.diagrams)
    click.echo(f"rendered {result.shown} -> {display_out(cfg)}/{result.stem}/ "
               f"({diagrams} diagram{'s' * (diagrams != 1)}, {result.duration:.1f} s)")


@main.command(context_settings=CONTEXT)
@click.option("--all", "all_classes", is_flag=True, help="Every node class, auxiliary ones (monitoring, CI, ...) too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def roles(all_classes: bool, fmt: str) -> None:
    """List the role the analysis gives each `diagrams` node class.

    \b
    Roles (database, cache, queue, load_balancer, ...) decide which rules apply
    to a node. Override one in a design with `role="cache"` on the node. The
    summary counts classes per role and per provider for the installed diagrams.
    """
    from workbench.roles import format_roles

    click.echo(format_roles(all_classes, fmt))


@main.command(context_settings=CONTEXT)
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
def init(directory: Path) -> None:
    """Create a workspace: designs/ with an example, templates/, out/ (git-ignored).

    Existing files are never overwritten.
    """
    from workbench.workspace import init_workspace

    for line in init_workspace(directory):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
