"""Cross-reference checks of a scenario: codes, kinds, dates, units, variants, expectations.

Every problem becomes an :class:`~sim.scenario.errors.Issue` with the line and
field it concerns and a hint; all problems are collected, never just the first.
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import Any

import pycountry
from pydantic import ValidationError

from sim.catalogue import CATALOGUE, WEIGHT_FIELDS
from sim.parameters import Parameters, closest
from sim.scenario.errors import Issue, field_path, line_of
from sim.scenario.schema import EventFields, Expectation, PolicyRule, Scenario, Variant

UNITS_BY_BASIS = {"gdp": ("EUR_bn", "EUR_m"), "personnel": ("personnel",), "count": ("count",)}
METRICS = ("trust", "uncertainty", "interop", "group_mean", "support", "support_rank_corr")
COMPARATORS = ("below", "above", "below_variant", "above_variant")
_ALL_CODES = sorted(c.alpha_3 for c in pycountry.countries)


def is_user_assigned(code: str) -> bool:
    """ISO 3166-1 reserves AAA-AAZ, QMA-QZZ, XAA-XZZ and ZZA-ZZZ for user assignment."""
    return len(code) == 3 and code.isalpha() and code.isupper() and (
        code.startswith(("AA", "X", "ZZ")) or ("QM" <= code[:2] <= "QZ"))


def country_name(code: str) -> str | None:
    """The ISO short name of an alpha-3 code, or None if it is not an ISO code."""
    c = pycountry.countries.get(alpha_3=code)
    return getattr(c, "common_name", None) or (c.name if c else None)


def suggest_code(text: str) -> str | None:
    """Best guess at the ISO alpha-3 code meant by ``text`` (a typo or a country name)."""
    if len(text) > 3:
        try:
            return pycountry.countries.lookup(text).alpha_3
        except LookupError:
            pass
    return closest(text.upper(), _ALL_CODES)


class Checker:
    """Collects issues for one file's raw data."""

    def __init__(self, file: str, raw: Any):
        self.file = file
        self.raw = raw
        self.warnings: list[Issue] = []
        self.located: list[tuple[tuple, str, str]] = []   # (loc, message, hint) of each issue

    def warn(self, loc: tuple, message: str, hint: str = "") -> None:
        """Record a warning: the file works, but a reader of the results should know."""
        self.warnings.append(Issue(self.file, line_of(self.raw, loc), field_path(loc), message,
                                   hint))

    def add(self, loc: tuple, message: str, hint: str = "") -> None:
        """Record one issue at ``loc`` (a path into the raw YAML data)."""
        self.located.append((loc, message, hint))

    @property
    def issues(self) -> list[Issue]:
        """The issues recorded, each with its file, line and field."""
        return [Issue(self.file, line_of(self.raw, loc), field_path(loc), message, hint)
                for loc, message, hint in self.located]


class Names:
    """What names a scenario defines: state codes, groups, sources, calendar."""

    def __init__(self, sc: Scenario):
        self.codes = [s.iso3 for s in sc.states]
        self.groups: dict[str, list[str]] = {}
        for s in sc.states:
            for m in s.memberships:
                self.groups.setdefault(m, []).append(s.iso3)
        for g, members in sc.groups.items():
            self.groups[g] = list(members)
        self.sources = set(sc.meta.sources)
        self.start = sc.calendar.start
        self.end = sc.calendar.end
        self.has_support = sc.support is not None

    def resolve(self, name: str) -> list[str] | None:
        """Codes named by a code, a group or ``*``; None if unknown."""
        if name == "*":
            return list(self.codes)
        if name in self.codes:
            return [name]
        if name in self.groups:
            return list(self.groups[name])
        return None


