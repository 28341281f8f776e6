"""Model parameters: the one home of every number the model uses that is not an action weight.

Each parameter has a default, a unit and a one-line reason. Action weights live
in :mod:`sim.catalogue` (one entry per instrument) and are addressed as
``"<kind>.<field>"`` (for example ``"military_aid.forward"``) wherever
parameters can be overridden: scenario files, variants, sweeps and the
``DefenceDiplomacyModel`` keyword arguments.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PolicyName = Literal["scripted", "reciprocal", "balancing", "mixed"]


def _p(default: Any, unit: str, reason: str, ge: float | None = None, le: float | None = None,
       gt: float | None = None, lt: float | None = None) -> Any:
    """A pydantic field carrying the parameter's unit and reason for docs and the CLI."""
    return Field(default, description=reason, ge=ge, le=le, gt=gt, lt=lt,
                 json_schema_extra={"unit": unit})


class Parameters(BaseModel):
    """All scalar model parameters, with defaults, units and reasons.

    Override any of them by keyword (``Parameters(lam=0.98)``), from a
    scenario's ``parameters:`` block, from a variant, or from a sweep.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_assignment=True)

    # --- trust as evidence (DESIGN section 4) ---------------------------------------------
    kappa: float = _p(2.0, "pseudo-events",
                      "Prior strength of the Beta reputation model; 2 is Josang & Ismail's (2002) "
                      "uninformative choice, so the first few events move trust visibly.", gt=0)
    lam: float = _p(0.97, "per month",
                    "Share of positive evidence kept each month: unrefreshed goodwill halves in "
                    "about 23 months, the span of a defence-cooperation planning cycle.", gt=0, le=1)
    neg_memory: float = _p(0.4, "ratio",
                           "Negative evidence is forgotten at 0.4 times the rate of positive "
                           "evidence (half-life about 5 years): bad is stronger than good "
                           "(Baumeister et al. 2001; Slovic 1993).", gt=0, le=1)
    interop_decay: float = _p(0.99, "per month",
                              "Share of interoperability kept each month: trained skills fade "
                              "with a half-life near 6 years ([Drab]: training's effect lasts "
                              "'several years').", gt=0, le=1)
    observer_weight: float = _p(0.3, "ratio",
                                "Third parties learn less from a deed done to others than its "
                                "recipient does (Heider balance, attenuated).", ge=0)
    # --- gates and costs (DESIGN section 5) ------------------------------------------------
    theta_intel: float = _p(0.6, "trust",
                            "Trust the sharer must hold in the recipient before sharing "
                            "intelligence ([Drab]: 'among the most challenging forms of "
                            "cooperation').", ge=0, le=1)
    cost_scale_gdp: float = _p(0.001, "share of GDP",
                               "A transfer of 0.1 % of the donor's GDP counts as one unit of "
                               "costly signal (Kydd 2005): log1p(amount / (scale * GDP)).", gt=0)
    training_cost_eur_per_trainee: float = _p(25_000.0, "EUR per trainee",
                                              "Converts trainees to money so training is a "
                                              "costly signal like aid; order of magnitude of "
                                              "EUMAM's EUR 106 m for 15,000 trainees plus "
                                              "instructors' time ([Drab]).", gt=0)
    # --- threat (DESIGN section 7) ---------------------------------------------------------
    proximity_border: float = _p(1.0, "0..1", "Proximity of states sharing a land or short-sea "
                                 "border: threat is felt most by neighbours (Walt 1987).", ge=0, le=1)
    proximity_region: float = _p(0.5, "0..1", "Proximity of states in the same named region.",
                                 ge=0, le=1)
    threat_neutral_trust: float = _p(0.5, "trust",
                                     "Trust at or above which a state reads no hostile intent "
                                     "in another: threat needs offensive intentions (Walt "
                                     "1987), so allies are not threats to each other.",
                                     gt=0, le=1)
    threat_floor: float = _p(0.02, "share of the largest threat",
                             "Threat sources below 2 % of the largest threat are left out of "
                             "shared threat: they change it by less than rounding and cost "
                             "N^2 work each.", ge=0, lt=1)
    threat_sources_max: int = _p(10, "states",
                                 "Shared threat sums over at most the ten most threatening "
                                 "states: states balance against the main threats (Walt "
                                 "1987), and minor sources add little but cost N^2 work each.",
                                 ge=1)
    # --- endogenous behaviour (DESIGN section 7) -------------------------------------------
    default_policy: PolicyName = _p("scripted", "policy",
                                    "States replay only their scripted events unless the "
                                    "scenario says otherwise: a replay must not invent history.")
    default_budget: float = _p(0.25, "actions per month",
                               "Endogenous diplomacy actions a state takes per month (about "
                               "three a year toward any one partner set), a modest ministry's "
                               "capacity.", ge=0)
    partner_horizon: int = _p(40, "states",
                              "Partners a state weighs in one decision, the most relevant by "
                              "trust, proximity, interoperability and recent contact: a "
                              "ministry's attention is limited (large attache networks cover "
                              "a few dozen capitals). No effect with 40 states or fewer.",
                              ge=1)
    util_trust: float = _p(1.0, "utility per unit trust",
                           "States deepen ties where trust already is (Kinne 2018).", ge=0)
    util_threat: float = _p(1.5, "utility per unit shared threat",
                            "Balance of threat: states menaced by the same power draw together "
                            "(Walt 1987).", ge=0)
    util_recip: float = _p(1.0, "utility per unit recent evidence",
                           "Reciprocity: answer cooperation received lately (Axelrod 1984; "
                           "Goldstein & Freeman 1991).", ge=0)
    util_need: float = _p(1.5, "utility per unit need",
                          "A partner under attack calls for support (Drab: support rose after "
                          "2014 and 2022).", ge=0)
    util_interop: float = _p(0.5, "utility per unit interoperability",
                             "Existing interoperability lowers the cost of further "
                             "cooperation.", ge=0)
    act_threshold: float = _p(0.5, "utility",
                              "An endogenous action is taken only if its utility exceeds this: "
                              "no cooperation for its own sake.", ge=0)
    choice_temperature: float = _p(0.25, "utility",
                                   "Softmax temperature of the choice among actions; lower is "
                                   "more deterministic. Gives seeds something to vary.", gt=0)
    recip_memory: float = _p(0.8, "per month",
                             "Share of 'recent evidence received' kept each month for "
                             "reciprocity: a favour is answered within about a quarter.",
                             ge=0, lt=1)
    need_memory: float = _p(0.9, "per month",
                            "Share of a state's need (after an attack) kept each month while "
                            "attacks are not renewed.", ge=0, lt=1)
    gift_share: float = _p(0.0002, "share of actor GDP",
                           "Size of one endogenous humanitarian gift: 0.02 % of GDP, the order "
                           "of large national humanitarian pledges.", gt=0)
    course_trainees: float = _p(300.0, "personnel",
                                "Trainees in one endogenous training course: a battalion-sized "
                                "rotation, as in UNIFIER or ORBITAL ([Drab]).", gt=0)
    # --- crisis support (aid flow rule, calibrated in docs/validation.md) ------------------
    aid_rate: float = _p(0.000835, "share of donor GDP per month",
                         "Monthly aid at full motive and full need; calibrated on the six "
                         "absolute figures of [Drab] Figure 3 only (python -m "
                         "sim.calibration; docs/validation.md).", ge=0)
    aid_threat_exponent: float = _p(1.0, "exponent",
                                    "How steeply aid rises with the share of the victim's "
                                    "threat the donor also feels; calibrated with aid_rate "
                                    "(grid 0-2).", ge=0)
    aid_trust_exponent: float = _p(0.5, "exponent",
                                   "How steeply aid rises with the donor's trust in the "
                                   "recipient, the groundwork effect ([Drab]); calibrated "
                                   "with aid_rate (grid 0.5-3).", ge=0)
    # --- outputs (DESIGN section 8) --------------------------------------------------------
    snapshot_interval: int = _p(1, "steps", "Steps between stored N x N trust snapshots.", ge=1)
    density_threshold: float = _p(0.6, "trust",
                                  "Trust above which a directed pair counts as an edge of the "
                                  "trust network.", ge=0, le=1)

    @classmethod
    def names(cls) -> list[str]:
        """Names of all scalar parameters."""
        return list(cls.model_fields)

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One dict per parameter: name, default, unit, reason (for docs and the CLI)."""
        rows = []
        for name, field in cls.model_fields.items():
            extra = field.json_schema_extra or {}
            rows.append({"name": name, "default": field.default,
                         "unit": extra.get("unit", ""), "reason": field.description or ""})
        return rows


def closest(name: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The closest match to ``name`` among ``choices``, for 'did you mean' hints."""
    found = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return found[0] if found else None
