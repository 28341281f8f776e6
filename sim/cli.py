"""The ``ddsim`` command line: run, check, compare, schema, list-actions, list-params.

A thin layer: it loads scenarios, builds models, and prints or writes results.
Bad input exits with code 2 and a message naming file, line and field; a failed
expectation exits with code 1.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from sim.issues import Issue
from sim.scenario.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  pretty_exceptions_show_locals=False,
                  help="Simulate how defence diplomacy builds trust between states.")
console = Console(soft_wrap=True)   # paths and commands stay whole for copying
err_console = Console(stderr=True, soft_wrap=True)

ScenarioArg = typer.Argument(None, help="Scenario YAML file (default: the built-in demo).",
                             show_default=False)


def _output_folder(out: Path) -> Path:
    """Create ``--out`` before any work, so that a folder that cannot be written fails at
    once (exit 2) rather than after the run."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK):
            raise PermissionError(f"no permission to write in {out}")
    except OSError as exc:
        raise InputError([Issue(str(out), None, "--out", f"cannot write results there: {exc}",
                                "choose another folder with --out, e.g. --out results/run1")]
                         ) from None
    return out


def parse_settings(items: list[str]) -> tuple[dict[str, Any], list[Issue]]:
    """``--set NAME=VALUE`` options as keyword arguments (whole numbers as int, other
    numbers as float, anything else as text: ``default_policy=mixed``) and the problems
    of those that are not of that form."""
    out: dict[str, Any] = {}
    bad: list[Issue] = []
    for item in items:
        name, eq, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not eq or not name or not text:
            bad.append(Issue("--set", None, item, "expected NAME=VALUE",
                             "write e.g. --set lam=0.98 or --set military_aid.forward=1.5"))
            continue
        if name in out:
            bad.append(Issue("--set", None, name, "set twice", "give each name once"))
        out[name] = _number_or_text(text)
    return out, bad


def with_settings[T](items: list[str], check: Callable[[dict[str, Any]], T]
                     ) -> tuple[dict[str, Any], T]:
    """Read ``--set`` options and pass them to ``check`` (which builds or checks the model
    with them); returns the settings and what ``check`` returned. Every problem is
    raised at once: options that cannot be read, then bad names and values, filed
    under ``--set`` (the option they came from) rather than "model arguments"."""
    overrides, bad = parse_settings(items)
    try:
        result = check(overrides)
    except InputError as exc:
        raise InputError(bad + [replace(i, file="--set") if i.file.endswith("(model arguments)")
                                and i.field in overrides else i for i in exc.issues]) from None
    if bad:
        raise InputError(bad)
    return overrides, result


