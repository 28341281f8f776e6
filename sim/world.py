"""The dyadic world: every N x N array of the model and the rules that change them.

Plain numpy, no Mesa, no files. The Mesa model (:mod:`sim.model`) owns one
``World`` and calls :meth:`World.begin_step`, :meth:`World.apply` (one action,
for scenario events and instructor actions) and :meth:`World.apply_batch`
(many endogenous actions of one kind at once, vectorised).

How one action becomes evidence (DESIGN section 5):

* weight ``w``: ``magnitude`` for count kinds; ``log1p(EUR / (cost_scale_gdp * GDP_actor))``
  for costly kinds (costly signalling, Kydd 2005);
* direction: recipient's view of the actor gets ``w * forward``, the actor's view of
  the recipient ``w * back``; joint kinds give ``w * forward`` to every ordered pair;
* observers (Heider balance): a third state o learns about the actor
  ``visibility * observer_weight * w * (observer * (2 T[o, i] - 1) - norm)``;
* covert kinds feed a ledger instead, released by a ``disclosure``;
* a target and its friends get negative evidence ``w * target_threat``;
* gates (``theta_intel``): a scripted action that fails its gate is applied and
  reported as a warning; an endogenous one is never chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.catalogue import ActionKind
from sim.parameters import Parameters
from sim.trust import (
    add_signed,
    evidence_from_trust,
    institutional_memory,
    retention,
    trust_from_mass,
    uncertainty,
)

OPEN_ENDED = np.iinfo(np.int64).max // 2
"""Expiry step of an institution with no end date."""


@dataclass
class Action:
    """One action to apply: who did what to whom, how much, and where it came from."""

    kind: str
    actor: int | None = None
    recipients: tuple[int, ...] = ()
    participants: tuple[int, ...] = ()
    target: int | None = None
    magnitude: float = 1.0
    visibility: float | None = None
    duration_steps: int | None = None
    origin: str = "scenario"
    meta: dict = field(default_factory=dict)


@dataclass
class Applied:
    """What applying an action did: its evidence weight and any warnings."""

    weight: float
    warnings: list[str]


def _pairs_of(parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of every ordered pair (i, j) of ``parts`` (as ``np.ix_``, without its checks)."""
    return parts[:, None], parts[None, :]


def _present(positions: np.ndarray) -> np.ndarray:
    """The distinct values of small non-negative ints, ascending (``np.unique``, cheaper)."""
    return np.flatnonzero(np.bincount(positions)) if positions.size else positions


