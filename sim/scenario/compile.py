"""Turn a validated scenario and a variant into what the model runs on.

Applies the variant (drop, add, parameters, policies), expands recurring
events, converts units, and builds the arrays (GDP, capability, proximity,
initial trust) and the per-step action lists. No Mesa here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.calendar import Calendar, add_months, parse_every
from sim.catalogue import CATALOGUE, ActionKind, with_overrides
from sim.parameters import Parameters
from sim.scenario.checks import (
    Checker,
    check_parameters,
    check_variant_name,
    country_name,
)
from sim.scenario.errors import Issue, ScenarioError
from sim.scenario.loader import LoadedScenario
from sim.scenario.schema import DropFilter, Event, PolicyRule, Recurring, Scenario
from sim.world import Action

UNIT_TO_CANONICAL = {"EUR_bn": 1.0, "EUR_m": 1e-3, "personnel": 1.0, "count": 1.0}


@dataclass
class ScheduledEvent:
    """One event instance with its expanded id and the template it came from."""

    event: Event
    template_id: str | None = None


@dataclass
class ModelInputs:
    """Everything the model needs, resolved for one variant."""

    title: str
    variant: str | None
    codes: list[str]
    names: list[str]
    memberships: list[list[str]]
    groups: dict[str, np.ndarray]
    gdp: np.ndarray
    capability: np.ndarray
    proximity: np.ndarray
    trust0: np.ndarray
    confidence0: np.ndarray
    prior: np.ndarray
    calendar: Calendar
    params: Parameters
    catalogue: dict[str, ActionKind]
    actions_by_step: list[list[Action]]
    policy_by_step: np.ndarray        # (steps + 1, N) of policy names
    budgets: np.ndarray
    support: Any = None
    focal_pairs: list[tuple[str, str]] = field(default_factory=list)
    focal_groups: list[str] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def split_overrides(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """Split overrides into scalar parameters and ``kind.field`` action weights."""
    scalars = {k: v for k, v in values.items() if "." not in k}
    weights = {k: float(v) for k, v in values.items() if "." in k}
    return scalars, weights


def expand_recurring(rec: Recurring, end: dt.date) -> list[ScheduledEvent]:
    """Occurrences of a recurring template, ids suffixed with the year (and month if needed)."""
    step = parse_every(rec.every)
    out, d = [], rec.from_
    data = rec.model_dump(by_alias=False, exclude={"every", "from_", "until", "id"})
    while d <= min(rec.until, end):
        suffix = f"{d.year}" if step >= 12 else f"{d.year}-{d.month:02d}"
        out.append(ScheduledEvent(Event(**data, date=d, id=f"{rec.id}-{suffix}"), rec.id))
        d = add_months(d, step)
    return out


def _matches(f: DropFilter, se: ScheduledEvent, groups: dict[str, list[str]]) -> bool:
    ev = se.event

    def expand(names: list[str]) -> set[str]:
        out: set[str] = set()
        for n in names:
            out.update(groups.get(n, [n]))
        return out

    if f.kinds is not None and ev.kind not in f.kinds:
        return False
    if f.tags is not None and not set(f.tags) & set(ev.tags):
        return False
    if f.ids is not None and ev.id not in f.ids and se.template_id not in f.ids:
        return False
    if f.actors is not None:
        who = {ev.actor} | set(ev.participants or [])
        if not who & expand(f.actors):
            return False
    if f.recipients is not None and not set(ev.recipient or []) & expand(f.recipients):
        return False
    if f.from_ is not None and ev.date < f.from_:
        return False
    return f.until is None or ev.date <= f.until


def group_members(sc: Scenario) -> dict[str, list[str]]:
    """Every group: memberships first, then named groups (which win on a clash)."""
    groups: dict[str, list[str]] = {}
    for s in sc.states:
        for m in s.memberships:
            groups.setdefault(m, []).append(s.iso3)
    groups.update({g: list(v) for g, v in sc.groups.items()})
    return groups


def base_events(sc: Scenario) -> list[ScheduledEvent]:
    """The scenario's own events and recurring occurrences, before any variant, in file order."""
    events = [ScheduledEvent(e) for e in sc.events]
    for rec in sc.recurring:
        events += expand_recurring(rec, sc.calendar.end)
    return events


