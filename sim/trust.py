"""Trust as evidence with forgetting: the Beta reputation model (Josang & Ismail 2002).

Plain numpy, no Mesa. Row ``i`` is the one who trusts, column ``j`` the one
trusted (DESIGN section 4)::

    T[i, j] = (kappa * prior + r) / (kappa + r + s)      # expected trust, in (0, 1)
    U[i, j] = kappa / (kappa + r + s)                    # uncertainty, in (0, 1]

Each step evidence is forgotten toward the prior; institutions slow the
forgetting and negative evidence is kept longer than positive evidence.
"""

from __future__ import annotations

import numpy as np


def expected_trust(r: np.ndarray, s: np.ndarray, prior: np.ndarray,
                   strength: float | np.ndarray) -> np.ndarray:
    """Expected trust ``(k*prior + r) / (k + r + s)`` with prior strength ``k``; inside (0, 1).

    ``k`` is ``kappa`` plus any settled prior knowledge of the pair (the scenario's
    initial ``confidence``), see :class:`sim.world.World`.
    """
    return trust_from_mass(r, s, strength * prior, strength)


def trust_from_mass(r: np.ndarray, s: np.ndarray, prior_mass: np.ndarray,
                    strength: float | np.ndarray) -> np.ndarray:
    """:func:`expected_trust` with the prior's mass ``k * prior`` given (constant in a run)."""
    total = r + strength
    total += s
    out = r + prior_mass
    out /= total
    return out


def uncertainty(r: np.ndarray, s: np.ndarray, kappa: float,
                strength: float | np.ndarray | None = None) -> np.ndarray:
    """Uncertainty ``kappa / (k + r + s)``: 1 with no knowledge, toward 0 with much.

    ``k`` (default ``kappa``) is the pair's prior strength, so settled prior
    knowledge lowers uncertainty like evidence does.
    """
    return kappa / ((kappa if strength is None else strength) + r + s)


def retention(lam: float, neg_memory: float, inst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair share of positive and negative evidence kept this step.

    ``lam_pos = 1 - (1 - lam) * (1 - inst)`` and
    ``lam_neg = 1 - (1 - lam) * (1 - inst) * neg_memory``: institutions slow the
    forgetting of both, and bad news fades at ``neg_memory`` times the rate of good.
    """
    loss = (1.0 - lam) * (1.0 - inst)
    return 1.0 - loss, 1.0 - loss * neg_memory


def evidence_from_trust(trust: np.ndarray, confidence: np.ndarray, prior: np.ndarray,
                        kappa: float) -> tuple[np.ndarray, np.ndarray]:
    """Initial evidence ``(r, s)`` that gives expected trust ``trust`` from ``confidence`` events.

    Solves ``(kappa*prior + r)/(kappa + c) = trust`` with ``r + s = c``; where the
    target cannot be reached with ``c`` events of evidence (it lies further from the
    prior than ``c`` allows) the nearest reachable value is used.
    """
    total = kappa + confidence
    r = np.clip(trust * total - kappa * prior, 0.0, confidence)
    return r, confidence - r


def add_signed(r: np.ndarray, s: np.ndarray, delta: np.ndarray) -> None:
    """Add a signed evidence matrix in place: positive parts to ``r``, negative to ``s``."""
    part = np.maximum(delta, 0.0)
    r += part
    np.minimum(delta, 0.0, out=part)
    s -= part


def institutional_memory(layers: list[tuple[np.ndarray, float]], step: int) -> np.ndarray:
    """Combine live institution layers into ``inst`` in [0, 1).

    Each layer is ``(expiry, strength)``: the pair's institution is live while
    ``expiry > step``. Independent layers combine as ``1 - prod(1 - strength)``.
    """
    keep = None
    for expiry, strength in layers:
        factor = 1.0 - strength * (expiry > step)
        keep = factor if keep is None else keep * factor
    if keep is None:
        raise ValueError("no institution layers")
    return 1.0 - keep
