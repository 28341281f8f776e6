"""Typed scenario objects (pydantic). The reference for authors is ``docs/scenarios.md``.

This module checks shapes and ranges; cross-references (is this actor a state of
the scenario? is this kind in the catalogue?) are checked in
:mod:`sim.scenario.checks`, which knows line numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from sim.parameters import PolicyName

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_date(value: Any) -> dt.date:
    """Accept ``YYYY-MM-DD``, ``YYYY-MM`` (first of the month), a date or a datetime."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _MONTH.match(value)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD or YYYY-MM")


Date = Annotated[dt.date, BeforeValidator(parse_date)]
Code = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)]
Codes = Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]
Unit = Literal["count", "EUR_bn", "EUR_m", "personnel"]


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Source(Strict):
    """A source cited by events: full citation, optionally a seed file and a URL."""

    citation: str
    seed: str | None = None
    url: str | None = None


class Meta(Strict):
    """Title, summary, sources and stated assumptions of a scenario."""

    title: str
    summary: str = ""
    sources: dict[str, Source] = {}
    assumptions: list[str] = []


class Calendar(Strict):
    """Start, end (inclusive) and step length of the simulated period."""

    start: Date
    end: Date
    step: Literal["month", "week", "quarter"] = "month"


class State(Strict):
    """One state: identity, capacity for costly signals, capability, memberships, policy."""

    iso3: Code
    name: str | None = None
    gdp_eur_bn: float = Field(gt=0, description="GDP, EUR billion")
    capability: float = Field(ge=0, le=1, description="military capability index, 0..1")
    memberships: list[str] = []
    policy: PolicyName | None = None
    budget: float | None = Field(None, ge=0, description="endogenous actions per step")
    note: str | None = None


class ProximityPair(Strict):
    """An explicit proximity between two states."""

    a: Code
    b: Code
    value: float = Field(ge=0, le=1)
    note: str | None = None


class Proximity(Strict):
    """How near states are: a default, shared regions, borders and explicit pairs."""

    default: float = Field(0.1, ge=0, le=1)
    regions: dict[str, list[str]] = {}
    borders: list[tuple[Code, Code]] = []
    pairs: list[ProximityPair] = []


class TrustSpec(Strict):
    """Trust in (0, 1) held with ``confidence`` events of evidence; optional prior."""

    trust: float = Field(gt=0, lt=1)
    confidence: float = Field(1.0, ge=0)
    prior: float | None = Field(None, gt=0, lt=1)


class TrustRule(TrustSpec):
    """Initial trust of ``from`` in ``to`` (codes, groups or ``*``)."""

    from_: Code = Field(alias="from")
    to: Code
    mutual: bool = False
    source: str | None = None
    note: str | None = None


class InitialTrust(Strict):
    """Initial trust: a default and rules applied in order."""

    default: TrustSpec = TrustSpec(trust=0.5, confidence=1.0)
    rules: list[TrustRule] = []


class EventFields(Strict):
    """Fields shared by dated and recurring events."""

    id: str | None = None
    kind: str
    actor: Code | None = None
    recipient: Codes | None = None
    participants: list[Code] | None = None
    target: Code | None = None
    magnitude: float | None = Field(None, ge=0)
    unit: Unit | None = None
    visibility: Literal["public", "covert"] | Annotated[float, Field(ge=0, le=1)] | None = None
    discloses: str | None = None
    agreement: str | None = None
    duration_months: int | None = Field(None, gt=0)
    lethal: bool | None = None
    name: str | None = None
    tags: list[str] = []
    note: str | None = None
    source: str | None = None


class Event(EventFields):
    """A dated action."""

    date: Date


class Recurring(EventFields):
    """An action that repeats ``every`` year, quarter, month or N months."""

    id: str
    every: str = "year"
    from_: Date = Field(alias="from")
    until: Date


class PolicyRule(Strict):
    """Which states follow which policy, from when until when."""

    states: Codes
    policy: PolicyName
    from_: Date | None = Field(None, alias="from")
    until: Date | None = None


class Support(Strict):
    """The aid flow ``support.csv`` reports: to whom, when, which kinds."""

    recipient: Code
    from_: Date = Field(alias="from")
    until: Date
    kinds: list[str] = ["military_aid"]


class Focal(Strict):
    """Pairs and groups shown first by the summary, plots and dashboard."""

    pairs: list[tuple[Code, Code]] = []
    groups: list[str] = []


class DropFilter(Strict):
    """Events matching every given key are dropped by a variant."""

    kinds: list[str] | None = None
    tags: list[str] | None = None
    actors: list[str] | None = None
    recipients: list[str] | None = None
    ids: list[str] | None = None
    from_: Date | None = Field(None, alias="from")
    until: Date | None = None


ParamValue = float | int | str | bool


class Variant(Strict):
    """A named what-if: events dropped or added, parameters and policies changed."""

    description: str = ""
    drop: list[DropFilter] = []
    add: list[Event] = []
    parameters: dict[str, ParamValue] = {}
    policies: list[PolicyRule] = []


class Expectation(Strict):
    """A claim the scenario makes about its own results, checked by ``ddsim check``."""

    id: str
    claim: str = ""
    metric: dict[str, Any]
    below: float | None = None
    above: float | None = None
    below_variant: str | None = None
    above_variant: str | None = None
    at: Date | None = None
    from_: Date | None = Field(None, alias="from")
    until: Date | None = None
    variants: list[str] | None = None
    seeds: int = Field(1, ge=1, le=100)


class Scenario(Strict):
    """A whole scenario file, validated."""

    meta: Meta
    calendar: Calendar
    states: list[State] = Field(min_length=2)
    groups: dict[str, list[str]] = {}
    proximity: Proximity = Proximity()
    initial_trust: InitialTrust = InitialTrust()
    parameters: dict[str, ParamValue] = {}
    policies: list[PolicyRule] = []
    events: list[Event] = []
    recurring: list[Recurring] = []
    support: Support | None = None
    focal: Focal = Focal()
    variants: dict[str, Variant] = {}
    default_variant: str | None = None
    expectations: list[Expectation] = []
    extends: str | None = None


class VariantFile(Strict):
    """A file that adds variants (and expectations) to a base scenario via ``extends``."""

    extends: str
    meta: Meta | None = None
    variants: dict[str, Variant] = {}
    default_variant: str | None = None
    expectations: list[Expectation] = []
