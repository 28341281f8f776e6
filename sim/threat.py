"""Perceived and shared threat (DESIGN section 7; Walt 1987, balance of threat).

Plain numpy, no Mesa::

    intent[i, j] = max(0, (neutral - T[i, j]) / neutral)
    Theta[i, j]  = intent[i, j] * cap[j] * prox[i, j]
    S[i, j]      = sum_k min(Theta[i, k], Theta[j, k])

DESIGN writes the intent term as ``1 - T``. Walt's threat needs offensive
intentions, and with ``1 - T`` a trusted ally (T = 0.75) would still be a
quarter hostile, so allies would "share threat" from each other's patrons.
Here trust at or above ``neutral`` (``Parameters.threat_neutral_trust``,
default 0.5) means no hostile intent; below it intent rises linearly to 1 at
T = 0 (docs/model.md, differences from DESIGN).
"""

from __future__ import annotations

import numpy as np


def perceived_threat(trust: np.ndarray, capability: np.ndarray, proximity: np.ndarray,
                     neutral: float = 0.5) -> np.ndarray:
    """``Theta[i, j]``: the threat i feels from j; zero on the diagonal and for trusted states."""
    theta = np.subtract(neutral, trust)          # in place from here: no N x N temporaries
    theta /= neutral
    np.maximum(theta, 0.0, out=theta)
    np.minimum(theta, 1.0, out=theta)           # intent, in [0, 1]
    theta *= capability[None, :]
    theta *= proximity
    np.fill_diagonal(theta, 0.0)
    return theta


def threat_sources(theta: np.ndarray, floor: float, most: int | None = None) -> np.ndarray:
    """States whose threat to someone is at least ``floor`` times the largest threat,
    keeping only the ``most`` largest (all if None), in index order."""
    colmax = theta.max(axis=0)
    top = colmax.max()
    if top <= 0.0:
        return np.zeros(0, dtype=np.intp)
    src = np.flatnonzero(colmax >= floor * top)
    if most is not None and src.size > most:
        # the `most` largest, ties broken by index so the choice is deterministic
        order = np.lexsort((src, -colmax[src]))[:most]
        src = np.sort(src[order])
    return src


def shared_threat(theta: np.ndarray, rows: np.ndarray | None = None,
                  cols: np.ndarray | None = None, floor: float = 0.0,
                  most: int | None = None) -> np.ndarray:
    """``S[i, j] = sum_k min(Theta[i, k], Theta[j, k])`` for the given rows and columns.

    ``rows`` and ``cols`` default to all states. Only threat sources at or above
    ``floor`` times the largest threat are summed (``Parameters.threat_floor``), at
    most the ``most`` largest of them (``Parameters.threat_sources_max``).
    ``S[i, i]`` is zero.
    """
    return shared_from_sources(theta[:, threat_sources(theta, floor, most)], rows, cols)


def shared_from_sources(sub: np.ndarray, rows: np.ndarray | None = None,
                        cols: np.ndarray | None = None) -> np.ndarray:
    """Shared threat from ``sub = Theta[:, sources]`` (N x K), for rows and columns."""
    rows = np.arange(sub.shape[0]) if rows is None else np.asarray(rows, dtype=np.intp)
    return shared_with_partners(sub, rows, None if cols is None
                                else np.asarray(cols, dtype=np.intp))


def shared_with_partners(sub: np.ndarray, rows: np.ndarray, partners: np.ndarray | None
                         ) -> np.ndarray:
    """Shared threat ``S[rows[a], partners[a, c]]`` from ``sub = Theta[:, sources]`` (N x K).

    ``partners``: each row's own partners (an A x H table instead of A x N), the
    same partners for every row (a vector of H), or every state (None, giving an
    A x N table). Summed over the sources in order (K <= threat_sources_max);
    zero where a partner is the row itself.
    """
    rows = np.asarray(rows, dtype=np.intp)
    n, k = sub.shape
    cols = np.arange(n) if partners is None else partners
    shape = (rows.size, cols.size) if cols.ndim == 1 else cols.shape
    if k == 0 or 0 in shape:
        return np.zeros(shape)
    a = sub[rows].T[:, :, None]                              # (K, A, 1)
    if cols.ndim == 1:                                       # the same partners for all rows
        b = (sub.T if partners is None else sub[cols].T)[:, None, :]
        cols = cols[None, :]
    else:
        b = sub.T[:, cols]                                   # (K, A, H)
    out = np.minimum(a, b).sum(axis=0)                       # summed over sources in order
    out[cols == rows[:, None]] = 0.0
    return out


def share_of_own_threat(shared: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Shared threat with a partner j as a share of j's own largest threat, in [0, 1].

    ``share = S[d, j] / max_k Theta[j, k]``: how much of the threat j faces the
    state d also feels. ``own`` is each partner's largest threat, broadcast
    against ``shared``; the share is zero where j faces no threat.
    """
    share = np.zeros(np.broadcast_shapes(np.shape(shared), np.shape(own)))
    np.divide(shared, own, out=share, where=own > 0)
    np.maximum(share, 0.0, out=share)
    return np.minimum(share, 1.0, out=share)