def drops_matching_nothing(sc: Scenario, variants: dict[str, Any],
                           events: list[ScheduledEvent] | None = None) -> list[tuple[str, int]]:
    """(variant, position) of every drop filter of ``variants`` that matches none of the
    scenario's events (``events``: its :func:`base_events`, if already at hand): a
    what-if that would silently equal its baseline."""
    events = base_events(sc) if events is None else events
    groups = group_members(sc)
    return [(name, n) for name, var in variants.items() for n, f in enumerate(var.drop)
            if not any(_matches(f, e, groups) for e in events)]


def resolve_events(sc: Scenario, variant: str | None, sort: bool = True
                   ) -> list[ScheduledEvent]:
    """The scenario's events for a variant, expanded; sorted by date (stable) unless
    ``sort`` is False, which keeps file order: events, then recurring, then added."""
    events = base_events(sc)
    if variant is not None:
        var = sc.variants[variant]
        groups = group_members(sc)
        events = [e for e in events if not any(_matches(f, e, groups) for f in var.drop)]
        events += [ScheduledEvent(e) for e in var.add]
    if sort:
        events.sort(key=lambda e: e.event.date)
    return events


def _resolve(name: str, codes: list[str], groups: dict[str, list[str]]) -> list[str]:
    if name == "*":
        return codes
    return groups.get(name, [name])


def compile_inputs(loaded: LoadedScenario, variant: str | None = None,
                   overrides: dict[str, Any] | None = None) -> ModelInputs:
    """Resolve a loaded scenario for ``variant`` (None: the default) into model inputs.

    ``overrides`` (keyword arguments of the model, sweep parameters) win over the
    variant's parameters, which win over the scenario's.
    """
    sc = loaded.scenario
    if variant is None:
        variant = sc.default_variant
    if variant is not None and variant not in sc.variants:
        ck = Checker(str(loaded.path), {})
        check_variant_name(ck, ("variant",), variant, list(sc.variants))
        raise ScenarioError(ck.issues)
    var = sc.variants.get(variant) if variant else None
    if overrides:       # the file's own parameters were checked, with lines, when it loaded
        ck = Checker(f"{loaded.path} (model arguments)", {})
        check_parameters(ck, (), overrides)
        if ck.issues:
            raise ScenarioError(ck.issues)
    values = {**sc.parameters, **(var.parameters if var else {}), **(overrides or {})}
    scalars, weights = split_overrides(values)
    try:
        params = Parameters(**scalars)
        catalogue = with_overrides(weights)
    except KeyError as exc:
        raise ScenarioError([Issue(str(loaded.path), None, "parameters",
                                   f"unknown action weight {exc}",
                                   "see `ddsim list-params`")]) from None
    except ValueError as exc:   # pydantic ValidationError from overrides given in code
        raise ScenarioError([Issue(str(loaded.path), None, "parameters", str(exc),
                                   "see `ddsim list-params`")]) from None

    codes = [s.iso3 for s in sc.states]
    index = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    groups = group_members(sc)
    cal = Calendar(sc.calendar.start, sc.calendar.end, sc.calendar.step)
    params = _per_step(params, cal.months_per_step)

    prox = np.full((n, n), sc.proximity.default)
    for members in sc.proximity.regions.values():
        idx = [index[c] for c in members]
        block = np.ix_(idx, idx)
        prox[block] = np.maximum(prox[block], params.proximity_region)
    for a, b in sc.proximity.borders:
        prox[index[a], index[b]] = prox[index[b], index[a]] = params.proximity_border
    for pr in sc.proximity.pairs:
        prox[index[pr.a], index[pr.b]] = prox[index[pr.b], index[pr.a]] = pr.value
    np.fill_diagonal(prox, 0.0)

    d = sc.initial_trust.default
    trust0 = np.full((n, n), d.trust)
    conf0 = np.full((n, n), d.confidence)
    prior = np.full((n, n), d.prior if d.prior is not None else d.trust)
    for rule in sc.initial_trust.rules:
        a = [index[c] for c in _resolve(rule.from_, codes, groups)]
        b = [index[c] for c in _resolve(rule.to, codes, groups)]
        for rows, cols in ((a, b), (b, a)) if rule.mutual else ((a, b),):
            block = np.ix_(rows, cols)
            trust0[block] = rule.trust
            conf0[block] = rule.confidence
            prior[block] = rule.prior if rule.prior is not None else rule.trust

    # DESIGN section 3: applied in the step containing the date, in file order within a step
    actions: list[list[Action]] = [[] for _ in range(cal.n_steps + 1)]
    for se in resolve_events(sc, variant, sort=False):
        step = cal.step_of(se.event.date)
        if 1 <= step <= cal.n_steps:
            action = event_to_action(se.event, index)
            if action.duration_steps is not None:
                action.duration_steps = max(1, round(action.duration_steps
                                                     / cal.months_per_step))
            actions[step].append(action)

    policy = np.full((cal.n_steps + 1, n), params.default_policy, dtype=object)
    for s in sc.states:
        if s.policy:
            policy[:, index[s.iso3]] = s.policy
    for rule in [*sc.policies, *(var.policies if var else [])]:
        _apply_policy_rule(policy, rule, codes, groups, index, cal)
    budgets = np.array([s.budget if s.budget is not None else params.default_budget
                        for s in sc.states])

    return ModelInputs(
        title=sc.meta.title, variant=variant, codes=codes,
        names=[s.name or country_name(s.iso3) or s.iso3 for s in sc.states],
        memberships=[list(s.memberships) for s in sc.states],
        groups={g: np.array([index[c] for c in m], dtype=np.intp) for g, m in groups.items()},
        gdp=np.array([s.gdp_eur_bn for s in sc.states]),
        capability=np.array([s.capability for s in sc.states]),
        proximity=prox, trust0=trust0, confidence0=conf0, prior=prior, calendar=cal,
        params=params, catalogue=catalogue, actions_by_step=actions, policy_by_step=policy,
        budgets=budgets, support=sc.support, focal_pairs=[tuple(p) for p in sc.focal.pairs],
        focal_groups=list(sc.focal.groups), warnings=list(loaded.warnings))


