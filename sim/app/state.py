"""What one browser session holds: its own model, built from a scenario file, variant and seed.

Nothing here is shared between sessions.  The dashboard creates a :class:`SessionModel`
inside its page component (``solara.use_memo``/``use_reactive``), so every browser tab
steps its own model; Mesa's Reset builds the next one from the same class.

Also here: finding the scenario files the page offers, the key parameters it shows as
sliders, and how the calendar date is written on the page.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from sim.model import BUILTIN_SCENARIO, DefenceDiplomacyModel
from sim.parameters import Parameters
from sim.scenario.errors import InputError
from sim.scenario.loader import LoadedScenario, load_scenario

#: Environment variable with the folder whose ``*.yaml`` files the page offers.
SCENARIOS_DIR_ENV = "DDSIM_SCENARIOS_DIR"
#: Optional environment variable: file name (in that folder) to open first.
FIRST_SCENARIO_ENV = "DDSIM_APP_SCENARIO"
#: The scenario opened first when it is in the folder.
PREFERRED_FIRST = "classroom_rivals.yaml"

#: Parameters shown as sliders, with (min, max, step).  Units and reasons come from
#: :meth:`sim.parameters.Parameters.describe`.
KEY_PARAMETERS: dict[str, tuple[float, float, float]] = {
    "lam": (0.80, 1.0, 0.005),
    "neg_memory": (0.05, 1.0, 0.05),
    "observer_weight": (0.0, 1.5, 0.05),
    "default_budget": (0.0, 2.0, 0.05),
    "theta_intel": (0.0, 1.0, 0.05),
}

#: Seeds offered by the seed slider.
SEED_RANGE = (0, 99)


def default_scenarios_dir() -> Path:
    """``./scenarios`` if the working directory has one, else the repository's ``scenarios/``."""
    here = Path.cwd() / "scenarios"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "scenarios"


def scenarios_dir() -> Path:
    """The folder the page lists scenarios from (``$DDSIM_SCENARIOS_DIR`` or the default)."""
    value = os.environ.get(SCENARIOS_DIR_ENV)
    return Path(value) if value else default_scenarios_dir()


def list_scenarios(directory: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files in ``directory`` right now, sorted by name."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


def effective_parameters(loaded: LoadedScenario, variant: str | None) -> dict[str, Any]:
    """Scalar parameters (per month) as the scenario and the variant set them, before overrides."""
    sc = loaded.scenario
    var = sc.variants.get(variant or sc.default_variant or "")
    values = {**sc.parameters, **(var.parameters if var else {})}
    scalars = {k: v for k, v in values.items() if "." not in k and k in Parameters.model_fields}
    try:
        return Parameters(**scalars).model_dump()
    except ValueError:  # pydantic ValidationError: invalid values are reported when the model is built
        return Parameters().model_dump()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


_UNSET: Any = object()


class SessionModel(DefenceDiplomacyModel):
    """The model as one browser session runs it.

    Adds bookkeeping only, no model behaviour: a lock (Play steps in a thread while a
    click may apply an instructor action), a ``version`` counter that changes whenever
    the state does (figures are redrawn only then). Only the slider values the user
    changed are passed on as keyword arguments (``overrides``): values equal to what the
    scenario and variant already set would mask the variant's own parameters.
    """

    #: What a Reset without a scenario builds: the session's current scenario and variant.
    #: Set on the per-session class (:func:`session_class`) whenever the page swaps models.
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, scenario_file: str | Path | LoadedScenario | None = None, variant: Any = _UNSET,
                 rng: Any = 0, steps: int | None = None, scenario: Any = None, **overrides: Any):
        # Mesa's Reset passes a fresh `mesa.experimental.scenarios.Scenario` as `scenario`
        # (Mesa's own notion of a scenario); ours is the file, `scenario_file`.
        if scenario_file is None and isinstance(scenario, (str, Path, LoadedScenario)):
            scenario_file = scenario
        if scenario_file is None:  # e.g. Mesa's Reset before its parameter card filled in
            scenario_file = self.defaults.get("scenario_file")
            if variant is _UNSET:
                variant = self.defaults.get("variant")
        if variant is _UNSET:
            variant = None
        source = scenario_file or BUILTIN_SCENARIO
        loaded = source if isinstance(source, LoadedScenario) else load_scenario(source)
        base = effective_parameters(loaded, variant)
        changed = {k: v for k, v in overrides.items() if k not in base or not _same(base[k], v)}
        self.lock = threading.RLock()
        self.retired = False
        self.version = 0
        self.app_cache: dict[Any, Any] = {}   # the page's incremental series (see components.series)
        super().__init__(loaded, variant=variant, rng=rng, steps=steps, **changed)

    def step(self) -> None:
        """One calendar period (Mesa has already counted the step); no-op past the end or once retired."""
        with self.lock:
            if self.steps > self.n_steps or self.retired:
                self.running = False
                return
            super().step()
            self.version += 1

    def retire(self) -> None:
        """Stop for good: the page has loaded another model (a Play loop still running ends)."""
        with self.lock:
            self.retired = True
            self.running = False

    def apply_action(self, *args: Any, **kwargs: Any) -> None:
        """:meth:`DefenceDiplomacyModel.apply_action` under the session lock."""
        with self.lock:
            super().apply_action(*args, **kwargs)
            self.version += 1

    def run_until(self, date: dt.date) -> int:
        """Step until the period containing ``date`` has been simulated; returns steps taken."""
        target = min(self.calendar.step_of(date), self.n_steps)
        taken = 0
        with self.lock:
            while self.running and self.steps < target:
                self.step()
                taken += 1
        return taken

    @property
    def shown_step(self) -> int:
        """Steps simulated, never past the calendar's end."""
        return min(self.steps, self.n_steps)


