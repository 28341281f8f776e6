"""Property tests: any random sequence of valid events keeps T and U finite, inside (0, 1)."""

import numpy as np
from helpers import make_world
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.catalogue import CATALOGUE
from sim.trust import expected_trust
from sim.world import Action

N = 5
KINDS = list(CATALOGUE)


@st.composite
def actions(draw):
    kind = draw(st.sampled_from(KINDS))
    k = CATALOGUE[kind]
    mag = draw(st.floats(min_value=0.0, max_value=1e4, allow_nan=False))
    vis = draw(st.one_of(st.none(), st.floats(0.0, 1.0)))
    if k.is_joint:
        parts = draw(st.lists(st.integers(0, N - 1), min_size=2, max_size=N, unique=True))
        target = draw(st.one_of(st.none(), st.integers(0, N - 1).filter(lambda t: t not in parts)))
        return Action(kind, participants=tuple(parts), magnitude=mag, visibility=vis,
                      target=target if k.target_threat else None)
    actor = draw(st.integers(0, N - 1))
    recips = draw(st.lists(st.integers(0, N - 1).filter(lambda r: r != actor), min_size=1,
                           max_size=3, unique=True))
    return Action(kind, actor=actor, recipients=tuple(recips), magnitude=mag, visibility=vis)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(actions(), max_size=4), min_size=1, max_size=12),
       st.floats(0.05, 0.95), st.floats(0.0, 50.0))
def test_trust_and_uncertainty_stay_finite_and_inside(steps, trust0, conf0):
    w = make_world(n=N, trust=trust0, confidence=conf0,
                   gdp=[1.0, 10.0, 100.0, 1000.0, 20000.0])
    for t, batch in enumerate(steps, start=1):
        w.begin_step(t)
        for a in batch:
            w.apply(a)
            # a single action refreshes only its columns of the cached trust: it must
            # equal trust recomputed from all the evidence, bit for bit
            fresh = expected_trust(w.r, w.s, w.prior, w.strength)
            np.fill_diagonal(fresh, 1.0)
            assert np.array_equal(w.trust, fresh)
        off = ~np.eye(N, dtype=bool)
        T, U = w.trust[off], w.uncertainty[off]
        assert np.all(np.isfinite(T)) and np.all(np.isfinite(U))
        assert np.all((T > 0) & (T < 1)), T
        assert np.all((U > 0) & (U <= 1)), U
        assert np.all(w.r >= 0) and np.all(w.s >= 0)


INSTITUTION_KINDS = [k for k in KINDS if CATALOGUE[k].institution or CATALOGUE[k].ends_institution]
BATCHABLE_INSTITUTION_KINDS = [k for k in INSTITUTION_KINDS if CATALOGUE[k].endogenous]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20),  # step gap, so institutions lapse in between
                          st.lists(st.tuples(st.sampled_from(INSTITUTION_KINDS),
                                             st.integers(0, N - 1), st.integers(0, N - 1)),
                                   max_size=3),
                          st.lists(st.tuples(st.sampled_from(BATCHABLE_INSTITUTION_KINDS),
                                             st.integers(0, N - 1), st.integers(0, N - 1)),
                                   max_size=3)),
                min_size=1, max_size=10))
def test_institutional_memory_kept_pair_by_pair_equals_a_full_recount(steps):
    """The world updates ``inst`` and the retention rates only for pairs whose
    institutions opened, ended or lapsed; the result must equal recounting every layer."""
    from sim.trust import retention

    w = make_world(n=N)
    kt = w.kind_table()
    t = 0
    for gap, single, batch in steps:
        t += gap
        w.begin_step(t)
        assert np.array_equal(w.inst, w.institutions_live(t))
        keep_pos, keep_neg = retention(w.params.lam, w.params.neg_memory, w.institutions_live(t))
        assert np.array_equal(w._keep[0], keep_pos) and np.array_equal(w._keep[1], keep_neg)
        for kind, a, b in single:
            if a != b:
                w.apply(Action(kind, participants=(a, b)) if CATALOGUE[kind].is_joint
                        else Action(kind, actor=a, recipients=(b,)))
        pairs = [(kind, a, b) for kind, a, b in batch if a != b]
        if pairs:
            w.apply_batch(np.array([w.kind_index(k) for k, _, _ in pairs]),
                          np.array([a for _, a, _ in pairs]), np.array([b for _, _, b in pairs]),
                          np.ones(len(pairs)))
        assert kt is w.kind_table()
    w.begin_step(t + 1000)                     # everything with a lapse has lapsed
    assert np.array_equal(w.inst, w.institutions_live(t + 1000))