def _per_step(params: Parameters, months: float) -> Parameters:
    """Parameters stated per month, converted to the calendar's step length."""
    if months == 1.0:
        return params
    per_month_keep = ("lam", "interop_decay", "recip_memory", "need_memory")
    upd = {k: getattr(params, k) ** months for k in per_month_keep}
    upd["default_budget"] = params.default_budget * months
    upd["aid_rate"] = params.aid_rate * months
    return params.model_copy(update=upd)


def _apply_policy_rule(policy: np.ndarray, rule: PolicyRule, codes: list[str],
                       groups: dict[str, list[str]], index: dict[str, int], cal: Calendar
                       ) -> None:
    cols = sorted({index[c] for s in rule.states for c in _resolve(s, codes, groups)})
    first = cal.step_of(rule.from_) if rule.from_ else 0
    last = cal.step_of(rule.until) if rule.until else cal.n_steps
    policy[max(first, 0):last + 1, cols] = rule.policy


def event_to_action(ev: Event, index: dict[str, int]) -> Action:
    """A scenario event as an engine action (indices, canonical units, visibility)."""
    kind = CATALOGUE[ev.kind]
    magnitude = 1.0 if ev.magnitude is None else ev.magnitude
    if ev.unit is not None:
        magnitude *= UNIT_TO_CANONICAL[ev.unit]
    vis = {"public": 1.0, "covert": 0.0}.get(ev.visibility, ev.visibility) \
        if isinstance(ev.visibility, str) else ev.visibility
    recipients = tuple(index[c] for c in (ev.recipient or []))
    participants = tuple(index[c] for c in (ev.participants or []))
    if kind.is_joint and not participants:
        participants = ((index[ev.actor],) if ev.actor else ()) + recipients
    return Action(
        kind=ev.kind, actor=index[ev.actor] if ev.actor else None, recipients=recipients,
        participants=participants, target=index[ev.target] if ev.target else None,
        magnitude=magnitude, visibility=vis, duration_steps=ev.duration_months,  # months here
        origin="scenario",
        meta={"id": ev.id, "date": ev.date, "source": ev.source, "note": ev.note,
              "name": ev.name, "tags": list(ev.tags), "unit": ev.unit, "lethal": ev.lethal})
