"""The choice model's sampler: softmax over valid options, distinct picks per row."""

import numpy as np

from sim.policies import _sample_rows


def test_picks_follow_the_softmax_of_the_valid_options_only():
    logits = np.array([[0.0, np.log(3.0), 5.0, np.log(6.0)],
                       [1.0, 2.0, 3.0, 4.0],
                       [9.0, 9.0, 9.0, 9.0]])
    valid = np.array([[True, True, False, True],    # p = 1/10, 3/10, 0, 6/10
                      [False, False, False, False],  # nothing to choose
                      [False, False, True, False]])  # only column 2
    rng = np.random.default_rng(0)
    counts = np.ones(3, dtype=int)
    picks = {0: [], 2: []}
    for _ in range(20000):
        rows, cols = _sample_rows(logits, valid, counts, rng)
        assert list(rows) == [0, 2]
        for r, c in zip(rows, cols):
            picks[int(r)].append(int(c))
    freq = np.bincount(picks[0], minlength=4) / len(picks[0])
    assert freq[2] == 0.0
    assert np.allclose(freq, [0.1, 0.3, 0.0, 0.6], atol=0.015)
    assert set(picks[2]) == {2}


def test_several_picks_in_a_row_are_distinct_and_stop_when_options_run_out():
    logits = np.zeros((2, 5))
    valid = np.array([[True, True, True, False, False],
                      [True, True, True, True, True]])
    rows, cols = _sample_rows(logits, valid, np.array([5, 3]), np.random.default_rng(1))
    got = {r: sorted(cols[rows == r]) for r in (0, 1)}
    assert got[0] == [0, 1, 2]                    # asked for 5, only 3 valid
    assert len(got[1]) == 3 and len(set(got[1])) == 3


def test_same_generator_state_same_picks():
    rng_logits = np.random.default_rng(5)
    logits = rng_logits.normal(size=(30, 50))
    valid = rng_logits.random((30, 50)) < 0.3
    counts = rng_logits.integers(0, 3, 30)
    a = _sample_rows(logits, valid, counts, np.random.default_rng(9))
    b = _sample_rows(logits, valid, counts, np.random.default_rng(9))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_attention_horizon_keeps_the_most_relevant_partners_ties_to_lower_indices():
    import sys
    sys.path.insert(0, "tests")
    from helpers import make_world

    from sim.policies import _horizon

    n, horizon = 30, 8
    w = make_world(n=n)
    rng = np.random.default_rng(4)
    w.proximity = np.round(rng.random((n, n)), 1)          # coarse values: many ties
    w.interop[:, :5] = 1.0
    acting = np.array([0, 3, 17, 29])
    got = _horizon(w, acting, horizon)
    rel = (w.trust + w.proximity + (1 - np.exp(-w.interop)) + (1 - np.exp(-w.recent)))[acting]
    rel[np.arange(acting.size), acting] = -np.inf
    for a, row in enumerate(rel):
        order = np.argsort(-row, kind="stable")             # ties: lower index first
        assert list(got[a]) == sorted(order[:horizon])
        assert acting[a] not in got[a]
    assert _horizon(w, acting, n) is None                   # everyone when N <= horizon
