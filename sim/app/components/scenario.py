"""Scenario and variant pickers: load a file from the scenarios folder into this session's model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import solara

from sim.app.components.common import Message, Note, guarded
from sim.app.state import SessionModel, build_model, effective_parameters, key_parameter_rows
from sim.scenario.errors import InputError

#: Variant choice meaning "no variant" (for scenarios without a default variant).
AS_WRITTEN = "(as written)"


def _load(build) -> tuple[SessionModel | None, str | None]:
    try:
        return build(), None
    except InputError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a broken file must show a message, not stop the page
        return None, f"{type(exc).__name__}: {exc}"


@solara.component
def ScenarioCard(current: SessionModel, load: Callable[[SessionModel], None], files: list[Path], directory: Path,
                 start_messages: list[str]):
    """Pick a scenario file and a variant; shows the title, the variant's description and load errors.

    A new choice builds a new model at once (same seed, the scenario's own parameters) and
    hands it to ``load``. Seed and parameter sliders below apply when Reset is pressed.
    """
    error = solara.use_reactive("")
    failures = solara.use_reactive(0)   # remounts the pickers after a failed choice, so they show what runs
    names = [p.name for p in files]
    by_name = {p.name: p for p in files}
    current_name = current.loaded.path.name if current.loaded.path else ""

    def pick_scenario(name: str | None):
        if not name or name not in by_name:
            error.set("Pick a scenario file from the list.")
            return
        new, problem = _load(lambda: build_model(by_name[name], seed=current.seed or 0, cls=type(current)))
        if problem:
            error.set(f"{name} could not be loaded, the previous scenario stays:\n{problem}")
            failures.set(failures.value + 1)
            return
        error.set("")
        load(new)

    def pick_variant(name: str | None):
        if not name:
            error.set("Pick a variant from the list.")
            return
        variant = None if name == AS_WRITTEN else name
        new, problem = _load(lambda: build_model(current.loaded, variant=variant, seed=current.seed or 0,
                                                 cls=type(current)))
        if problem:
            error.set(f"Variant {name} could not be built:\n{problem}")
            failures.set(failures.value + 1)
            return
        error.set("")
        load(new)

    def on_scenario(name: str | None) -> None:
        guarded(lambda: pick_scenario(name), error.set)()

    def on_variant(name: str | None) -> None:
        guarded(lambda: pick_variant(name), error.set)()

    with solara.Card("Scenario", margin=0, classes=["ddsim-scenario"]):
        if names:
            solara.Select(label="Scenario", values=names, value=current_name if current_name in names else None,
                          on_value=on_scenario).key(f"scenario-{failures.value}")
        else:
            Message(f"No *.yaml files in {directory}.", kind="warning")
        variants = current.loaded.variants
        if variants:
            if current.loaded.scenario.default_variant not in variants:
                variants = [AS_WRITTEN, *variants]
            solara.Select(label="Variant", values=variants, value=current.variant or AS_WRITTEN,
                          on_value=on_variant).key(f"variant-{failures.value}")
            spec = current.loaded.scenario.variants.get(current.variant or "")
            if spec and spec.description:
                Note(spec.description.strip())
        else:
            Note("This scenario has no variants.")
        Note(current.loaded.scenario.meta.title, size="0.85em", colour="#222", weight="500")
        Note(f"{len(current.codes)} states, {current.n_steps} steps ({current.calendar.step}ly) "
             f"from {current.calendar.dates[0]:%B %Y}")
        Note(parameter_summary(current), testid="parameters-now")
        Note("Seed and parameters: move the sliders under 'Model Parameters', then press Reset.",
             colour="#777")
        if error.value:
            Message(error.value)
        for text in start_messages:
            Message(text, kind="warning")


def parameter_summary(model: SessionModel) -> str:
    """'Seed 0; lam 0.97 per month, ...' for the run on screen; changed values are starred."""
    values = effective_parameters(model.loaded, model.variant)
    values.update(model.overrides)
    parts = [f"{row['name']} {values[row['name']]:g}{'*' if row['name'] in model.overrides else ''}"
             f" ({row['unit']})" for row in key_parameter_rows()]
    changed = " (* changed here)" if model.overrides else ""
    return f"This run: seed {model.seed or 0}; " + ", ".join(parts) + changed