def session_class() -> type[SessionModel]:
    """A subclass of :class:`SessionModel` for one browser session (its own ``defaults``)."""
    return type("SessionModel", (SessionModel,), {"defaults": {}})


def build_model(scenario: str | Path | LoadedScenario, variant: str | None = None, seed: int = 0,
                cls: type[SessionModel] = SessionModel, **overrides: Any) -> SessionModel:
    """A new session model of class ``cls``; raises :class:`~sim.scenario.errors.InputError` on a bad scenario.

    With a per-session ``cls``, the new model's scenario and variant become what a later
    Reset rebuilds.
    """
    model = cls(scenario, variant=variant, rng=seed, **overrides)
    if cls is not SessionModel:
        cls.defaults = {"scenario_file": model.loaded, "variant": model.variant}
    return model


@dataclass
class Start:
    """The model a new session starts with, and what went wrong finding it."""

    model: SessionModel
    messages: list[str] = field(default_factory=list)


def initial_model(files: list[Path], seed: int = 0, cls: type[SessionModel] = SessionModel) -> Start:
    """The first scenario that loads: ``$DDSIM_APP_SCENARIO``, the classroom case, then the rest.

    Falls back to the built-in demo scenario (with a message) when the folder has none
    that loads.
    """
    wanted = os.environ.get(FIRST_SCENARIO_ENV, PREFERRED_FIRST)
    order = sorted(files, key=lambda p: (p.name != wanted, p.name != PREFERRED_FIRST, p.name))
    messages = []
    for path in order:
        try:
            return Start(build_model(path, seed=seed, cls=cls), messages)
        except InputError as exc:
            messages.append(f"{path.name} could not be loaded:\n{exc}")
        except Exception as exc:  # noqa: BLE001 - any broken file must not stop the page
            messages.append(f"{path.name} could not be loaded: {type(exc).__name__}: {exc}")
    if not files:
        messages.append("No scenario files (*.yaml) were found in the scenarios folder; "
                        "showing the built-in demo scenario.")
    return Start(build_model(BUILTIN_SCENARIO, seed=seed, cls=cls), messages)


# ----------------------------------------------------------------------------- presentation


def period_start(model: DefenceDiplomacyModel, step: int | None = None) -> dt.date:
    """First day of period ``step`` (default: the last simulated; step 0 gives the first period)."""
    step = model.steps if step is None else step
    return model.calendar.dates[min(max(step, 1), model.n_steps) - 1]


def period_label(model: DefenceDiplomacyModel, step: int | None = None) -> str:
    """The calendar period of ``step`` (default: the last simulated) as words, e.g. 'March 2016'."""
    step = model.steps if step is None else step
    step = min(step, model.n_steps)
    if step <= 0:
        return f"Before {period_label(model, 1)}"
    d = period_start(model, step)
    kind = model.calendar.step
    if kind == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    if kind == "week":
        return f"Week of {d:%d %B %Y}"
    return f"{d:%B %Y}"


def scenario_key(model: DefenceDiplomacyModel) -> str:
    """Changes when another scenario is loaded (not on Reset or a variant change)."""
    return f"{model.loaded.path}:{id(model.loaded)}"


def display_names(model: DefenceDiplomacyModel) -> dict[str, str]:
    """ISO3 code -> name as the scenario gives it."""
    return dict(zip(model.codes, model.inputs.names))


def state_groups(model: DefenceDiplomacyModel) -> dict[str, str]:
    """Each state's group for colouring and sorting: its first named group, else first membership."""
    sc = model.loaded.scenario
    out = {}
    for s in sc.states:
        named = [g for g, members in sc.groups.items() if s.iso3 in members]
        out[s.iso3] = named[0] if named else (s.memberships[0] if s.memberships else "other")
    return out


def group_order(model: DefenceDiplomacyModel) -> list[str]:
    """Codes sorted by group (in the order groups first appear in the file), stable within."""
    groups = state_groups(model)
    rank: dict[str, int] = {}
    for name in list(model.loaded.scenario.groups) + list(groups.values()):
        rank.setdefault(name, len(rank))
    return sorted(model.codes, key=lambda c: rank[groups[c]])


def key_parameter_rows() -> list[dict[str, Any]]:
    """Parameters.describe() rows of :data:`KEY_PARAMETERS`, in that order."""
    rows = {r["name"]: r for r in Parameters.describe()}
    return [rows[name] for name in KEY_PARAMETERS if name in rows]


def viz_params(model: SessionModel) -> dict[str, Any]:
    """``model_params`` for Mesa's SolaraViz: fixed scenario and variant, sliders for the rest.

    Slider start values are the ones the scenario and variant set, so pressing Reset
    without touching a slider rebuilds the same run.
    """
    base = effective_parameters(model.loaded, model.variant)
    base.update(model.overrides)
    params: dict[str, Any] = {
        "scenario_file": model.loaded,
        "variant": model.variant,
        "rng": {"type": "SliderInt", "label": "Random seed", "value": int(model.seed or 0),
                "min": SEED_RANGE[0], "max": SEED_RANGE[1], "step": 1},
    }
    for row in key_parameter_rows():
        lo, hi, step = KEY_PARAMETERS[row["name"]]
        params[row["name"]] = {"type": "SliderFloat", "label": f"{row['name']} ({row['unit']})",
                               "value": float(base[row["name"]]), "min": lo, "max": hi, "step": step}
    return params
