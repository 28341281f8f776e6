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
from sim.threat import (
    perceived_threat,
    share_of_own_threat,
    shared_from_sources,
    shared_with_partners,
    threat_sources,
)
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
    trust = world.trust
    theta = perceived_threat(trust, world.capability, world.proximity, p.threat_neutral_trust)
    sub = theta[:, threat_sources(theta, p.threat_floor, p.threat_sources_max)]
    own = theta.max(axis=1)                                     # each state's largest threat
    need = 1.0 - np.exp(-world.need)
    needy = np.flatnonzero(world.need > NEED_MIN)

    # how many discrete actions each decider takes this step
    base = np.floor(budgets)
    count = (base + (rng.random(deciders.size) < budgets - base)).astype(int)
    act = count > 0
    acting, acts_per, acting_pol = deciders[act], count[act], policies[act]

    out_k, out_j, out_i, out_m = [], [], [], []
    if acting.size:
        cand = _horizon(world, acting, p.partner_horizon)       # (A, H) partners, None: all
        h = world.n if cand is None else cand.shape[1]
        feats = np.empty((len(TERMS), acting.size, h))           # (T, A, H), TERMS order
        feats[0] = _to_partners(trust, acting, cand)
        feats[1] = share_of_own_threat(shared_with_partners(sub, acting, cand),
                                       own[None, :] if cand is None else own[cand])
        for f, x in ((feats[2], world.recent), (feats[4], world.interop)):
            np.negative(_to_partners(x, acting, cand), out=f)
            np.exp(f, out=f)
            np.subtract(1.0, f, out=f)
        feats[3] = need if cand is None else need[cand]
        n_kinds = len(tab["kinds"])
        # u[a, k, c] = sum_t weight[policy_a, t] * motive[k, t] * F[t, a, c] - cost_k,
        # one matrix product per policy present (deciders of a policy share weights)
        util = np.empty((acting.size, n_kinds, h))
        for pol in np.flatnonzero(np.bincount(acting_pol)):         # policies present
            rows = np.flatnonzero(acting_pol == pol)
            coef = tab["motives"] * tab["weights"][pol][None, :]                 # (K, T)
            f = feats[:, rows, :].reshape(feats.shape[0], -1)                    # (T, R*H)
            util[rows] = (coef @ f).reshape(n_kinds, rows.size, h).transpose(1, 0, 2)
        util -= tab["costs"][None, :, None]
        valid = util >= p.act_threshold
        if cand is None:
            valid[np.arange(acting.size), :, acting] = False     # not with itself
        else:
            valid &= (cand != acting[:, None])[:, None, :]
        for ki, theta_gate in tab["gated"]:
            valid[:, ki] &= feats[0] >= theta_gate
        for ki, name in tab["single"]:
            valid[:, ki] &= _to_partners(world.layers[name], acting, cand) <= world.step  # not live
        rows_, flat = _sample_rows(util.reshape(acting.size, -1), valid.reshape(acting.size, -1),
                                   acts_per, rng, p.choice_temperature)        # flat = k * H + c
        if flat.size:
            ki, col = np.divmod(flat, h)
            partner = col if cand is None else cand[rows_, col]
            actor = acting[rows_]
            basis = tab["basis"][ki]
            mag = np.where(basis == 1, p.gift_share * world.gdp[actor],
                           np.where(basis == 2, p.course_trainees, 1.0))
            out_k.append(tab["positions"][ki])
            out_j.append(actor)
            out_i.append(partner)
            out_m.append(mag)

    donors, recips, amounts = _crisis_aid(world, own, sub, deciders, policies, needy, need)
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


def _to_partners(x: np.ndarray, acting: np.ndarray, cand: np.ndarray | None) -> np.ndarray:
    """``x[acting[a], cand[a, c]]`` (A x H); with ``cand`` None (everyone) the rows ``x[acting]``."""
    return x[acting] if cand is None else x[acting[:, None], cand]


