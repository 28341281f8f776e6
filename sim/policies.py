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
from sim.threat import perceived_threat, shared_from_sources, threat_share, threat_sources
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
    """One step's endogenous actions as a flat batch (catalogue positions of kinds)."""

    kinds: np.ndarray
    actors: np.ndarray
    recipients: np.ndarray
    magnitudes: np.ndarray


def endogenous_kinds(catalogue: dict[str, ActionKind]) -> list[ActionKind]:
    """Catalogue entries a policy may choose, in catalogue order."""
    return [k for k in catalogue.values() if k.endogenous]


def policy_weights(params, policy: str) -> np.ndarray:
    """Vector over ``TERMS`` of the policy's mask times the ``util_*`` parameters."""
    util = {"trust": params.util_trust, "threat": params.util_threat,
            "recip": params.util_recip, "need": params.util_need,
            "interop": params.util_interop}
    mask = POLICY_TERMS[policy]
    return np.array([mask.get(t, 0.0) * util[t] for t in TERMS])


def _tables(world: World) -> dict:
    """Per-world constants of the choice model, built once."""
    if "policy" not in world.cache:
        kinds = endogenous_kinds(world.catalogue)
        names = list(world.catalogue)
        world.cache["policy"] = {
            "kinds": kinds,
            "positions": np.array([names.index(k.name) for k in kinds], dtype=np.intp),
            "weights": np.stack([policy_weights(world.params, p) for p in POLICIES]),  # (P, T)
            "motives": np.array([[k.motives.get(t, 0.0) for t in TERMS] for k in kinds]),
            "costs": np.array([k.cost for k in kinds]),
            "basis": np.array([{"count": 0, "gdp": 1, "personnel": 2}[k.cost_basis]
                               for k in kinds]),
            "gated": [(ki, getattr(world.params, k.gate)) for ki, k in enumerate(kinds)
                      if k.gate],
            "single": [(ki, k.name) for ki, k in enumerate(kinds)
                       if k.institution and k.lapse_months is None],
            "aid": names.index("military_aid"),
        }
    return world.cache["policy"]


def decide(world: World, deciders: np.ndarray, policies: np.ndarray, budgets: np.ndarray,
           rng: np.random.Generator) -> Decisions:
    """Choose this step's endogenous actions for ``deciders`` (indices into the world).

    ``policies[d]`` (a position in ``POLICIES``) and ``budgets[d]`` belong to
    ``deciders[d]``. Deterministic for a given ``rng`` state.
    """
    p = world.params
    tab = _tables(world)
    deciders = np.asarray(deciders, dtype=np.intp)
    policies = np.asarray(policies, dtype=np.intp)
    n = world.n
    trust = world.trust
    theta = perceived_threat(trust, world.capability, world.proximity)
    sub = theta[:, threat_sources(theta, p.threat_floor, p.threat_sources_max)]
    need = 1.0 - np.exp(-world.need)
    needy = np.flatnonzero(world.need > NEED_MIN)

    # how many discrete actions each decider takes this step
    base = np.floor(budgets)
    count = (base + (rng.random(deciders.size) < budgets - base)).astype(int)
    act = count > 0
    acting, acts_per, acting_pol = deciders[act], count[act], policies[act]

    out_k, out_j, out_i, out_m = [], [], [], []
    if acting.size:
        share = threat_share(theta, shared_from_sources(sub, acting))
        feats = np.stack([
            trust[acting],
            share,
            1.0 - np.exp(-world.recent[acting]),
            np.broadcast_to(need, (acting.size, n)),
            1.0 - np.exp(-world.interop[acting]),
        ], axis=1)                                                # (A, T, N)
        coef = tab["weights"][acting_pol][:, None, :] * tab["motives"][None]   # (A, K, T)
        util = np.matmul(coef, feats) - tab["costs"][None, :, None]            # (A, K, N)
        valid = util >= p.act_threshold
        valid[np.arange(acting.size), :, acting] = False
        for ki, theta_gate in tab["gated"]:
            valid[:, ki] &= trust[acting] >= theta_gate
        for ki, name in tab["single"]:
            valid[:, ki] &= world.layers[name][acting] <= world.step   # not already live
        # candidates in row-major (actor, kind, partner) order
        a_idx, k_idx, j_idx = np.nonzero(valid)
        logits = util[a_idx, k_idx, j_idx] / p.choice_temperature
        picks = _sample_candidates(a_idx, logits, acts_per, rng)
        if picks.size:
            ki, partner = k_idx[picks], j_idx[picks]
            actor = acting[a_idx[picks]]
            basis = tab["basis"][ki]
            mag = np.where(basis == 1, p.gift_share * world.gdp[actor],
                           np.where(basis == 2, p.course_trainees, 1.0))
            out_k.append(tab["positions"][ki])
            out_j.append(actor)
            out_i.append(partner)
            out_m.append(mag)

    donors, recips, amounts = _crisis_aid(world, theta, sub, deciders, policies, needy, need)
    if donors.size:
        out_k.append(np.full(donors.size, tab["aid"], dtype=np.intp))
        out_j.append(donors)
        out_i.append(recips)
        out_m.append(amounts)
    if not out_k:
        empty = np.zeros(0, dtype=np.intp)
        return Decisions(empty, empty, empty, np.zeros(0))
    return Decisions(np.concatenate(out_k), np.concatenate(out_j), np.concatenate(out_i),
                     np.concatenate(out_m))