def _number_or_text(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _load(path: Path | None):
    from sim.model import BUILTIN_SCENARIO
    from sim.scenario.loader import load_scenario
    return load_scenario(path or BUILTIN_SCENARIO)


@app.command()
def run(scenario: Path | None = ScenarioArg,
        variant: str | None = typer.Option(None, "--variant", "-v",
                                           help="Variant to run (default: the file's)."),
        seed: int = typer.Option(0, "--seed", "-s", min=0,
                                 help="Random seed (same seed, same results)."),
        steps: int | None = typer.Option(None, min=1, help="Stop after this many steps."),
        out: Path = typer.Option(Path("results"), "--out", "-o",
                                 help="Folder for Parquet, CSV and PNG outputs."),
        plots: bool = typer.Option(True, help="Write PNG plots."),
        top: int = typer.Option(8, min=0,
                                help="How many of the largest trust changes to list."),
        settings: list[str] = typer.Option(
            [], "--set", metavar="NAME=VALUE",
            help="Set a model parameter or action weight for this run, e.g. --set lam=0.98 "
                 "--set military_aid.forward=1.5 (repeatable; `ddsim list-params`).")):
    """Run a scenario, print a summary and write results to --out."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from sim.model import DefenceDiplomacyModel
    from sim.summary import print_summary
    loaded = _load(scenario)
    _, model = with_settings(settings, lambda given: DefenceDiplomacyModel(
        loaded, variant=variant, rng=seed, steps=steps, **given))
    _output_folder(out)
    with Progress(TextColumn("[bold]simulating"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total} steps"), TimeRemainingColumn(), console=err_console,
                  transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("run", total=model.n_steps)
        model.run(progress=lambda done, total: bar.update(task, completed=done))
    res = model.results()
    print_summary(console, res, top=top)
    written = res.save(out, plots=plots)
    console.print(f"\n[bold]Wrote[/bold] {len(written)} files to {out}/ "
                  f"({', '.join(sorted({p.name for p in written})[:6])}, ...)")


@app.command()
def check(scenarios: list[Path] = typer.Argument(..., help="Scenario or variant files."),
          run_expectations: bool = typer.Option(True, "--expectations/--no-expectations",
                                                help="Also run the scenario and check its "
                                                     "expectations.")):
    """Validate scenario files and check their expectations (exit 1 if any fails)."""
    from sim.expectations import check_expectations
    from sim.scenario.loader import load_scenario
    failed = bad = False
    for path in scenarios:
        try:
            loaded = load_scenario(path)
        except InputError as exc:
            err_console.print(f"[red]invalid[/red] {exc}")
            bad = True
            continue
        console.print(f"[green]valid[/green] {path}: {len(loaded.scenario.states)} states, "
                      f"{len(loaded.scenario.events)} events, "
                      f"{len(loaded.scenario.recurring)} recurring, "
                      f"{len(loaded.scenario.variants)} variants")
        for w in loaded.warnings:
            console.print(f"  [yellow]warning[/yellow] {w}")
        if run_expectations and loaded.scenario.expectations:
            table = Table(title=str(path))
            for head in ("expectation", "variant", "result", "detail"):
                table.add_column(head, overflow="fold")
            for o in check_expectations(loaded):
                table.add_row(o.id, str(o.variant), "[green]pass[/green]" if o.passed
                              else "[red]FAIL[/red]", o.detail)
                failed |= not o.passed
            console.print(table)
    if bad:
        raise typer.Exit(2)
    if failed:
        raise typer.Exit(1)


def _pair(text: str) -> tuple[str, str]:
    a, sep, b = text.partition(":")
    if not sep or not a or not b:
        raise typer.BadParameter(f"'{text}' is not A:B (e.g. UKR:RUS)")
    return a.strip(), b.strip()


@app.command()
def compare(scenario: Path = typer.Argument(..., help="Scenario YAML file."),
            variant: list[str] = typer.Option([], "--variant", "-v",
                                              help="Two variants A and B (one: compared with "
                                                   "the default variant)."),
            seeds: int = typer.Option(10, "--seeds", "-n", help="Seeds per variant.", min=1),
            pair: list[str] = typer.Option([], "--pair", "-p",
                                           help="Trust pair A:B to compare (repeatable; "
                                                "default: the scenario's focal pairs)."),
            group: list[str] = typer.Option([], "--group", "-g",
                                            help="Group pair G:H (mean trust of G in H)."),
            out: Path = typer.Option(Path("results/compare"), "--out", "-o"),
            workers: int | None = typer.Option(None, min=1,
                                               help="Processes (default: all cores)."),
            settings: list[str] = typer.Option(
                [], "--set", metavar="NAME=VALUE",
                help="Set a model parameter or action weight for both variants, e.g. "
                     "--set lam=0.95 (repeatable; `ddsim list-params`).")):
    """Compare two variants as ensembles over seeds: differences with 95 % bands."""
    from sim.compare import check_names, check_settings
    from sim.compare import compare as run_compare
    loaded = _load(scenario)
    if len(variant) == 1:
        if loaded.default_variant is None or loaded.default_variant == variant[0]:
            raise typer.BadParameter("give two variants (--variant A --variant B)")
        variant = [variant[0], loaded.default_variant]
    if len(variant) != 2:
        raise typer.BadParameter("give two variants: --variant A --variant B")
    pairs = [_pair(p) for p in pair] or None
    groups = [_pair(g) for g in group] or None
    check_names(loaded, scenario, tuple(variant), pairs, groups)
    overrides, _ = with_settings(settings, lambda given: check_settings(loaded, variant[0], given))
    _output_folder(out)
    with console.status(f"running {2 * seeds} simulations ..."):
        cmp = run_compare(scenario, variant[0], variant[1], seeds, pairs, groups, workers,
                          overrides)
    final = cmp.difference.sort_values("date").groupby("metric").tail(1)
    table = Table("metric", "mean A - B at end", "95 % band",
                  title=f"{variant[0]} minus {variant[1]}, {seeds} seeds")
    for _, r in final.iterrows():
        table.add_row(r["metric"], f"{r['mean']:+.3f}", f"[{r['low']:+.3f}, {r['high']:+.3f}]")
    console.print(table)
    if cmp.support is not None and len(cmp.support):
        st = Table("donor", f"{variant[0]} EUR bn", f"{variant[1]} EUR bn", "difference",
                   "95 % band", title="Support difference")
        for _, r in cmp.support.head(15).iterrows():
            st.add_row(r["iso3"], f"{r.iloc[1]:.2f}", f"{r.iloc[2]:.2f}",
                       f"{r['difference_eur_bn']:+.2f}", f"[{r['low']:+.2f}, {r['high']:+.2f}]")
        console.print(st)
    if seeds > 1 and not cmp.varies_with_seed():
        console.print("[yellow]note:[/yellow] every seed gave the same runs, so the bands have "
                      "zero width and one seed (-n 1) would do: chance enters the model only "
                      "through the choices of states on endogenous policies, and in these "
                      "variants no state made any (`policies:` in docs/scenarios.md).")
    written = cmp.save(out)
    console.print(f"Wrote {', '.join(p.name for p in written)} to {out}/")


@app.command()
def sweep(file: Path = typer.Argument(..., help="Sweep YAML file (see docs/sweeps.md)."),
          scheduler: str | None = typer.Option(
              None, "--scheduler",
              help="Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster; "
                   "default: a local process pool."),
          workers: int | None = typer.Option(None, min=1,
                                             help="Local workers (default: all cores)."),
          force_new: bool = typer.Option(False, "--force-new",
                                         help="Start again if the sweep file changed."),
          progress: bool = typer.Option(True, help="Show a progress bar.")):
    """Run (or resume) a parameter sweep; results stream to Parquet."""
    from sim.sweep.cli import sweep_command
    raise typer.Exit(sweep_command(file, scheduler=scheduler, workers=workers,
                                   force_new=force_new, no_progress=not progress))


@app.command()
def analyze(folder: Path = typer.Argument(..., help="A sweep's results folder.")):
    """Summaries, sensitivity indices and plots of a sweep's results."""
    from sim.sweep.cli import analyze_command
    raise typer.Exit(analyze_command(folder))


@app.command()
def schema(out: Path | None = typer.Option(None, "--out", "-o",
                                           help="Write to this file instead of stdout.")):
    """Print the JSON Schema of scenario files (for editor completion and checks)."""
    from sim.scenario.schema import Scenario
    text = json.dumps(Scenario.model_json_schema(by_alias=True), indent=2)
    if out:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError([Issue(str(out), None, "--out", f"cannot write the schema: {exc}",
                                    "give a file in a folder that exists and you can write to")]
                             ) from None
        console.print(f"wrote {out}")
    else:
        sys.stdout.write(text + "\n")


@app.command("list-actions")
def list_actions(kind: str | None = typer.Argument(None, help="Show one kind in full.")):
    """The action catalogue: every kind with its weights and sources."""
    from sim.catalogue import CATALOGUE, SOURCES
    if kind:
        if kind not in CATALOGUE:
            from sim.parameters import closest
            guess = closest(kind, list(CATALOGUE))
            err_console.print(f"unknown action kind '{kind}'; "
                              + (f"did you mean '{guess}'? " if guess else
                                 f"the kinds are: {', '.join(CATALOGUE)}. ")
                              + "See `ddsim list-actions`.")
            raise typer.Exit(2)
        k = CATALOGUE[kind]
        console.print(f"[bold]{k.name}[/bold] ({k.form})\n{k.doc}\n")
        for name, reason in k.reasons.items():
            console.print(f"  {name} = {getattr(k, name)}: {reason}")
        for s in k.sources:
            console.print(f"  [dim]{s}: {SOURCES[s]}[/dim]")
        return
    rows = [(k.name, k.form, f"{k.forward:g}", f"{k.back:g}", f"{k.observer:g}",
             "covert" if k.covert else f"{k.visibility:g}", k.cost_basis, k.gate or "",
             k.institution or (k.ends_institution and f"ends {k.ends_institution}") or "",
             ", ".join(k.sources)) for k in CATALOGUE.values()]
    key = ("fwd, back, obs: evidence per unit for the recipient, the actor and observers; "
           "vis: visibility. `ddsim list-actions KIND`: one kind with its reasons and sources.")
    if console.width < 120:           # a table would cut names: one line per kind instead
        for name, form, fwd, back, obs, vis, cost, gate, inst, sources in rows:
            extra = "".join(f"  {label} [bold]{v}[/bold]" for label, v in
                            (("gate", gate), ("institution", inst)) if v)
            console.print(f"[bold]{name}[/bold] ({form})  fwd {fwd}  back {back}  obs {obs}  "
                          f"vis {vis}  cost {cost}{extra}  [dim]{sources}[/dim]")
        console.print(key)
        return
    table = Table(box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False, caption=key)
    for head in ("kind", "form", "fwd", "back", "obs", "vis", "cost", "gate", "institution",
                 "sources"):
        table.add_column(head, no_wrap=head != "sources",
                         justify="right" if head in ("fwd", "back", "obs", "vis") else "left")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command("list-params")
def list_params():
    """Every model parameter with its default, unit and reason."""
    from sim.parameters import Parameters
    if console.width < 120:           # a table would squeeze the reasons: one block each
        for row in Parameters.describe():
            console.print(f"[bold]{row['name']}[/bold] = {row['default']} {row['unit']}")
            console.print(textwrap.fill(row["reason"], width=max(40, console.width - 1),
                                        initial_indent="    ", subsequent_indent="    ",
                                        break_on_hyphens=False),
                          highlight=False, markup=False)
    else:
        table = Table(box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
        for head in ("parameter", "default", "unit"):
            table.add_column(head, no_wrap=True)
        table.add_column("reason", overflow="fold")
        for row in Parameters.describe():
            table.add_row(row["name"], str(row["default"]), row["unit"], row["reason"])
        console.print(table)
    console.print("Action weights are overridden as [bold]kind.field[/bold] "
                  "(e.g. military_aid.forward); see `ddsim list-actions KIND`.")


@app.command("app")
def app_cmd(host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0: the LAN)."),
            port: int = typer.Option(8765, help="TCP port."),
            scenarios_dir: Path | None = typer.Option(None, help="Folder of scenario files "
                                                      "(default: ./scenarios)."),
            open_browser: bool = typer.Option(False, "--open/--no-open", help="Open a browser.")):
    """Serve the classroom dashboard (offline) and print its address; Ctrl-C stops it."""
    from sim.app.cli import app_command
    raise typer.Exit(app_command(host, port, scenarios_dir, open_browser))


def main() -> None:
    """Entry point: run the app, turning input errors into exit code 2 without a traceback."""
    try:
        app()
    except InputError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        sys.exit(2)


if __name__ == "__main__":
    main()
