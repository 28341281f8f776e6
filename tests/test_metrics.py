"""Network measures against their plain definitions."""

import numpy as np
import pytest

from sim import metrics


@pytest.fixture
def trust():
    rng = np.random.default_rng(3)
    t = rng.random((6, 6))
    np.fill_diagonal(t, 1.0)
    return t


def test_polarisation_is_the_std_of_off_diagonal_trust(trust):
    mask = ~np.eye(6, dtype=bool)
    assert metrics.polarisation(trust) == pytest.approx(trust[mask].std())


def test_density_counts_directed_edges_above_the_threshold(trust):
    mask = ~np.eye(6, dtype=bool)
    assert metrics.density(trust, 0.5) == pytest.approx(((trust > 0.5) & mask).sum() / 30)


def test_group_mean_excludes_self_pairs(trust):
    rows = np.array([0, 1, 2])
    cols = np.array([1, 2, 3])
    pairs = [(i, j) for i in rows for j in cols if i != j]
    assert metrics.group_mean(trust, rows, cols) == pytest.approx(
        np.mean([trust[i, j] for i, j in pairs]))
    assert np.isnan(metrics.group_mean(trust, np.array([4]), np.array([4])))


def test_row_and_column_means_exclude_the_diagonal(trust):
    mask = ~np.eye(6, dtype=bool)
    assert metrics.row_means(trust)[2] == pytest.approx(trust[2][mask[2]].mean())
    assert metrics.col_means(trust)[2] == pytest.approx(trust[:, 2][mask[:, 2]].mean())


def test_off_diagonal_mean_is_the_mean_over_ordered_pairs(trust):
    mask = ~np.eye(6, dtype=bool)
    assert metrics.off_diagonal_mean(trust) == pytest.approx(trust[mask].mean(), rel=1e-14)
    assert metrics.off_diagonal_mean(trust) == pytest.approx(metrics.row_means(trust).mean(), rel=1e-14)


def test_spearman_matches_scipy_with_ties():
    from scipy.stats import spearmanr
    a = [42.1, 17.1, 6.6, 3.7, 3.5, 3.0]
    b = [72.9, 15.4, 7.5, 2.9, 1.3, 6.0]
    assert metrics.spearman(a, b) == pytest.approx(spearmanr(a, b).statistic)
    c = [1, 2, 2, 3, 5, 5]
    assert metrics.spearman(a, c) == pytest.approx(spearmanr(a, c).statistic)
    assert np.isnan(metrics.spearman(a, [1] * 6))


def test_group_means_equal_group_mean_for_every_pair_of_groups(trust):
    groups = [np.array([0, 1, 2]), np.array([2, 3]), np.array([5]), np.array([4, 5, 0])]
    members = np.zeros((len(groups), 6))
    for g, idx in enumerate(groups):
        members[g, idx] = 1.0
    got = metrics.group_means(trust, members)
    for a, ra in enumerate(groups):
        for b, rb in enumerate(groups):
            want = metrics.group_mean(trust, ra, rb)
            if np.isnan(want):
                assert np.isnan(got[a, b])
            else:
                assert got[a, b] == pytest.approx(want, rel=1e-12)
    assert np.isnan(got[2, 2])            # a one-state group has no pair with itself


def test_group_means_with_precomputed_counts_are_the_same_and_warn_nothing(trust):
    members = np.zeros((3, 6))
    members[0, [0, 1, 2]] = members[1, [3, 4]] = members[2, [5]] = 1.0
    counts = metrics.group_pair_counts(members)
    assert counts[0, 0] == 6 and counts[0, 1] == 6 and counts[1, 2] == 2
    assert np.isnan(counts[2, 2])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # no divide-by-zero warning for NaN counts
        got = metrics.group_means(trust, members, counts)
    np.testing.assert_array_equal(got, metrics.group_means(trust, members))