def _sample_candidates(rows: np.ndarray, logits: np.ndarray, counts: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """Pick ``counts[r]`` distinct candidates for each row r with softmax probabilities.

    ``rows`` (sorted) says which row each candidate belongs to. One uniform draw
    per row and an inverse-CDF look-up over a global cumulative sum, so the cost is
    proportional to the number of valid candidates; rows taking more than one
    action draw the rest one at a time without replacement. Returns candidate
    positions.
    """
    if rows.size == 0:
        return np.zeros(0, dtype=np.intp)
    # rows are sorted: each present row is one contiguous segment [start, end)
    start = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    end = np.r_[start[1:], rows.size]
    present = rows[start]
    top = np.maximum.reduceat(logits, start)
    weights = np.exp(logits - np.repeat(top, end - start))
    cum = np.cumsum(weights)
    base = np.where(start > 0, cum[start - 1], 0.0)
    u = rng.random(present.size)
    target = base + u * (cum[end - 1] - base)
    picks = np.minimum(np.searchsorted(cum, target, side="right"), end - 1)
    out = [picks]
    for r, s0, e0, first in zip(present, start, end, picks):
        extra = int(counts[r]) - 1
        if extra <= 0:
            continue
        w = weights[s0:e0].copy()
        w[first - s0] = 0.0
        for _ in range(min(extra, e0 - s0 - 1)):
            c = np.cumsum(w)
            if c[-1] <= 0.0:
                break
            pos = min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), w.size - 1)
            out.append(np.array([s0 + pos]))
            w[pos] = 0.0
    return np.concatenate(out).astype(np.intp)


def _crisis_aid(world: World, theta: np.ndarray, sub: np.ndarray, deciders: np.ndarray,
                policies: np.ndarray,
                needy: np.ndarray, need: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly military aid from every endogenous decider to every partner in need."""
    p = world.params
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0))
    givers = deciders[policies != POLICIES.index("scripted")]
    if needy.size == 0 or givers.size == 0:
        return empty
    trust = world.trust[np.ix_(givers, needy)]
    share = threat_share(theta, shared_from_sources(sub, givers, needy), needy)
    motive = (np.maximum(0.0, 2.0 * trust - 1.0) ** p.aid_trust_exponent
              * share ** p.aid_threat_exponent)
    amount = p.aid_rate * world.gdp[givers, None] * need[None, needy] * motive
    amount[givers[:, None] == needy[None, :]] = 0.0
    gi, ni = np.nonzero(amount >= AID_MIN_EUR_BN)
    return givers[gi], needy[ni], amount[gi, ni]
