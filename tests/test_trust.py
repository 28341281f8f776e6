"""Hand-computed values for the trust math (DESIGN section 4)."""

import numpy as np
import pytest
from helpers import make_world

from sim.trust import evidence_from_trust, expected_trust, institutional_memory, retention, uncertainty


def test_expected_trust_and_uncertainty_by_hand():
    # kappa 2, prior 0.5, r 3, s 1: T = (1 + 3) / (2 + 4) = 2/3; U = 2 / 6 = 1/3
    r, s, prior = np.array([3.0]), np.array([1.0]), np.array([0.5])
    assert expected_trust(r, s, prior, 2.0)[0] == pytest.approx(2 / 3)
    assert uncertainty(r, s, 2.0)[0] == pytest.approx(1 / 3)


def test_no_evidence_gives_the_prior_and_full_uncertainty():
    z = np.zeros(1)
    assert expected_trust(z, z, np.array([0.3]), 2.0)[0] == pytest.approx(0.3)
    assert uncertainty(z, z, 2.0)[0] == 1.0


def test_retention_by_hand():
    # lam 0.97, inst 0.5, neg_memory 0.4: loss = 0.03 * 0.5 = 0.015
    keep_pos, keep_neg = retention(0.97, 0.4, np.array([0.5]))
    assert keep_pos[0] == pytest.approx(0.985)
    assert keep_neg[0] == pytest.approx(1 - 0.015 * 0.4)


def test_evidence_from_trust_reproduces_the_target():
    r, s = evidence_from_trust(np.array([0.8]), np.array([6.0]), np.array([0.8]), 2.0)
    assert r[0] + s[0] == pytest.approx(6.0)
    assert expected_trust(r, s, np.array([0.8]), 2.0)[0] == pytest.approx(0.8)


def test_institutional_memory_combines_layers():
    live = np.array([[5]])
    dead = np.array([[1]])
    # two live layers 0.5 and 0.3: 1 - 0.5 * 0.7 = 0.65; a lapsed layer adds nothing
    inst = institutional_memory([(live, 0.5), (live, 0.3), (dead, 0.9)], step=2)
    assert inst[0, 0] == pytest.approx(0.65)


def test_one_visit_moves_trust_by_the_hand_computed_amount():
    from sim.world import Action
    w = make_world(n=3, trust=0.5, confidence=2.0)
    # start: prior 0.5 with strength kappa + confidence = 4, no evidence -> T = 0.5
    assert w.trust[0, 1] == pytest.approx(0.5)
    w.begin_step(1)
    w.apply(Action("high_level_visit", actor=1, recipients=(0,)))   # forward 0.3
    assert w.trust[0, 1] == pytest.approx((4 * 0.5 + 0.3) / (4 + 0.3))
    # the visitor's view of the host moves by the back weight 0.2
    assert w.trust[1, 0] == pytest.approx((2 + 0.2) / (4 + 0.2))
    # a month later the visit's evidence has faded by lam = 0.97
    w.begin_step(2)
    assert w.trust[0, 1] == pytest.approx((2 + 0.3 * 0.97) / (4 + 0.3 * 0.97))


def test_a_relationship_without_events_stays_where_it_was_put():
    w = make_world(n=2, trust=0.7, confidence=10.0)
    for t in range(1, 97):
        w.begin_step(t)
    assert w.trust[0, 1] == pytest.approx(0.7)
    assert w.uncertainty[0, 1] == pytest.approx(2 / 12)


def test_an_explicit_prior_different_from_trust_fades_toward_the_prior():
    from sim.catalogue import CATALOGUE
    from sim.parameters import Parameters
    from sim.world import World
    n = 2
    w = World(Parameters(), dict(CATALOGUE), np.ones(n), np.ones(n), np.ones((n, n)),
              np.full((n, n), 0.8), np.full((n, n), 6.0), np.full((n, n), 0.5))
    assert w.trust[0, 1] == pytest.approx(0.8)
    for t in range(1, 200):
        w.begin_step(t)
    assert abs(w.trust[0, 1] - 0.5) < 0.05      # near the prior, far from the start


def test_costly_signal_weight_by_hand():
    w = make_world(n=2, gdp=[1000.0, 10.0])
    kind = w.catalogue["military_aid"]
    # EUR 1 bn from GDP 1000: log1p(1 / (0.001 * 1000)) = log(2)
    assert w.weight(kind, 0, 1.0) == pytest.approx(np.log(2))
    assert w.weight(kind, 1, 1.0) == pytest.approx(np.log1p(100))


def test_threat_needs_hostile_intent():
    from sim.threat import perceived_threat, shared_threat
    trust = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.25], [0.1, 0.25, 1.0]])
    cap, prox = np.array([1.0, 0.2, 0.6]), np.ones((3, 3))
    theta = perceived_threat(trust, cap, prox, neutral=0.5)
    assert theta[0, 1] == 0.0 and theta[1, 0] == 0.0          # allies are no threat
    assert theta[0, 2] == pytest.approx((0.5 - 0.1) / 0.5 * 0.6)
    assert theta[1, 2] == pytest.approx((0.5 - 0.25) / 0.5 * 0.6)
    # both allies fear state 2: they share the smaller of their two threats
    assert shared_threat(theta)[0, 1] == pytest.approx(theta[1, 2])


def test_shared_threat_is_the_same_for_every_form_of_partner_table():
    from sim.threat import shared_with_partners
    rng = np.random.default_rng(5)
    n = 7
    sub = rng.random((n, 3)) * (rng.random((n, 3)) < 0.7)        # Theta[:, sources]
    by_hand = np.array([[0.0 if i == j else np.minimum(sub[i], sub[j]).sum()
                         for j in range(n)] for i in range(n)])
    rows = np.array([4, 0, 6])
    table = np.array([[0, 4, 5], [1, 2, 0], [6, 3, 1]])           # own partners per row
    same = np.array([2, 4, 6])                                    # one partner list for all
    np.testing.assert_allclose(shared_with_partners(sub, rows, None), by_hand[rows])
    np.testing.assert_allclose(shared_with_partners(sub, rows, same), by_hand[rows][:, same])
    np.testing.assert_allclose(shared_with_partners(sub, rows, table),
                               by_hand[rows[:, None], table])
    assert shared_with_partners(sub[:, :0], rows, None).shape == (3, n)   # no sources: zeros
