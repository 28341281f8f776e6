"""Command-line entry points of the sweep subsystem, as plain functions.

The project CLI (typer, ``sim/cli.py``) wires them in, e.g.::

    @app.command()
    def sweep(file: Path, scheduler: str | None = None, workers: int | None = None,
              force_new: bool = typer.Option(False, "--force-new"),
              no_progress: bool = typer.Option(False, "--no-progress")):
        raise typer.Exit(sweep_command(file, scheduler, workers, force_new, no_progress))

    @app.command()
    def analyze(folder: Path):
        raise typer.Exit(analyze_command(folder))

Each function prints with rich and returns an exit code: 0 success, 1 the
sweep could not go on (rerun to resume), 2 bad input (a message names the
file, line and field), 130 interrupted (rerun to resume).
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from .errors import SweepError, SweepFileError, SweepRuntimeError
from .hooks import DEFAULT_EVALUATE, SAME_MODULE, hook_for

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def print_file_error(err: SweepFileError, console: Console) -> None:
    """Print every issue of a sweep file: line, field, problem, fix."""
    n = len(err.issues)
    console.print(f"[bold red]✗ {escape(err.file)}: {n} problem{'s' if n != 1 else ''}[/bold red]")
    for issue in err.issues:
        where = f"line {issue.line}" if issue.line else "file"
        field = f", [bold]{escape(issue.field)}[/bold]" if issue.field else ""
        console.print(f"  {where}{field}: {escape(issue.message)}")
        if issue.hint:
            console.print(f"    [green]fix:[/green] {escape(issue.hint)}")


def _stored(folder: Path) -> tuple[int, int, int]:
    try:
        m = json.loads((folder / "manifest.json").read_text())
        return int(m.get("runs_stored", 0)), int(m.get("total_runs", 0)), int(m.get("runs_error", 0))
    except (OSError, ValueError):
        return 0, 0, 0


def sweep_command(file: str | Path, scheduler: str | None = None, workers: int | None = None,
                  force_new: bool = False, no_progress: bool = False, *,
                  evaluate: str = DEFAULT_EVALUATE, batch_size: int | None = None,
                  known_parameters: str | None = SAME_MODULE,
                  validate_outcomes: str | None = SAME_MODULE,
                  console: Console | None = None) -> int:
    """``ddsim sweep FILE``: run or resume a sweep; return the exit code.

    Args:
        file: the sweep file (YAML).
        scheduler: None (local processes), "serial", "local" (Dask LocalCluster),
            "local-threads", or a Dask scheduler address "tcp://host:port".
        workers: local worker processes (default: all cores).
        force_new: start over if the sweep file changed (the old results
            folder is kept, renamed).
        no_progress: no progress display.
        evaluate: import path of the model function.
        batch_size: runs per task (default automatic).
        known_parameters, validate_outcomes: the model's validation hooks
            (default: next to ``evaluate``; ``None`` skips the check).
    """
    from .runner import run_sweep
    from .spec import load_sweep

    out = console or Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    try:
        spec = load_sweep(file, known_parameters=hook_for(evaluate, known_parameters, "known_parameters"),
                          validate_outcomes=hook_for(evaluate, validate_outcomes, "validate_outcomes"))
    except SweepFileError as exc:
        print_file_error(exc, err)
        return EXIT_BAD_INPUT
    folder = spec.output_path
    try:
        run_sweep(spec, scheduler=scheduler, workers=workers, progress=not no_progress, evaluate=evaluate,
                  force_new=force_new, batch_size=batch_size)
    except SweepRuntimeError as exc:
        err.print(f"[bold red]✗ sweep stopped:[/bold red] {escape(str(exc))}")
        done, total, _ = _stored(folder)
        err.print(f"  {done:,} of {total:,} runs are stored in {escape(str(folder))}; "
                  "run the same command again to continue.")
        return EXIT_FAILED
    except SweepError as exc:
        err.print(f"[bold red]✗[/bold red] {escape(str(exc))}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        done, total, _ = _stored(folder)
        err.print(f"[yellow]Interrupted.[/yellow] {done:,} of {total:,} runs are stored in "
                  f"{escape(str(folder))}; run the same command again to continue.")
        return EXIT_INTERRUPTED
    done, total, errors = _stored(folder)
    out.print(f"[bold green]✓[/bold green] {done:,} of {total:,} runs stored in {escape(str(folder))}"
              + (f" ([red]{errors:,} failed[/red]: see the 'error' column)" if errors else ""))
    out.print(f"  analyse with: ddsim analyze {escape(str(folder))}")
    return EXIT_OK


def analyze_command(dir: str | Path, console: Console | None = None) -> int:  # noqa: A002 - CLI name
    """``ddsim analyze DIR``: summaries, indices and plots of a results folder."""
    from .analyze import analyze, print_analysis

    out = console or Console(soft_wrap=True)
    folder = Path(dir)
    if not folder.is_dir():
        Console(stderr=True, soft_wrap=True).print(f"[bold red]✗[/bold red] {escape(str(folder))} is not a folder")
        return EXIT_BAD_INPUT
    try:
        result = analyze(folder)
    except SweepError as exc:
        Console(stderr=True, soft_wrap=True).print(f"[bold red]✗[/bold red] {escape(str(exc))}")
        return EXIT_BAD_INPUT
    print_analysis(result, out)
    return EXIT_OK
