"""Perceived and shared threat (DESIGN section 7; Walt 1987, balance of threat).

Plain numpy, no Mesa::

    Theta[i, j] = (1 - T[i, j]) * cap[j] * prox[i, j]
    S[i, j]     = sum_k min(Theta[i, k], Theta[j, k])
"""

from __future__ import annotations

import numpy as np


def perceived_threat(trust: np.ndarray, capability: np.ndarray, proximity: np.ndarray
                     ) -> np.ndarray:
    """``Theta[i, j]``: the threat i feels from j; zero on the diagonal."""
    theta = (1.0 - trust) * capability[None, :] * proximity
    np.fill_diagonal(theta, 0.0)
    return theta


def threat_sources(theta: np.ndarray, floor: float) -> np.ndarray:
    """Indices of states whose threat to someone is at least ``floor`` times the largest."""
    colmax = theta.max(axis=0)
    top = colmax.max()
    if top <= 0.0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(colmax >= floor * top)


def shared_threat(theta: np.ndarray, rows: np.ndarray | None = None, floor: float = 0.0
                  ) -> np.ndarray:
    """``S[i, j] = sum_k min(Theta[i, k], Theta[j, k])`` for the given rows (all if None).

    Only threat sources at or above ``floor`` times the largest threat are summed
    (``Parameters.threat_floor``); the rest change S by less than the floor each.
    The diagonal is zero.
    """
    rows = np.arange(theta.shape[0]) if rows is None else np.asarray(rows, dtype=np.intp)
    src = threat_sources(theta, floor)
    if src.size == 0:
        return np.zeros((rows.size, theta.shape[0]))
    sub = theta[:, src]                                    # (N, K)
    out = np.minimum(sub[rows, None, :], sub[None, :, :]).sum(axis=2)   # (R, N)
    out[np.arange(rows.size), rows] = 0.0
    return out


def threat_share(theta: np.ndarray, shared: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Shared threat of ``rows`` with each j as a share of j's own largest threat, in [0, 1].

    ``share[d, j] = S[d, j] / max_k Theta[j, k]``: how much of the threat j faces
    the state d also feels. Zero where j faces no threat.
    """
    own = theta.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(own[None, :] > 0, shared / own[None, :], 0.0)
    return np.clip(share, 0.0, 1.0)
