"""The action catalogue: every defence-diplomacy instrument and hostile event the model knows.

One entry per kind (after the Axelrod library's one-class-per-strategy style):
a docstring-like ``doc`` that says what the kind is and cites its source, and
metadata the engine, the docs, the CLI and the tests all read from here:
weights, visibility, cost basis, gate, and the effect on institutions and
interoperability. Each weight carries its reason in ``reasons``.

Sources (full citations in ``SOURCES``): [Drab] Drab & Zakowska 2024; [Khalid]
Khalid & Ahmed 2024; [Diplo] Diplo, "Military diplomacy"; [Overview] the
overview page on defence diplomacy in ``shared/seeds``; Goldstein (1992) for the
conflict-cooperation ordering the weights are checked against.

Weights are in evidence units per unit of magnitude: one unit of forward weight
adds one pseudo-event of evidence to the recipient's view of the actor. Positive
weights add positive evidence (``r``), negative weights add negative evidence
(``s``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Form = Literal["directed", "joint"]
CostBasis = Literal["count", "gdp", "personnel"]

SOURCES: dict[str, str] = {
    "Drab": "Drab, L. & Zakowska, M. (2024). Defence diplomacy in the war in Ukraine - cooperation "
            "and challenges. Small Wars Journal, 10 June 2024. (shared/seeds/000_f35bc12b5fbc0b2a.txt)",
    "Khalid": "Khalid, F. H. & Ahmed, N. (2024). From alliance building to strategic partnerships: "
              "a historical analysis of defence diplomacy. Janus.net 15(1), 3-20. "
              "doi:10.26619/1647-7251.15.1.1 (shared/seeds/004_9cb006b8634b8bec.txt)",
    "Diplo": "DiploFoundation. Military diplomacy. (shared/seeds/002_335050ef22e7c2a8.txt)",
    "Overview": "Defence diplomacy: an overview of its forms (web article). "
                "(shared/seeds/001_19964b165dba75cf.txt)",
    "Goldstein": "Goldstein, J. S. (1992). A conflict-cooperation scale for WEIS events data. "
                 "Journal of Conflict Resolution 36(2), 369-385.",
    "Kydd": "Kydd, A. H. (2005). Trust and Mistrust in International Relations. Princeton UP.",
    "Kinne": "Kinne, B. J. (2018). Defense cooperation agreements and the emergence of a global "
             "security network. International Organization 72(4), 799-837.",
    "KuoBlankenship": "Kuo, K. & Blankenship, B. (2022). Deterrence and restraint: do joint "
                      "military exercises escalate conflict? Journal of Conflict Resolution "
                      "66(1), 3-31.",
}

TERMS = ("trust", "threat", "recip", "need", "interop")
"""Features an endogenous policy weighs (DESIGN section 7), in this order everywhere."""


@dataclass(frozen=True)
class ActionKind:
    """One instrument or event in the catalogue. See the module docstring for units."""

    name: str
    doc: str
    sources: tuple[str, ...]
    form: Form
    forward: float
    back: float = 0.0
    observer: float = 0.0
    norm: float = 0.0
    target_threat: float = 0.0
    visibility: float = 1.0
    cost_basis: CostBasis = "count"
    unit: str = "count"
    gate: str | None = None
    institution: str | None = None
    inst_strength: float = 0.0
    lapse_months: int | None = None
    ends_institution: str | None = None
    interop: float = 0.0
    need: float = 0.0
    hostile: bool = False
    endogenous: bool = False
    motives: dict[str, float] = field(default_factory=dict)
    cost: float = 0.0
    goldstein: float | None = None
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def covert(self) -> bool:
        """True if observers learn nothing of it until disclosed."""
        return self.visibility == 0.0

    @property
    def is_joint(self) -> bool:
        """True for kinds done together by participants (symmetric evidence)."""
        return self.form == "joint"


WEIGHT_FIELDS = ("forward", "back", "observer", "norm", "target_threat", "visibility",
                 "inst_strength", "interop", "need", "cost")
"""Numeric fields of an entry that scenarios and sweeps may override as ``kind.field``."""

_K: list[ActionKind] = [
    ActionKind(
        "high_level_visit",
        "A visit by a minister of defence or chief of defence staff. Cheap and public; the "
        "'highest level of task implementation' in defence diplomacy [Drab]; listed among "
        "contacts and exchanges [Khalid]. Goldstein: visit +1.9.",
        ("Drab", "Khalid"), "directed", forward=0.3, back=0.2, observer=0.3,
        endogenous=True, motives={"trust": 1.0, "threat": 0.5, "recip": 1.0}, cost=0.1,
        goldstein=1.9,
        reasons={"forward": "Cheap talk: a visit costs little, so it says little (Kydd 2005); "
                            "about a quarter of an agreement, as on Goldstein's scale.",
                 "back": "The host's reception tells the visitor a little about the host."}),
    ActionKind(
        "defence_dialogue",
        "Staff talks, strategic dialogues and multilateral defence forums (Shangri-La "
        "Dialogue, the Ukraine Defense Contact Group) [Drab], [Khalid].",
        ("Drab", "Khalid"), "joint", forward=0.2, observer=0.2,
        goldstein=1.9,
        reasons={"forward": "Talk among many: a little less than a bilateral visit per pair."}),
    ActionKind(
        "attache_exchange",
        "Opening of defence-attaché posts. The exchange of attachés is 'a formal endorsement "
        "of ongoing contacts, typically guaranteeing the longevity of cooperation' [Drab]; "
        "attachés promote military-to-military relationships [Khalid], [Diplo].",
        ("Drab", "Khalid", "Diplo"), "directed", forward=0.3, back=0.3, observer=0.1,
        institution="attache", inst_strength=0.3,
        endogenous=True, motives={"trust": 1.0, "recip": 0.5, "threat": 0.3}, cost=0.5,
        goldstein=3.0,
        reasons={"forward": "A post is a modest cost and a standing commitment.",
                 "inst_strength": "A post slows forgetting by 30 %: daily contact keeps the "
                                  "relationship known between events ([Drab]: 'longevity')."}),
    ActionKind(
        "attache_withdrawal",
        "A defence-attaché post closed without hostility (budget cuts, embassy closure) "
        "[Khalid].",
        ("Khalid",), "directed", forward=-0.2, back=0.0, observer=0.0,
        ends_institution="attache", goldstein=-1.0,
        reasons={"forward": "Mildly negative: less contact, some doubt about commitment."}),
    ActionKind(
        "attache_expulsion",
        "Expulsion of the other side's attachés or military diplomats: a hostile signal that "
        "also ends the post [Diplo], [Khalid]. Goldstein: expel diplomats -5.0.",
        ("Diplo", "Khalid"), "directed", forward=-1.0, back=-0.5, observer=-0.2, norm=0.0,
        ends_institution="attache", hostile=True, goldstein=-5.0,
        reasons={"forward": "Half the weight of a treaty violation: a deliberate rupture.",
                 "back": "The expelling state signals its own distrust."}),
    ActionKind(
        "joint_exercise",
        "A bilateral or multilateral military exercise. Exercises 'foster mutual trust and "
        "credibility, ensure interoperability' [Drab]; enhance interoperability [Khalid]; can "
        "be aimed at a named target and reassure allies while deterring (Kuo & Blankenship "
        "2022). Goldstein: military cooperation +7.4.",
        ("Drab", "Khalid", "KuoBlankenship"), "joint", forward=0.5, observer=0.4,
        target_threat=0.8, interop=0.2,
        endogenous=True, motives={"trust": 0.5, "threat": 1.0, "interop": 1.0}, cost=1.0,
        goldstein=7.4,
        reasons={"forward": "Costly in time and readiness, public, repeated yearly: half a unit "
                            "per exercise per pair.",
                 "target_threat": "A target reads an exercise aimed at it as a threat, a "
                                  "little more strongly than participants read it as trust.",
                 "interop": "Each exercise adds 0.2 to the pair's interoperability."}),
    ActionKind(
        "training_education",
        "Military education and training of the recipient's personnel. Its outcomes 'have a "
        "lasting impact, extending over several years' [Drab] (JMTG-U, UNIFIER, ORBITAL, "
        "EUMAM). Magnitude: trainees (personnel).",
        ("Drab",), "directed", forward=0.7, back=0.3, observer=0.3,
        cost_basis="personnel", unit="personnel", interop=0.3,
        endogenous=True, motives={"trust": 1.0, "threat": 0.5, "need": 0.5, "interop": 0.5},
        cost=1.0, goldstein=7.4,
        reasons={"forward": "A costly signal scaled by the trainees' cost relative to the "
                            "trainer's GDP.",
                 "interop": "Training leaves more interoperability per unit than an exercise."}),
    ActionKind(
        "intelligence_sharing",
        "Sharing of intelligence: 'among the most challenging forms of cooperation', decided "
        "at the highest level and 'typically conducted discreetly' [Drab]; collective action "
        "by sharing [Overview]. Covert by default and gated by trust. Goldstein: +7.0.",
        ("Drab", "Overview"), "directed", forward=1.2, back=0.3, observer=0.5,
        visibility=0.0, gate="theta_intel",
        endogenous=True, motives={"trust": 1.5, "threat": 1.0, "need": 0.5}, cost=0.5,
        goldstein=7.0,
        reasons={"forward": "Strong: the sharer risks sources and methods (a costly signal).",
                 "visibility": "Covert: third parties learn of it only through a disclosure."}),
    ActionKind(
        "military_aid",
        "Donation of weapons, equipment and funds. A costly signal scaled by share of the "
        "donor's GDP [Drab] (Figure 3); Goldstein: extend military aid +8.3. Magnitude: EUR bn.",
        ("Drab", "Kydd"), "directed", forward=1.0, back=0.2, observer=0.4,
        cost_basis="gdp", unit="EUR_bn", interop=0.05,
        goldstein=8.3,
        reasons={"forward": "One unit per log-unit of share of GDP: EUR 1 bn says more from "
                            "Denmark than from the United States (Kydd 2005).",
                 "interop": "Western equipment brings some interoperability with it."}),
    ActionKind(
        "humanitarian_assistance",
        "Humanitarian assistance by or with armed forces [Overview], [Khalid]. Goldstein: "
        "humanitarian aid +7.4. Magnitude: EUR bn.",
        ("Overview", "Khalid"), "directed", forward=0.6, back=0.1, observer=0.3,
        cost_basis="gdp", unit="EUR_bn",
        endogenous=True, motives={"need": 1.5, "trust": 0.5}, cost=0.5,
        goldstein=7.4,
        reasons={"forward": "Public goodwill, less strategic than military aid."}),
    ActionKind(
        "disaster_relief",
        "Disaster relief and search and rescue by armed forces [Khalid], [Overview].",
        ("Khalid", "Overview"), "directed", forward=0.6, back=0.1, observer=0.3,
        cost_basis="gdp", unit="EUR_bn", goldstein=7.4,
        reasons={"forward": "As humanitarian assistance."}),
    ActionKind(
        "defence_agreement",
        "Signature or ratification of a defence cooperation agreement, SOFA or MoU: the "
        "framework for cooperation [Khalid], legal and legislative cooperation [Drab], SOFAs "
        "and memoranda [Diplo]; DCAs build a security network (Kinne 2018). Goldstein: "
        "formal agreement +8.0.",
        ("Drab", "Khalid", "Diplo", "Kinne"), "joint", forward=0.8, observer=0.3,
        institution="agreement", inst_strength=0.5,
        endogenous=True, motives={"trust": 1.5, "threat": 1.0, "interop": 0.5}, cost=2.0,
        goldstein=8.0,
        reasons={"forward": "A binding commitment, costly to exit.",
                 "inst_strength": "A live agreement halves forgetting (Kinne 2018: DCAs "
                                  "sustain cooperation between contacts)."}),
    ActionKind(
        "agreement_termination",
        "An agreement ended by one or both sides [Khalid], [Diplo].",
        ("Khalid", "Diplo"), "joint", forward=-0.6, observer=0.0,
        ends_institution="agreement", goldstein=-4.0,
        reasons={"forward": "Ending a commitment is bad news, less than breaking it."}),
    ActionKind(
        "treaty_violation",
        "Violation of a treaty or agreement (for example the Budapest Memorandum, the 1997 "
        "friendship treaty) [Drab]. Severe; observers who value the broken norm react.",
        ("Drab",), "directed", forward=-3.0, back=-0.5, observer=-0.3, norm=0.5,
        ends_institution="agreement", hostile=True, goldstein=-5.0,
        reasons={"forward": "Severe: breaking one's word destroys the value of future words.",
                 "norm": "Every observer who values pacta sunt servanda learns about the "
                         "violator."}),
    ActionKind(
        "peacekeeping",
        "Participation in peace operations together (UN, AU, NATO) [Drab], [Khalid]. "
        "Goldstein: peacekeeping +8.5.",
        ("Drab", "Khalid"), "joint", forward=0.4, observer=0.2, interop=0.1,
        goldstein=8.5,
        reasons={"forward": "Shared risk among many contributors: less per pair than an "
                            "exercise."}),
    ActionKind(
        "joint_mission",
        "A joint military mission or operation of two or more states (coalition operations; "
        "Eritrean and Ethiopian forces in Tigray) [Drab].",
        ("Drab",), "joint", forward=0.8, observer=0.3, interop=0.2,
        goldstein=7.4,
        reasons={"forward": "Fighting side by side: shared risk, more than an exercise."}),
    ActionKind(
        "arms_sale",
        "Arms sales and technology transfer: partly commercial, so a moderate signal [Diplo], "
        "[Overview]. Magnitude: EUR bn.",
        ("Diplo", "Overview"), "directed", forward=0.4, back=0.2, observer=0.2,
        cost_basis="gdp", unit="EUR_bn", interop=0.05, goldstein=6.5,
        reasons={"forward": "Paid for: less than aid, still a political choice to sell."}),
    ActionKind(
        "industrial_cooperation",
        "Defence-industrial partnerships, co-production [Diplo], [Khalid].",
        ("Diplo", "Khalid"), "directed", forward=0.3, back=0.3, observer=0.1,
        cost_basis="gdp", unit="EUR_bn", goldstein=6.0,
        reasons={"forward": "Mutual commercial interest, symmetric."}),
    ActionKind(
        "demonstration_of_force",
        "A show of force. 'Controlled and non-violent demonstrations of force' reassure allies "
        "and deter [Overview]; the target reads a threat. Recipient: the reassured ally; "
        "target: the one deterred. Goldstein: show of force -7.2 (toward the target).",
        ("Overview", "KuoBlankenship"), "directed", forward=0.3, back=0.0, observer=0.1,
        target_threat=1.5, goldstein=-7.2,
        reasons={"forward": "Reassurance of the ally named as recipient.",
                 "target_threat": "Strong negative evidence to the target: -7.2 on Goldstein's "
                                  "scale is close to a threat of force."}),
    ActionKind(
        "joint_military_commission",
        "A meeting of a joint military commission: 'direct discussions on border issues and "
        "troop withdrawals ... through regular meetings' it 'helped to ease tensions' [Diplo] "
        "(Ethiopia-Eritrea 2018). Raises institutional memory while it keeps meeting.",
        ("Diplo",), "joint", forward=0.5, observer=0.1,
        institution="commission", inst_strength=0.4, lapse_months=6,
        endogenous=True, motives={"trust": 0.5, "recip": 1.0, "threat": 0.5}, cost=0.5,
        goldstein=4.0,
        reasons={"forward": "Regular, dyadic, problem-solving contact.",
                 "inst_strength": "A live commission slows forgetting by 40 %.",
                 "lapse_months": "A commission that has not met for six months is dormant."}),
    ActionKind(
        "cultural_defence_diplomacy",
        "Parades, tattoos, conferences: 'cultural defence diplomacy' [Khalid]. Tiny.",
        ("Khalid",), "directed", forward=0.05, back=0.05, observer=0.05, goldstein=1.0,
        reasons={"forward": "Goodwill without commitment."}),
    ActionKind(
        "aggression",
        "Armed aggression short of full invasion (the war in Donbas, border clashes) [Drab]. "
        "Use monthly for a continuing war. Goldstein: military engagement -10.",
        ("Drab",), "directed", forward=-2.0, back=-0.5, observer=-0.3, norm=0.3,
        need=1.0, hostile=True, goldstein=-10.0,
        reasons={"forward": "Strong negative evidence each month of fighting.",
                 "need": "The victim needs support while attacked."}),
    ActionKind(
        "annexation",
        "Annexation of the victim's territory (Crimea, March 2014) [Drab]: violates the UN "
        "Charter, the Helsinki Final Act and the Budapest Memorandum.",
        ("Drab",), "directed", forward=-6.0, back=-1.0, observer=-0.5, norm=1.0,
        need=1.0, hostile=True, goldstein=-10.0,
        reasons={"forward": "A one-off shock stronger than a month of war.",
                 "norm": "Territorial integrity is the norm most states hold."}),
    ActionKind(
        "invasion",
        "Full-scale invasion (24 February 2022) [Drab]. The largest shock in the catalogue.",
        ("Drab",), "directed", forward=-8.0, back=-1.0, observer=-0.6, norm=1.5,
        need=3.0, hostile=True, goldstein=-10.0,
        reasons={"forward": "The largest shock: Goldstein's -10 with the most evidence.",
                 "need": "Existential need: three times an aggression."}),
    ActionKind(
        "border_closure",
        "Closure of a border or of crossings (Eritrea, December 2018 - April 2019): the reverse "
        "of the peace dividend the joint commission worked for [Diplo].",
        ("Diplo",), "directed", forward=-0.8, back=-0.2, observer=0.0, hostile=True,
        goldstein=-4.0,
        reasons={"forward": "Withdrawal of a peace dividend, without violence."}),
    ActionKind(
        "border_opening",
        "Opening of border crossings (Ethiopia-Eritrea, September 2018): a concrete peace "
        "dividend [Diplo].",
        ("Diplo",), "directed", forward=0.8, back=0.3, observer=0.1, goldstein=5.0,
        reasons={"forward": "Costly to reverse in trade and people moving."}),
    ActionKind(
        "disclosure",
        "Making earlier covert cooperation public (the 2021-22 public intelligence warnings) "
        "[Overview]: observers then judge the covert acts by their view of the recipient. "
        "Use ``discloses:`` for the kind (default intelligence_sharing).",
        ("Overview", "Drab"), "directed", forward=0.3, back=0.0, observer=1.0,
        goldstein=2.0,
        reasons={"forward": "Going public commits the discloser to the recipient.",
                 "observer": "Observers weigh the disclosed acts at full observer weight."}),
    ActionKind(
        "peace_agreement",
        "A peace or ceasefire agreement (Minsk I and II; Asmara 2018; Jeddah 2018) [Diplo]. "
        "Goldstein: agreement +8.0 (peace treaties are the most cooperative end).",
        ("Diplo",), "joint", forward=1.5, observer=0.3, institution="agreement",
        inst_strength=0.3, goldstein=8.0,
        reasons={"forward": "A large step for former enemies, but cheap if not kept.",
                 "inst_strength": "A weaker institution than a defence agreement."}),
]

CATALOGUE: dict[str, ActionKind] = {k.name: k for k in _K}
"""The registry: kind name -> entry."""


def kinds() -> list[str]:
    """All kind names, in catalogue order."""
    return list(CATALOGUE)


def weight_names() -> list[str]:
    """Every overridable action weight as ``kind.field``."""
    return [f"{k}.{f}" for k in CATALOGUE for f in WEIGHT_FIELDS]


def with_overrides(overrides: dict[str, float], base: dict[str, ActionKind] | None = None
                   ) -> dict[str, ActionKind]:
    """A copy of the catalogue with ``kind.field`` weights replaced.

    Raises ``KeyError`` with a message naming the bad key; callers turn it into a
    user-facing error.
    """
    base = dict(base or CATALOGUE)
    for key, value in overrides.items():
        kind, _, fld = key.partition(".")
        if kind not in base or fld not in WEIGHT_FIELDS:
            raise KeyError(key)
        base[kind] = replace(base[kind], **{fld: float(value)})
    return base