def check_state_code(ck: Checker, loc: tuple, code: str, has_name: bool) -> None:
    """An iso3 field must be an ISO 3166-1 alpha-3 code (or user-assigned with a name)."""
    if pycountry.countries.get(alpha_3=code):
        return
    if is_user_assigned(code):
        if not has_name:
            ck.add(loc, f"'{code}' is a user-assigned code, so the state needs a name",
                   "add `name: ...` to this state")
        return
    guess = suggest_code(code)
    ck.add(loc, f"'{code}' is not an ISO 3166-1 alpha-3 country code",
           f"did you mean '{guess}'?" if guess else
           "use the three-letter code (e.g. UKR, POL) or a user-assigned X.. code with a name")


def check_ref(ck: Checker, names: Names, loc: tuple, code: str | None, what: str = "state",
              groups_ok: bool = False) -> None:
    """A reference to a state (or group) of this scenario."""
    if code is None:
        return
    if code in names.codes or (groups_ok and names.resolve(code) is not None):
        return
    pool = names.codes + (list(names.groups) + ["*"] if groups_ok else [])
    guess = closest(code, pool) or (suggest_code(code) if len(code) > 3 else None)
    hint = f"did you mean '{guess}'?" if guess and guess in pool else (
        f"add '{code}' under `states:`" + (" or `groups:`" if groups_ok else "")
        + " or use one of: " + ", ".join(pool[:12]) + ("..." if len(pool) > 12 else ""))
    ck.add(loc, f"'{code}' is not a {what} of this scenario", hint)


def check_variant_name(ck: Checker, loc: tuple, name: str, variants: list[str]) -> None:
    """A variant named from outside its file (a run, a comparison, a sweep) must exist."""
    if name in variants:
        return
    guess = closest(name, variants)
    ck.add(loc, f"unknown variant '{name}'", (f"did you mean '{guess}'? " if guess else "")
           + "variants: " + (", ".join(variants) or "none defined"))


def check_date(ck: Checker, names: Names, loc: tuple, d: dt.date | None) -> None:
    """A date must lie inside the calendar."""
    if d is not None and not (names.start <= d <= names.end):
        ck.add(loc, f"date {d.isoformat()} is outside the calendar "
                    f"({names.start.isoformat()} to {names.end.isoformat()})",
               "move the date into the calendar or widen `calendar:`")


def check_event(ck: Checker, names: Names, loc: tuple, ev: EventFields) -> None:
    """Kind, parties, units, dates and source of one event or recurring template."""
    kind = CATALOGUE.get(ev.kind)
    if kind is None:
        guess = closest(ev.kind, list(CATALOGUE))
        ck.add(loc + ("kind",), f"unknown action kind '{ev.kind}'",
               (f"did you mean '{guess}'? " if guess else "")
               + "valid kinds: " + ", ".join(CATALOGUE) + " (see `ddsim list-actions`)")
        return
    if kind.is_joint:
        parts = ev.participants or ([ev.actor] if ev.actor else []) + list(ev.recipient or [])
        if len(parts) < 2:
            ck.add(loc, f"{ev.kind} is done together and needs at least two parties",
                   "give `participants: [A, B, ...]`")
        for n, p in enumerate(ev.participants or []):
            check_ref(ck, names, loc + ("participants", n), p)
        if len(set(parts)) != len(parts):
            ck.add(loc + ("participants",), "a state is listed twice", "list each state once")
    else:
        if ev.participants:
            ck.add(loc + ("participants",), f"{ev.kind} is directed: it has an actor and "
                   "recipients, not participants", "use `actor:` and `recipient:`")
        if not ev.actor:
            ck.add(loc, f"{ev.kind} needs an `actor`", "add `actor: ISO3`")
        if not ev.recipient and ev.kind != "disclosure":
            ck.add(loc, f"{ev.kind} needs a `recipient`", "add `recipient: ISO3`")
        check_ref(ck, names, loc + ("actor",), ev.actor)
        for n, r in enumerate(ev.recipient or []):
            check_ref(ck, names, loc + ("recipient",) + ((n,) if len(ev.recipient) > 1 else ()),
                      r)
            if r == ev.actor:
                ck.add(loc + ("recipient",), "the actor cannot be its own recipient",
                       "name another state")
    if ev.target is not None:
        check_ref(ck, names, loc + ("target",), ev.target)
        if not kind.target_threat:
            ck.add(loc + ("target",), f"{ev.kind} cannot be aimed at a target",
                   "remove `target:` (only exercises and demonstrations of force take one)")
    if ev.unit is not None and ev.unit not in UNITS_BY_BASIS[kind.cost_basis]:
        ck.add(loc + ("unit",), f"unit '{ev.unit}' does not fit {ev.kind}",
               "use one of: " + ", ".join(UNITS_BY_BASIS[kind.cost_basis]))
    if ev.discloses is not None and ev.discloses not in CATALOGUE:
        ck.add(loc + ("discloses",), f"unknown action kind '{ev.discloses}'",
               f"did you mean '{closest(ev.discloses, list(CATALOGUE))}'?")
    if ev.source is None:
        ck.warn(loc, "event has no `source:`", "cite a key of meta.sources or a full citation")
    elif " " not in ev.source and ev.source not in names.sources:
        guess = closest(ev.source, sorted(names.sources))
        ck.add(loc + ("source",), f"'{ev.source}' is not a key of meta.sources",
               f"did you mean '{guess}'?" if guess else
               "add it under meta.sources or write the full citation")


