"""Network-level measures of a trust matrix (DESIGN section 8). Plain numpy."""

from __future__ import annotations

import numpy as np


def row_means(a: np.ndarray) -> np.ndarray:
    """Mean of each row over the other states (diagonal excluded)."""
    n = a.shape[0]
    return (a.sum(axis=1) - np.diagonal(a)) / max(n - 1, 1)


def col_means(a: np.ndarray) -> np.ndarray:
    """Mean of each column over the other states (diagonal excluded)."""
    n = a.shape[0]
    return (a.sum(axis=0) - np.diagonal(a)) / max(n - 1, 1)


def group_mean(a: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> float:
    """Mean of ``a[i, j]`` for i in ``rows``, j in ``cols``, i != j; NaN if no such pair."""
    block = a[np.ix_(rows, cols)]
    same = rows[:, None] == cols[None, :]
    count = block.size - int(same.sum())
    if count == 0:
        return float("nan")
    return float((block.sum() - block[same].sum()) / count)


def group_pair_counts(members: np.ndarray) -> np.ndarray:
    """Number of ordered pairs i != j with i in group g and j in group h (G x G), NaN where
    there are none: the denominators of :func:`group_means`, fixed for a run."""
    members = np.asarray(members, dtype=float)
    sizes = members.sum(axis=1)
    counts = np.outer(sizes, sizes) - members @ members.T
    return np.where(counts > 0, counts, np.nan)


def group_means(a: np.ndarray, members: np.ndarray, counts: np.ndarray | None = None
                ) -> np.ndarray:
    """:func:`group_mean` for every ordered pair of groups at once.

    ``members`` is a (G, N) 0/1 matrix, row g marking group g's states. Entry
    [g, h] is the mean of ``a[i, j]`` over i in g, j in h, i != j (NaN if none):
    block sums as ``M a M^T``, minus the self pairs ``(M * diag a) M^T``, over
    counts (``counts``: :func:`group_pair_counts` of ``members``, if already known).
    """
    members = np.asarray(members, dtype=float)
    if counts is None:
        counts = group_pair_counts(members)
    sums = members @ a @ members.T - (members * np.diagonal(a)) @ members.T
    return sums / counts                     # NaN counts give NaN, with no warning


def off_diagonal_mean(a: np.ndarray) -> float:
    """Mean of ``a[i, j]`` over all ordered pairs i != j (the mean of :func:`row_means`)."""
    n = a.shape[0]
    return float((a.sum() - np.trace(a)) / max(n * (n - 1), 1))


def polarisation(trust: np.ndarray) -> float:
    """Standard deviation of off-diagonal trust: high when relations split into friends and foes."""
    n = trust.shape[0]
    m = max(n * (n - 1), 1)
    diag = np.diagonal(trust)
    mean = (trust.sum() - diag.sum()) / m
    flat = trust.ravel()
    var = (np.dot(flat, flat) - np.dot(diag, diag)) / m - mean * mean
    return float(np.sqrt(max(var, 0.0)))


def density(trust: np.ndarray, threshold: float) -> float:
    """Share of directed pairs whose trust exceeds ``threshold`` (edges of the trust network)."""
    n = trust.shape[0]
    edges = np.count_nonzero(trust > threshold) - np.count_nonzero(np.diagonal(trust) > threshold)
    return float(edges / max(n * (n - 1), 1))


def spearman(a, b) -> float:
    """Spearman rank correlation: Pearson correlation of average ranks (as scipy.stats).

    NaN if either side is constant. Kept here so that importing the model does not
    import scipy.stats (over a second per worker process).
    """
    import pandas as pd
    ra = pd.Series(np.asarray(a, dtype=float)).rank().to_numpy()
    rb = pd.Series(np.asarray(b, dtype=float)).rank().to_numpy()
    if np.ptp(ra) == 0 or np.ptp(rb) == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])
