"""Endogenous behaviour: how a state with a non-scripted policy chooses its actions.

Plain numpy, no Mesa (DESIGN section 7). Each step every deciding state

1. may take discrete actions (visits, attaché posts, exercises, training,
   intelligence sharing, agreements, commission meetings, humanitarian help):
   it acts ``budget`` times per step on average, choosing kind k and partner j by
   a softmax over the utility ::

       u[k, d, j] = sum_t policy[d, t] * util_t * motive[k, t] * F[t, d, j] - cost_k

   over the features F = (trust, shared threat, reciprocity, need, interop), each
   in [0, 1]; utilities below ``act_threshold`` and gated actions that fail their
   gate are never chosen;
2. gives crisis support (military aid) to every partner in need, an amount per
   month of ::

       aid[d, j] = aid_rate * GDP_d * need_j * max(0, 2 T[d, j] - 1) ** aid_trust_exponent
                   * share[d, j] ** aid_threat_exponent

   where ``share`` is the part of j's largest threat that d feels too: aid scales
   with capacity and motive, and nobody arms a partner it distrusts.

Policies differ in which utility terms they weigh (``POLICY_TERMS``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.catalogue import TERMS, ActionKind
from sim.threat import perceived_threat, shared_threat, threat_share
from sim.world import World

POLICY_TERMS: dict[str, dict[str, float]] = {
    "scripted": {},
    "reciprocal": {"trust": 1.0, "recip": 1.0, "interop": 1.0},
    "balancing": {"trust": 0.5, "threat": 1.0, "need": 1.0},
    "mixed": {"trust": 1.0, "threat": 1.0, "recip": 1.0, "need": 1.0, "interop": 1.0},
}
"""Which features each policy weighs (times the ``util_*`` parameters). ``scripted``
states take no endogenous action: they only replay their scenario events.
``reciprocal`` answers cooperation (Axelrod 1984); ``balancing`` follows shared
threat and need (Walt 1987); ``mixed`` (the default endogenous policy) weighs all."""

POLICIES = tuple(POLICY_TERMS)

NEED_MIN = 0.05
"""Need below this (about 5 % of one month's aggression, decayed) calls for no aid."""

AID_MIN_EUR_BN = 1e-4
"""Aid flows below EUR 0.1 m a month are not recorded as actions."""


@dataclass
class Decisions:
    """One step's endogenous choices: discrete actions per kind and aid flows."""

    actions: dict[str, tuple[np.ndarray, np.ndarray]]
    aid: tuple[np.ndarray, np.ndarray, np.ndarray]


def endogenous_kinds(catalogue: dict[str, ActionKind]) -> list[ActionKind]:
    """Catalogue entries a policy may choose, in catalogue order."""
    return [k for k in catalogue.values() if k.endogenous]


def term_weights(world: World, policy: str) -> np.ndarray:
    """Vector over ``TERMS`` of policy mask times ``util_*`` parameter."""
    p = world.params
    util = {"trust": p.util_trust, "threat": p.util_threat, "recip": p.util_recip,
            "need": p.util_need, "interop": p.util_interop}
    mask = POLICY_TERMS[policy]
    return np.array([mask.get(t, 0.0) * util[t] for t in TERMS])


def decide(world: World, deciders: np.ndarray, policies: list[str], budgets: np.ndarray,
           rng: np.random.Generator) -> Decisions:
    """Choose this step's endogenous actions for ``deciders`` (indices into the world).

    ``policies[d]`` and ``budgets[d]`` belong to ``deciders[d]``. Deterministic for
    a given ``rng`` state.
    """
    p = world.params
    deciders = np.asarray(deciders, dtype=np.intp)
    n = world.n
    trust = world.trust
    theta = perceived_threat(trust, world.capability, world.proximity)
    need = 1.0 - np.exp(-world.need)
    needy = np.flatnonzero(world.need > NEED_MIN)

    # how many discrete actions each decider takes this step
    base = np.floor(budgets)
    count = (base + (rng.random(deciders.size) < budgets - base)).astype(int)
    acting = deciders[count > 0]
    acts_per = count[count > 0]
    rows = np.union1d(acting, deciders if needy.size else np.zeros(0, dtype=np.intp))
    share = np.zeros((0, n))
    if rows.size:
        share = threat_share(theta, shared_threat(theta, rows, p.threat_floor), rows)
    row_of = {int(d): r for r, d in enumerate(rows)}

    actions: dict[str, list[list[int]]] = {}
    if acting.size:
        kinds = endogenous_kinds(world.catalogue)
        sel = np.array([row_of[int(d)] for d in acting], dtype=np.intp)
        feats = np.stack([
            trust[acting],
            share[sel],
            1.0 - np.exp(-world.recent[acting]),
            np.broadcast_to(need, (acting.size, n)),
            1.0 - np.exp(-world.interop[acting]),
        ])                                                        # (T, A, N)
        pol_of = dict(zip(deciders.tolist(), policies))
        weights = np.stack([term_weights(world, pol_of[int(d)]) for d in acting])  # (A, T)
        motives = np.array([[k.motives.get(t, 0.0) for t in TERMS] for k in kinds])  # (K, T)
        util = np.einsum("at,kt,tan->kan", weights, motives, feats)
        util -= np.array([k.cost for k in kinds])[:, None, None]
        valid = util >= p.act_threshold
        valid[:, np.arange(acting.size), acting] = False
        for ki, k in enumerate(kinds):
            if k.gate:
                valid[ki] &= trust[acting] >= getattr(p, k.gate)
            if k.institution and k.lapse_months is None:
                valid[ki] &= world.layers[k.name][acting] <= world.step   # not already live
        logits = np.where(valid, util / p.choice_temperature, -np.inf)
        flat = logits.transpose(1, 0, 2).reshape(acting.size, -1)        # (A, K*N)
        for a, flat_idx in _sample_rows(flat, acts_per, rng):
            ki, j = divmod(int(flat_idx), n)
            actions.setdefault(kinds[ki].name, []).append([int(acting[a]), j])

    aid = _crisis_aid(world, deciders, policies, needy, need, share, row_of)
    packed = {k: (np.array([a for a, _ in v]), np.array([b for _, b in v]))
              for k, v in actions.items()}
    return Decisions(packed, aid)


def endogenous_magnitudes(world: World, kind_name: str, actors: np.ndarray) -> np.ndarray:
    """Size of endogenous actions: a gift of ``gift_share`` of GDP, a course of trainees, or 1."""
    basis = world.catalogue[kind_name].cost_basis
    if basis == "gdp":
        return world.params.gift_share * world.gdp[actors]
    if basis == "personnel":
        return np.full(actors.size, world.params.course_trainees)
    return np.ones(actors.size)


def _sample_rows(logits: np.ndarray, counts: np.ndarray, rng: np.random.Generator
                 ) -> list[tuple[int, int]]:
    """Sample ``counts[a]`` distinct columns of each row with softmax probabilities.

    One uniform draw per row and an inverse-CDF look-up, vectorised over rows;
    rows that take more than one action draw the rest one at a time without
    replacement. Rows with no finite logit take nothing.
    """
    top = np.max(logits, axis=1, keepdims=True)
    live = np.isfinite(top[:, 0])
    weights = np.where(np.isfinite(logits), np.exp(logits - np.where(live[:, None], top, 0.0)),
                       0.0)
    cum = np.cumsum(weights, axis=1)
    u = rng.random(logits.shape[0]) * cum[:, -1]
    first = np.argmax(cum > u[:, None], axis=1)
    picks = [(a, int(first[a])) for a in np.flatnonzero(live)]
    for a in np.flatnonzero(live & (counts > 1)):
        w = weights[a].copy()
        w[first[a]] = 0.0
        for _ in range(int(counts[a]) - 1):
            total = w.sum()
            if total <= 0.0:
                break
            col = int(np.searchsorted(np.cumsum(w), rng.random() * total, side="right"))
            col = min(col, w.size - 1)
            picks.append((int(a), col))
            w[col] = 0.0
    return picks


def _crisis_aid(world: World, deciders: np.ndarray, policies: list[str], needy: np.ndarray,
                need: np.ndarray, share: np.ndarray, row_of: dict[int, int]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly military aid from every endogenous decider to every partner in need."""
    p = world.params
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0))
    givers = np.array([d for d, pol in zip(deciders, policies) if pol != "scripted"],
                      dtype=np.intp)
    if needy.size == 0 or givers.size == 0:
        return empty
    rows = np.array([row_of[int(d)] for d in givers], dtype=np.intp)
    trust = world.trust[np.ix_(givers, needy)]
    motive = (np.maximum(0.0, 2.0 * trust - 1.0) ** p.aid_trust_exponent
              * share[np.ix_(rows, needy)] ** p.aid_threat_exponent)
    amount = p.aid_rate * world.gdp[givers, None] * need[None, needy] * motive
    amount[givers[:, None] == needy[None, :]] = 0.0
    gi, ni = np.nonzero(amount >= AID_MIN_EUR_BN)
    return givers[gi], needy[ni], amount[gi, ni]
