"""Property tests: any random sequence of valid events keeps T and U finite, inside (0, 1)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.catalogue import CATALOGUE
from sim.world import Action
from helpers import make_world

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
        off = ~np.eye(N, dtype=bool)
        T, U = w.trust[off], w.uncertainty[off]
        assert np.all(np.isfinite(T)) and np.all(np.isfinite(U))
        assert np.all((T > 0) & (T < 1)), T
        assert np.all((U > 0) & (U <= 1)), U
        assert np.all(w.r >= 0) and np.all(w.s >= 0)