def check_parameters(ck: Checker, loc: tuple, params: dict[str, Any]) -> None:
    """Parameter overrides: known names, valid values."""
    scalar = {}
    for name, value in params.items():
        if name in Parameters.model_fields:
            scalar[name] = value
            continue
        kind, _, fld = name.partition(".")
        if kind in CATALOGUE and fld in WEIGHT_FIELDS:
            if not isinstance(value, numbers.Real) or isinstance(value, bool):   # numpy too
                ck.add(loc + (name,), f"action weight '{name}' must be a number",
                       "write a number")
            continue
        guess = closest(name, Parameters.names() + [f"{k}.{f}" for k in CATALOGUE
                                                    for f in WEIGHT_FIELDS])
        ck.add(loc + (name,), f"unknown parameter '{name}'",
               f"did you mean '{guess}'? (see `ddsim list-params`)" if guess
               else "see `ddsim list-params` for the parameters and action weights")
    try:
        Parameters(**scalar)
    except ValidationError as exc:
        for err in exc.errors():
            ck.add(loc + tuple(err["loc"]), f"{err['msg']} (got {err.get('input')!r})",
                   "see `ddsim list-params` for the unit and range")


def check_policies(ck: Checker, names: Names, loc: tuple, rules: list[PolicyRule]) -> None:
    """Policy rules: states known, periods inside the calendar and ordered."""
    for n, rule in enumerate(rules):
        for m, s in enumerate(rule.states):
            check_ref(ck, names, loc + (n, "states") + ((m,) if len(rule.states) > 1 else ()),
                      s, groups_ok=True)
        check_date(ck, names, loc + (n, "from"), rule.from_)
        if rule.from_ and rule.until and rule.until < rule.from_:
            ck.add(loc + (n, "until"), "`until` is before `from`", "swap them")


def check_variant(ck: Checker, names: Names, loc: tuple, var: Variant) -> None:
    """A variant: filters name real kinds and states, added events are valid."""
    for n, f in enumerate(var.drop):
        for m, k in enumerate(f.kinds or []):
            if k not in CATALOGUE:
                ck.add(loc + ("drop", n, "kinds", m), f"unknown action kind '{k}'",
                       f"did you mean '{closest(k, list(CATALOGUE))}'?")
        for key in ("actors", "recipients"):
            for m, c in enumerate(getattr(f, key) or []):
                check_ref(ck, names, loc + ("drop", n, key, m), c, groups_ok=True)
    for n, ev in enumerate(var.add):
        check_event(ck, names, loc + ("add", n), ev)
        check_date(ck, names, loc + ("add", n, "date"), ev.date)
    check_parameters(ck, loc + ("parameters",), var.parameters)
    check_policies(ck, names, loc + ("policies",), var.policies)