class World:
    """All dyadic state of the model (DESIGN section 2) and its update rules."""

    def __init__(self, params: Parameters, catalogue: dict[str, ActionKind],
                 gdp: np.ndarray, capability: np.ndarray, proximity: np.ndarray,
                 trust0: np.ndarray, confidence0: np.ndarray, prior: np.ndarray,
                 codes: list[str] | None = None, months_per_step: float = 1.0):
        n = gdp.size
        self.n = n
        self.months_per_step = months_per_step
        self.params = params
        self.catalogue = catalogue
        self.codes = codes or [str(i) for i in range(n)]
        self.gdp = np.asarray(gdp, dtype=float)
        self.capability = np.asarray(capability, dtype=float)
        self.proximity = np.asarray(proximity, dtype=float)
        self.prior = np.asarray(prior, dtype=float).copy()
        # Initial confidence is settled knowledge: it stiffens the prior (strength
        # kappa + confidence) instead of being evidence that decays, so a relationship
        # with no events stays where the scenario put it. Where a scenario gives a prior
        # different from the initial trust, the gap is initial evidence that fades.
        trust0 = np.asarray(trust0, dtype=float)
        confidence0 = np.asarray(confidence0, dtype=float)
        explicit = ~np.isclose(self.prior, trust0)
        self.strength = params.kappa + np.where(explicit, 0.0, confidence0)
        r, s = evidence_from_trust(trust0, confidence0, self.prior, params.kappa)
        self.r = np.where(explicit, r, 0.0)
        self.s = np.where(explicit, s, 0.0)
        for a in (self.r, self.s, self.prior):
            np.fill_diagonal(a, 0.0)
        np.fill_diagonal(self.prior, 1.0)   # self-trust is not modelled; 1 keeps it out of means
        self.layers: dict[str, np.ndarray] = {
            k.name: np.full((n, n), -1, dtype=np.int64)
            for k in catalogue.values() if k.institution}
        self._inst: np.ndarray | None = None
        self._inst_dirty: list[np.ndarray] = []                # flat pairs to recompute
        self._inst_expiring: dict[int, list[np.ndarray]] = {}  # step -> flat pairs lapsing then
        self._keep: tuple[np.ndarray, np.ndarray] | None = None
        self.interop = np.zeros((n, n))
        self.recent = np.zeros((n, n))       # positive evidence i received from j lately
        self.need = np.zeros(n)              # how much j needs support after attacks
        self.covert = np.zeros((n, n))       # undisclosed covert weight [actor, recipient]
        self.aid = np.zeros((n, n))          # cumulative military aid, EUR bn [donor, recipient]
        self.step = 0
        self.cache: dict = {}                # derived tables that never change in a run
        self._trust: np.ndarray | None = None

    # --- reading -------------------------------------------------------------------------
    @property
    def trust(self) -> np.ndarray:
        """Expected trust T (N x N), cached. Do not modify it, and copy it to keep it:
        a single action updates the cached array in place (its changed columns)."""
        if self._trust is None:
            self._trust = trust_from_mass(self.r, self.s, self._prior_mass, self.strength)
            np.fill_diagonal(self._trust, 1.0)
        return self._trust

    @property
    def _prior_mass(self) -> np.ndarray:
        """``strength * prior``, the numerator's constant part of expected trust (cached)."""
        if "prior_mass" not in self.cache:
            self.cache["prior_mass"] = self.strength * self.prior
        return self.cache["prior_mass"]

    @property
    def inst(self) -> np.ndarray:
        """Institutional memory of each pair from its live institutions, in [0, 1).

        Kept up to date pair by pair: only pairs whose institutions opened, ended
        or lapsed since the last read are recomputed (with the retention rates
        that follow from them), not the whole N x N table.
        """
        due = [e for e in self._inst_expiring if e <= self.step]
        for e in due:
            self._inst_dirty.extend(self._inst_expiring.pop(e))
        if self._inst is None:
            self._inst = self.institutions_live(self.step)
            self._keep = None
            self._inst_dirty.clear()
        elif self._inst_dirty:
            flat = np.unique(np.concatenate(self._inst_dirty))
            self._inst_dirty.clear()
            rows, cols = np.divmod(flat, self.n)
            live = institutional_memory(
                [(exp[rows, cols], self.catalogue[name].inst_strength)
                 for name, exp in self.layers.items()], self.step)
            self._inst.ravel()[flat] = live
            if self._keep is not None:
                keep_pos, keep_neg = retention(self.params.lam, self.params.neg_memory, live)
                self._keep[0].ravel()[flat] = keep_pos
                self._keep[1].ravel()[flat] = keep_neg
        return self._inst

    def _layers_changed(self, rows: np.ndarray, cols: np.ndarray,
                        expiry: int | None = None) -> None:
        """Note pairs whose institution layers changed now (and when they lapse)."""
        flat = (np.asarray(rows, dtype=np.intp) * self.n
                + np.asarray(cols, dtype=np.intp)).ravel()
        self._inst_dirty.append(flat)
        if expiry is not None and expiry < OPEN_ENDED:
            self._inst_expiring.setdefault(int(expiry), []).append(flat)

    @property
    def uncertainty(self) -> np.ndarray:
        """Uncertainty U (N x N); the diagonal is 0 (a state knows itself)."""
        u = uncertainty(self.r, self.s, self.params.kappa, self.strength)
        np.fill_diagonal(u, 0.0)
        return u

    def _changed(self) -> None:
        self._trust = None

    def _commit(self, delta: np.ndarray, cols: np.ndarray | None = None) -> None:
        """Add a signed evidence matrix (self-evidence is not kept).

        ``cols``: the only columns where ``delta`` may be non-zero; then only they
        are updated, and cached trust is refreshed in those columns instead of
        being recomputed in full (same values either way).
        """
        np.fill_diagonal(delta, 0.0)
        if cols is None or self._trust is None:
            add_signed(self.r, self.s, delta)
            self._changed()
            return
        r, s = self.r[:, cols], self.s[:, cols]
        add_signed(r, s, delta[:, cols])
        self.r[:, cols], self.s[:, cols] = r, s
        t = trust_from_mass(r, s, self._prior_mass[:, cols], self.strength[:, cols])
        t[cols, np.arange(cols.size)] = 1.0
        self._trust[:, cols] = t

    # --- time ----------------------------------------------------------------------------
    def begin_step(self, step: int) -> None:
        """Start step ``step``: refresh institutions, then forget evidence toward the prior."""
        p = self.params
        self.step = step
        inst = self.inst                 # recomputed only when an institution opened or lapsed
        if self._keep is None:
            self._keep = retention(p.lam, p.neg_memory, inst)
        keep_pos, keep_neg = self._keep
        self.r *= keep_pos
        self.s *= keep_neg
        self.interop *= p.interop_decay
        self.recent *= p.recip_memory
        self.need *= p.need_memory
        self._changed()

    def institutions_live(self, step: int) -> np.ndarray:
        """``inst`` at ``step`` from the live institution layers (zeros if none are live)."""
        if not self.layers:
            return np.zeros((self.n, self.n))
        return institutional_memory(
            [(exp, self.catalogue[name].inst_strength) for name, exp in self.layers.items()],
            step)

    # --- one action ----------------------------------------------------------------------
    def weight(self, kind: ActionKind, actor: int | None, magnitude: float) -> float:
        """Evidence weight of an action: the magnitude, or the costly-signal log weight."""
        if kind.cost_basis == "count" or actor is None:
            return float(magnitude)
        eur_bn = magnitude
        if kind.cost_basis == "personnel":
            eur_bn = magnitude * self.params.training_cost_eur_per_trainee / 1e9
        return float(np.log1p(eur_bn / (self.params.cost_scale_gdp * self.gdp[actor])))

    def gate_ok(self, kind: ActionKind, actor: int, recipient: int) -> bool:
        """True if the actor's trust in the recipient passes the kind's gate (or no gate)."""
        if kind.gate is None:
            return True
        return bool(self.trust[actor, recipient] >= getattr(self.params, kind.gate))

    def apply(self, action: Action) -> Applied:
        """Apply one action (scenario event or instructor action) and return what it did."""
        kind = self.catalogue[action.kind]
        vis = kind.visibility if action.visibility is None else float(action.visibility)
        warnings: list[str] = []
        if kind.is_joint:
            parts = np.array(action.participants or (action.actor, *action.recipients),
                             dtype=np.intp)
            w = self.weight(kind, None, action.magnitude)
            delta = self._joint_evidence(kind, parts, w, vis, action.target)
            self._joint_side_effects(kind, parts, w, action.duration_steps)
            touched = set(parts.tolist())
        else:
            j = int(action.actor)
            w = self.weight(kind, j, action.magnitude)
            delta = np.zeros((self.n, self.n))
            for i in action.recipients:
                if kind.gate and not self.gate_ok(kind, j, i):
                    warnings.append(
                        f"gate: {kind.name} by {self.codes[j]} to {self.codes[i]} with trust "
                        f"{self.trust[j, i]:.2f} < {kind.gate} = "
                        f"{getattr(self.params, kind.gate):.2f} (applied as scripted)")
                self._directed_evidence(delta, kind, j, i, w, vis)
                self._directed_side_effects(kind, j, i, w, action.magnitude,
                                            action.duration_steps)
            if kind.name == "disclosure":
                self._disclose(delta, j, action.recipients, vis, kind.observer)
            if action.target is not None and kind.target_threat:
                self._target_evidence(delta, np.array([j]), action.target, w, vis, kind)
            touched = {j, *action.recipients}
        # one action's evidence is about its actor, recipients or participants only:
        # their columns of the evidence (views of them) are all that change
        self._commit(delta, np.array(sorted(touched), dtype=np.intp))
        return Applied(w, warnings)

    def _directed_evidence(self, delta: np.ndarray, kind: ActionKind, j: int, i: int,
                           w: float, vis: float) -> None:
        delta[i, j] += w * kind.forward
        delta[j, i] += w * kind.back
        self.recent[i, j] += max(0.0, w * kind.forward)
        self.recent[j, i] += max(0.0, w * kind.back)
        if kind.observer == 0.0 and kind.norm == 0.0:
            return
        if vis > 0.0 and kind.name != "disclosure":
            ev = vis * self.params.observer_weight * w * (
                kind.observer * (2.0 * self.trust[:, i] - 1.0) - kind.norm)
            ev[[i, j]] = 0.0
            delta[:, j] += ev
        elif vis == 0.0:
            self.covert[j, i] += w * kind.observer

    def _directed_side_effects(self, kind: ActionKind, j: int, i: int, w: float,
                               magnitude: float, duration: int | None) -> None:
        if kind.institution:
            self._open_institution(kind, np.array([j, i]), duration)
        if kind.ends_institution:
            self._end_institution(kind.ends_institution, np.array([j, i]))
        if kind.interop:
            self.interop[j, i] += w * kind.interop
            self.interop[i, j] += w * kind.interop
        if kind.need:
            self.need[i] += w * kind.need
        if kind.name == "military_aid":
            self.aid[j, i] += magnitude

    def _joint_evidence(self, kind: ActionKind, parts: np.ndarray, w: float, vis: float,
                        target: int | None) -> np.ndarray:
        n = self.n
        delta = np.zeros((n, n))
        block = _pairs_of(parts)
        delta[block] += w * kind.forward
        delta[parts, parts] = 0.0
        self.recent[block] += max(0.0, w * kind.forward)
        self.recent[parts, parts] = 0.0
        if vis > 0.0 and parts.size > 1 and (kind.observer or kind.norm):
            a = 2.0 * self.trust[:, parts] - 1.0                        # (N, P)
            others = (a.sum(axis=1, keepdims=True) - a) / (parts.size - 1)
            ev = vis * self.params.observer_weight * w * (kind.observer * others - kind.norm)
            ev[parts, :] = 0.0
            delta[:, parts] += ev
        if target is not None and kind.target_threat:
            self._target_evidence(delta, parts, target, w, vis, kind)
        return delta

    def _joint_side_effects(self, kind: ActionKind, parts: np.ndarray, w: float,
                            duration: int | None) -> None:
        if kind.institution:
            self._open_institution(kind, parts, duration)
        if kind.ends_institution:
            self._end_institution(kind.ends_institution, parts)
        if kind.interop:
            block = _pairs_of(parts)
            self.interop[block] += w * kind.interop
            self.interop[parts, parts] = 0.0

    def _target_evidence(self, delta: np.ndarray, actors: np.ndarray, t: int, w: float,
                         vis: float, kind: ActionKind) -> None:
        """A target reads a threat; so do its friends, in proportion to their friendship."""
        delta[t, actors] -= w * kind.target_threat
        friends = np.maximum(0.0, 2.0 * self.trust[:, t] - 1.0)
        friends[actors] = 0.0
        friends[t] = 0.0
        delta[:, actors] -= (vis * self.params.observer_weight * w * kind.target_threat
                             * friends)[:, None]

    def _disclose(self, delta: np.ndarray, j: int, recipients: tuple[int, ...], vis: float,
                  weight: float) -> None:
        """Release the actor's covert ledger toward ``recipients`` (all if empty) to observers."""
        ledger = self.covert[j].copy()
        if recipients:
            keep = np.zeros(self.n, dtype=bool)
            keep[list(recipients)] = True
            ledger[~keep] = 0.0
        if not ledger.any():
            return
        a = 2.0 * self.trust - 1.0
        ev = vis * self.params.observer_weight * weight * (a @ ledger)
        ev[j] = 0.0
        ev[ledger != 0.0] = 0.0            # the recipients knew already
        delta[:, j] += ev
        self.covert[j, ledger != 0.0] = 0.0

    def _open_institution(self, kind: ActionKind, parts: np.ndarray, duration: int | None
                          ) -> None:
        lapse = duration if duration is not None else self.lapse_steps(kind)
        expiry = OPEN_ENDED if lapse is None else self.step + int(lapse)
        self._extend_layer(kind.name, *_pairs_of(parts), expiry)
        self.layers[kind.name][parts, parts] = -1

    def lapse_steps(self, kind: ActionKind) -> int | None:
        """A kind's lapse (stated in months) in steps of this world's calendar."""
        if kind.lapse_months is None:
            return None
        return max(1, round(kind.lapse_months / self.months_per_step))

    def _end_institution(self, institution: str, parts: np.ndarray) -> None:
        self._close_layers(institution, *_pairs_of(parts))

    def _extend_layer(self, name: str, rows: np.ndarray, cols: np.ndarray, expiry: int) -> None:
        """Keep institution layer ``name`` of the pairs (rows, cols) live until at least ``expiry``."""
        layer = self.layers[name]
        layer[rows, cols] = np.maximum(layer[rows, cols], expiry)
        self._layers_changed(rows, cols, expiry)

    def _close_layers(self, institution: str, rows: np.ndarray, cols: np.ndarray) -> None:
        """End every layer of ``institution`` for the pairs (rows, cols) now."""
        for name, layer in self.layers.items():
            if self.catalogue[name].institution == institution:
                layer[rows, cols] = np.minimum(layer[rows, cols], self.step)
        self._layers_changed(rows, cols)

    # --- many endogenous actions at once -------------------------------------------------
    def kind_table(self) -> dict[str, np.ndarray]:
        """Catalogue weights as arrays over catalogue order (built once per world)."""
        if "kinds" not in self.cache:
            ks = list(self.catalogue.values())
            basis = {"count": 0, "gdp": 1, "personnel": 2}
            self.cache["kinds"] = {
                "names": np.array([k.name for k in ks], dtype=object),
                "forward": np.array([k.forward for k in ks]),
                "back": np.array([k.forward if k.is_joint else k.back for k in ks]),
                "observer": np.array([k.observer for k in ks]),
                "norm": np.array([k.norm for k in ks]),
                "visibility": np.array([k.visibility for k in ks]),
                "interop": np.array([k.interop for k in ks]),
                "joint": np.array([k.is_joint for k in ks]),
                "basis": np.array([basis[k.cost_basis] for k in ks]),
                "aid": np.array([k.name == "military_aid" for k in ks]),
                "institution": np.array([bool(k.institution) for k in ks]),
                "need": np.array([k.need for k in ks]),
                "ends": np.array([bool(k.ends_institution) for k in ks]),
            }
        return self.cache["kinds"]

    def kind_index(self, name: str) -> int:
        """Position of a kind in catalogue order (the index :meth:`apply_batch` takes)."""
        return list(self.catalogue).index(name)

    def apply_batch(self, kinds: np.ndarray, actors: np.ndarray, recipients: np.ndarray,
                    magnitudes: np.ndarray) -> np.ndarray:
        """Apply many actions at once (one step's endogenous decisions); returns their weights.

        ``kinds`` are catalogue positions (:meth:`kind_index`). Directed kinds go
        actor -> recipient; joint kinds are bilateral (actor, recipient) pairs. The
        result equals applying each action to the same starting trust, which is what
        decisions taken in the same month see. Visibility is the catalogue's.
        """
        kt = self.kind_table()
        k = np.asarray(kinds, dtype=np.intp)
        j = np.asarray(actors, dtype=np.intp)
        i = np.asarray(recipients, dtype=np.intp)
        mag = np.asarray(magnitudes, dtype=float)
        if j.size == 0:
            return np.zeros(0)
        p = self.params
        basis = kt["basis"][k]
        eur = np.where(basis == 2, mag * p.training_cost_eur_per_trainee / 1e9, mag)
        w = np.where(basis == 0, mag, np.log1p(eur / (p.cost_scale_gdp * self.gdp[j])))
        fwd, back = w * kt["forward"][k], w * kt["back"][k]
        n = self.n
        np.add.at(self.recent, (i, j), np.maximum(0.0, fwd))
        np.add.at(self.recent, (j, i), np.maximum(0.0, back))
        vis, obs, norm = kt["visibility"][k], kt["observer"][k], kt["norm"][k]
        public = (vis > 0.0) & ((obs != 0.0) | (norm != 0.0))
        if public.any():
            both = public & kt["joint"][k]
            judged = np.concatenate([j[public], i[both]])
            partner = np.concatenate([i[public], j[both]])
            coef = np.concatenate([(vis * p.observer_weight * w)[public],
                                   (vis * p.observer_weight * w)[both]])
            ob = np.concatenate([obs[public], obs[both]])
            nm = np.concatenate([norm[public], norm[both]])
            # observer o learns about `judged` in proportion to its view of `partner`:
            #   coef * (ob * (2 T[o, partner] - 1) - nm)
            #   = T[o, partner] * 2 coef ob  -  coef (ob + nm),
            # summed over the actions of each judged state: one matrix product over the
            # distinct partners, the column shift riding along as a column of ones
            seen = np.zeros(n, dtype=bool)
            seen[partner] = True
            partners = np.flatnonzero(seen)                     # distinct partners, sorted
            which = (np.cumsum(seen) - 1)[partner]              # position of each in them
            views = np.ones((n, partners.size + 1))
            views[:, :-1] = self.trust[:, partners]
            mix = np.empty((partners.size + 1, n))
            mix[:-1] = np.bincount(which * n + judged, weights=2.0 * coef * ob,
                                   minlength=partners.size * n).reshape(partners.size, n)
            mix[-1] = -np.bincount(judged, weights=coef * (ob + nm), minlength=n)
            delta = views @ mix
            # the two parties of an action do not observe it as third parties: take back
            # what the partner was given (T[partner, partner] = 1); the judged state's own
            # share is on the diagonal, which _commit clears
            np.add.at(delta, (partner, judged), -coef * (ob - nm))
        else:
            delta = np.zeros((n, n))
        np.add.at(delta, (i, j), fwd)
        np.add.at(delta, (j, i), back)
        covert = (vis == 0.0) & (obs != 0.0)
        if covert.any():
            np.add.at(self.covert, (j[covert], i[covert]), (w * obs)[covert])
        inst = kt["institution"][k]
        for kind_pos in _present(k[inst]):
            kind = self.catalogue[kt["names"][kind_pos]]
            sel = k == kind_pos
            lapse = self.lapse_steps(kind)
            expiry = OPEN_ENDED if lapse is None else self.step + lapse
            self._extend_layer(kind.name, np.r_[j[sel], i[sel]], np.r_[i[sel], j[sel]], expiry)
        for kind_pos in _present(k[kt["ends"][k]]):
            sel = k == kind_pos
            self._close_layers(self.catalogue[kt["names"][kind_pos]].ends_institution,
                               np.r_[j[sel], i[sel]], np.r_[i[sel], j[sel]])
        need = w * kt["need"][k]
        if need.any():
            np.add.at(self.need, i, need)
        gain = w * kt["interop"][k]
        if gain.any():
            np.add.at(self.interop, (j, i), gain)
            np.add.at(self.interop, (i, j), gain)
        aid = kt["aid"][k]
        if aid.any():
            np.add.at(self.aid, (j[aid], i[aid]), mag[aid])
        self._commit(delta)
        return w