def _horizon(world: World, acting: np.ndarray, horizon: int) -> np.ndarray | None:
    """The partners each acting state weighs this step: its ``horizon`` most relevant
    ones (trust + proximity + interoperability + recent contact; among equally
    relevant ones the lowest indices), in index order; None (all others) if N <= horizon.

    With N <= horizon every state is a candidate (itself is masked later), so
    results do not depend on the horizon for scenarios of that size.
    """
    n = world.n
    if n <= horizon:
        return None
    rel = (world.trust[acting] + world.proximity[acting]
           + (1.0 - np.exp(-world.interop[acting])) + (1.0 - np.exp(-world.recent[acting])))
    rel[np.arange(acting.size), acting] = -np.inf
    # the `horizon` largest of each row; ties at the cut go to the lowest indices
    cut = np.partition(rel, n - horizon, axis=1)[:, n - horizon, None]
    above = rel > cut
    tied = rel == cut
    room = horizon - above.sum(axis=1, keepdims=True)
    take = above | (tied & (np.cumsum(tied, axis=1) <= room))
    flat = np.flatnonzero(take).reshape(acting.size, horizon)     # row-major: index order
    return flat - (np.arange(acting.size) * n)[:, None]


def _sample_rows(utility: np.ndarray, valid: np.ndarray, counts: np.ndarray,
                 rng: np.random.Generator, temperature: float = 1.0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``counts[a]`` distinct valid columns of each row with probabilities
    ``softmax(utility / temperature)`` over the row's valid columns.

    Works on the valid entries only, laid end to end (exponentials of the
    invalid ones would be zeros, and a slow path of ``exp``): one uniform draw
    per row and an inverse-CDF look-up in the running sum; rows taking more
    than one action draw the rest one at a time without replacement. Rows with
    no valid entry take nothing. Returns (rows, columns) of the picks.
    """
    n_rows, width = utility.shape
    idx = np.flatnonzero(valid)                              # row-major: rows in order
    if idx.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    u = rng.random(n_rows)                                   # one draw per row, live or not
    per_row = np.count_nonzero(valid, axis=1)
    rows = np.flatnonzero(per_row)
    starts = np.cumsum(per_row)[rows] - per_row[rows]        # each live row's first entry
    ends = starts + per_row[rows]
    vals = utility.ravel()[idx] / temperature
    top = np.maximum.reduceat(vals, starts)
    weights = np.exp(vals - np.repeat(top, per_row[rows]))
    cum = np.cumsum(weights)
    before = np.where(starts > 0, cum[starts - 1], 0.0)      # running sum before each row
    target = before + u[rows] * (cum[ends - 1] - before)
    pick = np.minimum(np.searchsorted(cum, target, side="right"), ends - 1)
    cols = idx[pick] - rows * width
    extra_rows, extra_cols = [], []
    for r in np.flatnonzero(counts[rows] > 1):
        w = weights[starts[r]:ends[r]].copy()
        w[pick[r] - starts[r]] = 0.0
        for _ in range(int(counts[rows[r]]) - 1):
            c = np.cumsum(w)
            if c[-1] <= 0.0:
                break
            at = min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), w.size - 1)
            extra_rows.append(int(rows[r]))
            extra_cols.append(int(idx[starts[r] + at] - rows[r] * width))
            w[at] = 0.0
    if extra_rows:
        rows = np.concatenate([rows, extra_rows])
        cols = np.concatenate([cols, extra_cols])
    return rows.astype(np.intp), cols.astype(np.intp)


def _crisis_aid(world: World, own: np.ndarray, sub: np.ndarray, deciders: np.ndarray,
                policies: np.ndarray,
                needy: np.ndarray, need: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly military aid from every endogenous decider to every partner in need."""
    p = world.params
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0))
    givers = deciders[policies != POLICIES.index("scripted")]
    if needy.size == 0 or givers.size == 0:
        return empty
    trust = world.trust[:, needy][givers]                    # few columns first: cheaper
    share = share_of_own_threat(shared_from_sources(sub, givers, needy), own[None, needy])
    motive = (np.maximum(0.0, 2.0 * trust - 1.0) ** p.aid_trust_exponent
              * share ** p.aid_threat_exponent)
    amount = p.aid_rate * world.gdp[givers, None] * need[None, needy] * motive
    amount[givers[:, None] == needy[None, :]] = 0.0
    gi, ni = np.nonzero(amount >= AID_MIN_EUR_BN)
    return givers[gi], needy[ni], amount[gi, ni]