def check_metric(ck: Checker, names: Names, loc: tuple, metric: Any) -> None:
    """A metric mapping (of an expectation or a sweep outcome): one known key, states and
    groups of this scenario, and a ``support:`` block where the metric needs one."""
    keys = list(metric) if isinstance(metric, dict) else []
    if len(keys) != 1 or keys[0] not in METRICS:
        ck.add(loc, f"metric must be one of {', '.join(METRICS)}; got "
               f"{', '.join(map(str, keys)) or 'nothing'}",
               "write e.g. `metric: {trust: [UKR, RUS]}`")
        return
    key, val = keys[0], metric[keys[0]]
    mloc = loc + (key,)
    if key in ("trust", "uncertainty", "interop"):
        if not (isinstance(val, list) and len(val) == 2):
            ck.add(mloc, f"{key} takes two state codes", f"write `{key}: [A, B]`")
        else:
            for n, c in enumerate(val):
                check_ref(ck, names, mloc + (n,), str(c))
    elif key == "group_mean":
        if not (isinstance(val, list) and len(val) == 2):
            ck.add(mloc, "group_mean takes two groups", "write `group_mean: [G1, G2]`")
        else:
            for n, c in enumerate(val):
                check_ref(ck, names, mloc + (n,), str(c), "group or state", groups_ok=True)
    elif key == "support":
        check_ref(ck, names, mloc, str(val))
    elif key == "support_rank_corr":
        if not isinstance(val, dict) or len(val) < 3:
            ck.add(mloc, "support_rank_corr takes at least three `CODE: figure` entries",
                   "write `support_rank_corr: {USA: 42.1, DEU: 17.1, GBR: 6.6}`")
        else:
            for c in val:
                check_ref(ck, names, mloc + (c,), str(c))
    if key in ("support", "support_rank_corr"):
        check_support_block(ck, names, mloc)


def check_support_block(ck: Checker, names: Names, loc: tuple) -> None:
    """Support metrics count the actions the scenario's ``support:`` block defines: without
    one they would be zero whatever happens."""
    if not names.has_support:
        ck.add(loc, "support is measured by the scenario's `support:` block (which actions, to "
                    "whom, when), and this scenario has none: it would always be 0",
               "add a `support:` block to the scenario (docs/scenarios.md) or choose another "
               "metric")


def check_expectation(ck: Checker, names: Names, loc: tuple, ex: Expectation,
                      variants: set[str]) -> None:
    """An expectation: one metric, one comparator, known states, groups and variants."""
    check_metric(ck, names, loc + ("metric",), ex.metric)
    given = [c for c in COMPARATORS if getattr(ex, c) is not None]
    if len(given) != 1:
        ck.add(loc, f"give exactly one of {', '.join(COMPARATORS)} (found {len(given)})",
               "e.g. `below: 0.2` or `above_variant: no_commission`")
    for c in ("below_variant", "above_variant"):
        if getattr(ex, c) is not None:
            check_variant_name(ck, loc + (c,), getattr(ex, c), sorted(variants))
    for n, v in enumerate(ex.variants or []):
        check_variant_name(ck, loc + ("variants", n), v, sorted(variants))
    for c in ("at", "from", "until"):
        check_date(ck, names, loc + (c,), getattr(ex, "from_" if c == "from" else c))


