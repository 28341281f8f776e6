"""The Mesa model: states as agents over a numpy trust world, driven by a scenario.

Built from keyword arguments with defaults, seeded with ``rng``, so Mesa's
``batch_run``, the sweep runner and the dashboard all build it the same way::

    model = DefenceDiplomacyModel("scenarios/classroom_rivals.yaml", rng=1)
    model.run()                       # or model.step() repeatedly
    model.results().trust_pair("XRA", "XBL")

Any model parameter or action weight can be passed by keyword
(``lam=0.98``, ``**{"military_aid.forward": 1.5}``).
"""

from __future__ import annotations

import datetime as dt
import numbers
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim import metrics
from sim.agents import StateAgent
from sim.eventlog import EventLog
from sim.issues import is_count
from sim.policies import POLICIES, decide
from sim.scenario.compile import ModelInputs, compile_inputs, event_to_action
from sim.scenario.errors import Issue, ScenarioError
from sim.scenario.loader import LoadedScenario, load_scenario
from sim.scenario.schema import Event
from sim.world import Action, World

if TYPE_CHECKING:
    from sim.results import Results

BUILTIN_SCENARIO = Path(__file__).parent / "data" / "demo.yaml"
"""The small scenario run when none is given."""


class DefenceDiplomacyModel(mesa.Model):
    """Defence diplomacy and trust between states (see docs/model.md, the ODD description).

    Args:
        scenario: path of a scenario file, an already loaded scenario, or None for
            the built-in demo scenario.
        variant: name of a variant of the scenario (None: its default variant).
        rng: seed or numpy Generator (Mesa's convention); same seed, same results.
        steps: stop after this many steps (None: the whole calendar).
        **overrides: model parameters and ``kind.field`` action weights.
    """

    def __init__(self, scenario: str | Path | LoadedScenario | None = None,
                 variant: str | None = None, rng: Any = None, steps: int | None = None,
                 **overrides: Any):
        if isinstance(rng, numbers.Integral) and not is_count(rng):
            raise ScenarioError([Issue("model arguments", None, "rng",
                                       f"a seed must be 0 or more (got {rng})",
                                       "give a whole number such as 0, 1, 2, ...")])
        super().__init__(rng=rng)
        self.seed: int | None = int(rng) if isinstance(rng, numbers.Integral) else None
        """The integer seed given as ``rng`` (None for a Generator or no seed)."""
        self.overrides: dict[str, Any] = dict(overrides)
        """Parameters and action weights given as keyword arguments (not in the file)."""
        if scenario is None:
            scenario = BUILTIN_SCENARIO
        self.loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
        self.inputs: ModelInputs = compile_inputs(self.loaded, variant, overrides)
        inp = self.inputs
        self.variant = inp.variant
        self.calendar = inp.calendar
        self.params = inp.params
        self.codes = inp.codes
        self._index = {c: i for i, c in enumerate(self.codes)}
        self.n_steps = inp.calendar.n_steps if steps is None else self._checked_steps(steps)
        self.world = World(inp.params, inp.catalogue, inp.gdp, inp.capability, inp.proximity,
                           inp.trust0, inp.confidence0, inp.prior, inp.codes,
                           inp.calendar.months_per_step)
        self.states: list[StateAgent] = [
            StateAgent(self, i, c, inp.names[i], float(inp.gdp[i]), float(inp.capability[i]),
                       inp.memberships[i], float(inp.budgets[i]))
            for i, c in enumerate(self.codes)]
        self.log = EventLog(self.codes)
        self.warnings: list[str] = [str(w) for w in inp.warnings]
        if steps is not None and steps > self.n_steps:
            self.warnings.append(f"steps={steps} is past the end of the calendar: ran its "
                                 f"{self.n_steps} steps ({self.calendar.dates[0]} to "
                                 f"{self.calendar.label(self.n_steps)})")
        self.snapshots: list[tuple[int, np.ndarray, np.ndarray]] = []
        self.interop_snapshots: list[np.ndarray] = []
        self._pending: list[Action] = []
        self._policy_codes = np.vectorize(POLICIES.index, otypes=[np.intp])(inp.policy_by_step)
        self._budgets = np.asarray(inp.budgets, dtype=float)
        self._current_policy: np.ndarray | None = None
        self._focal: tuple | None = None                  # see _focal_tables
        self._deciders = np.zeros(0, dtype=np.intp)
        self._set_policies(0)
        self.metrics: dict[str, Any] = {}
        # network measures every step through Mesa's DataCollector; per-state measures
        # are derived from the trust snapshots (Results.agent_frame), not stored twice
        self.datacollector = mesa.DataCollector(model_reporters=self._model_reporters())
        self._record()

    # --- reading -------------------------------------------------------------------------
    @property
    def date(self) -> dt.date:
        """The date the current state describes: the last day of the period last simulated
        (before any step: the day before the calendar starts)."""
        return self.calendar.label(self.steps)

    @property
    def trust(self) -> np.ndarray:
        """Current trust matrix T (row trusts column): a copy, so it stays as it was
        when read while the model goes on."""
        return self.world.trust.copy()

    def index_of(self, code: str) -> int:
        """Index of a state by ISO3 code; KeyError with the known codes if absent."""
        try:
            return self._index[code]
        except KeyError:
            raise KeyError(f"'{code}' is not a state of this scenario "
                           f"({', '.join(self.codes)})") from None

    def trust_between(self, a: str, b: str) -> float:
        """Current trust of ``a`` in ``b``."""
        return float(self.world.trust[self.index_of(a), self.index_of(b)])

    # --- running -------------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one calendar period: forget, replay events, decide, record."""
        if self.steps > self.n_steps:
            self.running = False
            return
        t = self.steps
        self.world.begin_step(t)
        self._set_policies(t)
        for action in self.inputs.actions_by_step[t]:
            self._apply(action)
        for action in self._pending:
            self._apply(action)
        self._pending.clear()
        self._decide()
        self._record()
        if self.steps >= self.n_steps:
            self.running = False

    def run(self, progress: Any = None) -> DefenceDiplomacyModel:
        """Run to the end of the calendar; ``progress(done, total)`` is called each step."""
        while self.running and self.steps < self.n_steps:
            self.step()
            if progress is not None:
                progress(self.steps, self.n_steps)
        return self

    def apply_action(self, kind: str, actor: str | None = None,
                     recipient: str | list[str] | None = None,
                     participants: list[str] | None = None, target: str | None = None,
                     magnitude: float | None = None, unit: str | None = None,
                     note: str = "", now: bool = True) -> None:
        """Apply an action by hand (instructor or notebook), validated like a scenario event.

        With ``now=True`` it takes effect immediately on the current state; otherwise
        it is applied during the next step. Raises ``ScenarioError`` on bad input.
        """
        from sim.scenario.checks import Checker, Names, check_event
        # dated in the period it takes effect in: the current one if now, else the next
        date = self.calendar.period_start(self.steps if now else self.steps + 1)
        ev = Event(kind=kind, actor=actor, recipient=recipient, participants=participants,
                   target=target, magnitude=magnitude, unit=unit, date=date, note=note,
                   source="instructor action")
        ck = Checker("instructor action", {})
        check_event(ck, Names(self.loaded.scenario), (), ev)
        if ck.issues:
            raise ScenarioError(ck.issues)
        action = event_to_action(ev, self._index)
        action.origin = "instructor"
        if now:
            self._apply(action)
            self.metrics = self._compute_metrics()
        else:
            self._pending.append(action)

    def results(self) -> Results:
        """The run's outputs as DataFrames, files and plots."""
        from sim.results import Results
        return Results(self)

    # --- internals -----------------------------------------------------------------------
    def _checked_steps(self, steps: Any) -> int:
        """``steps`` as a number of steps within the calendar; ScenarioError if not a count."""
        if not is_count(steps):
            raise ScenarioError([Issue(f"{self.loaded.path} (model arguments)", None, "steps",
                                       f"must be a whole number of steps, 0 or more (got "
                                       f"{steps!r})",
                                       f"give 0 to {self.calendar.n_steps} (this calendar's "
                                       "length), or None for all of it")])
        return min(int(steps), self.calendar.n_steps)

    def _apply(self, action: Action) -> None:
        applied = self.world.apply(action)
        self.log.add(self.steps, self.date, action, applied)
        for w in applied.warnings:
            self.warnings.append(f"{self.date:%Y-%m}: {w}")

    def _set_policies(self, t: int) -> None:
        row = self._policy_codes[min(t, self.calendar.n_steps)]
        if self._current_policy is not None and np.array_equal(row, self._current_policy):
            return
        self._current_policy = row
        for agent in self.states:
            agent.policy = POLICIES[row[agent.index]]
        self._deciders = np.flatnonzero(row != POLICIES.index("scripted"))

    def _decide(self) -> None:
        if not self._deciders.size:
            return
        d = self._deciders
        dec = decide(self.world, d, self._current_policy[d], self._budgets[d], self.rng)
        if dec.actors.size:
            weights = self.world.apply_batch(dec.kinds, dec.actors, dec.recipients,
                                             dec.magnitudes)
            self.log.add_batch(self.steps, self.date, self.world.kind_table()["names"][dec.kinds],
                               dec.actors, dec.recipients, dec.magnitudes, weights)

    def _compute_metrics(self) -> dict[str, Any]:
        t = self.world.trust
        out: dict[str, Any] = {
            "mean_trust": metrics.off_diagonal_mean(t),
            "polarisation": metrics.polarisation(t),
            "density": metrics.density(t, self.params.density_threshold),
            "mean_interop": metrics.off_diagonal_mean(self.world.interop),
            "aid_total_eur_bn": float(self.world.aid.sum()),
        }
        if self._focal is None:
            self._focal = self._focal_tables()
        pair_keys, rows, cols, group_keys, members, counts = self._focal
        out.update(zip(pair_keys, t[rows, cols].tolist()))
        if group_keys:
            out.update(zip(group_keys, metrics.group_means(t, members, counts).ravel().tolist()))
        return out

    def _focal_tables(self) -> tuple:
        """Reporter names and index tables of the focal pairs and groups, built once."""
        inp = self.inputs
        pair_keys = [f"trust {a}->{b}" for a, b in inp.focal_pairs]
        rows = np.array([self._index[a] for a, _ in inp.focal_pairs], dtype=np.intp)
        cols = np.array([self._index[b] for _, b in inp.focal_pairs], dtype=np.intp)
        group_keys = [f"mean {g}->{h}" for g in inp.focal_groups for h in inp.focal_groups]
        members = np.zeros((len(inp.focal_groups), self.world.n))
        for row, g in enumerate(inp.focal_groups):
            members[row, self._group(g)] = 1.0
        return pair_keys, rows, cols, group_keys, members, metrics.group_pair_counts(members)

    def _group(self, name: str) -> np.ndarray:
        if name in self.inputs.groups:
            return self.inputs.groups[name]
        return np.array([self.index_of(name)], dtype=np.intp)

    def _model_reporters(self) -> dict[str, Any]:
        names = ["mean_trust", "polarisation", "density", "mean_interop", "aid_total_eur_bn"]
        if self._focal is None:
            self._focal = self._focal_tables()
        names += self._focal[0] + self._focal[3]          # focal pair and group names
        reporters: dict[str, Any] = {"step": lambda m: m.steps, "date": lambda m: m.date}
        for name in names:
            reporters[name] = (lambda key: (lambda m: m.metrics[key]))(name)
        return reporters

    def _record(self) -> None:
        self.metrics = self._compute_metrics()
        self.datacollector.collect(self)
        if self.steps % self.params.snapshot_interval == 0 or self.steps == self.n_steps:
            self.snapshots.append((self.steps, self.world.trust.copy(),
                                   self.world.uncertainty.astype(np.float32)))
            self.interop_snapshots.append(self.world.interop.astype(np.float32))