def check_scenario(ck: Checker, sc: Scenario) -> Names:
    """All cross-reference checks of a base scenario; returns its names."""
    names = Names(sc)
    if sc.calendar.end <= sc.calendar.start:
        ck.add(("calendar", "end"), "the calendar ends before it starts",
               "set `end` after `start`")
    seen: set[str] = set()
    for n, st in enumerate(sc.states):
        check_state_code(ck, ("states", n, "iso3"), st.iso3, st.name is not None)
        if st.iso3 in seen:
            ck.add(("states", n, "iso3"), f"state '{st.iso3}' is listed twice",
                   "list each state once")
        seen.add(st.iso3)
    for g, members in sc.groups.items():
        if g in names.codes:
            ck.add(("groups", g), f"group name '{g}' is also a state code", "rename the group")
        for n, c in enumerate(members):
            check_ref(ck, names, ("groups", g, n), c)
    for r, members in sc.proximity.regions.items():
        for n, c in enumerate(members):
            check_ref(ck, names, ("proximity", "regions", r, n), c)
    for n, (a, b) in enumerate(sc.proximity.borders):
        check_ref(ck, names, ("proximity", "borders", n), a)
        check_ref(ck, names, ("proximity", "borders", n), b)
    for n, pr in enumerate(sc.proximity.pairs):
        check_ref(ck, names, ("proximity", "pairs", n, "a"), pr.a)
        check_ref(ck, names, ("proximity", "pairs", n, "b"), pr.b)
    for n, rule in enumerate(sc.initial_trust.rules):
        check_ref(ck, names, ("initial_trust", "rules", n, "from"), rule.from_, groups_ok=True)
        check_ref(ck, names, ("initial_trust", "rules", n, "to"), rule.to, groups_ok=True)
    check_parameters(ck, ("parameters",), sc.parameters)
    check_policies(ck, names, ("policies",), sc.policies)
    ids: dict[str, tuple] = {}
    for n, ev in enumerate(sc.events):
        check_event(ck, names, ("events", n), ev)
        check_date(ck, names, ("events", n, "date"), ev.date)
        if ev.id:
            if ev.id in ids:
                ck.add(("events", n, "id"), f"id '{ev.id}' is used twice", "make ids unique")
            ids[ev.id] = ("events", n)
    for n, rec in enumerate(sc.recurring):
        check_event(ck, names, ("recurring", n), rec)
        check_date(ck, names, ("recurring", n, "from"), rec.from_)
        if rec.until < rec.from_:
            ck.add(("recurring", n, "until"), "`until` is before `from`", "swap them")
        from sim.calendar import parse_every
        try:
            parse_every(rec.every)
        except ValueError as exc:
            ck.add(("recurring", n, "every"), str(exc),
                   "write `year`, `quarter`, `month` or `N months`")
        if rec.id in ids:
            ck.add(("recurring", n, "id"), f"id '{rec.id}' is used twice", "make ids unique")
        ids[rec.id] = ("recurring", n)
    if sc.support:
        check_ref(ck, names, ("support", "recipient"), sc.support.recipient)
        for n, k in enumerate(sc.support.kinds):
            if k not in CATALOGUE:
                ck.add(("support", "kinds", n), f"unknown action kind '{k}'",
                       f"did you mean '{closest(k, list(CATALOGUE))}'?")
    for n, (a, b) in enumerate(sc.focal.pairs):
        check_ref(ck, names, ("focal", "pairs", n), a)
        check_ref(ck, names, ("focal", "pairs", n), b)
    for n, g in enumerate(sc.focal.groups):
        check_ref(ck, names, ("focal", "groups", n), g, "group", groups_ok=True)
    return names


def check_variants_and_expectations(ck: Checker, names: Names, variants: dict[str, Variant],
                                    default: str | None, expectations: list[Expectation],
                                    all_variants: set[str]) -> None:
    """Variants, the default variant and expectations of one file."""
    for name, var in variants.items():
        check_variant(ck, names, ("variants", name), var)
    if default is not None:
        check_variant_name(ck, ("default_variant",), default, sorted(all_variants))
    seen: set[str] = set()
    for n, ex in enumerate(expectations):
        check_expectation(ck, names, ("expectations", n), ex, all_variants)
        if ex.id in seen:
            ck.add(("expectations", n, "id"), f"id '{ex.id}' is used twice", "make ids unique")
        seen.add(ex.id)
