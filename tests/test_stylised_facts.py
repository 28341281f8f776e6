"""Stylised facts 1-5 of DESIGN section 9, each as a test on a small world."""

import numpy as np
from helpers import make_world

from sim.world import Action


def _run(world, months, action=None):
    for _ in range(months):
        world.begin_step(world.step + 1)
        if action is not None:
            world.apply(action)


def test_1_slow_to_build_quick_to_lose():
    """Same evidence per month: losing a gain takes fewer months than building it."""
    w = make_world(n=2, trust=0.5, confidence=2.0)
    up = Action("joint_exercise", participants=(0, 1))
    months_up = 0
    while w.trust[0, 1] < 0.7:
        _run(w, 1, up)
        months_up += 1
    down = Action("joint_exercise", participants=(0, 1), magnitude=1.0)
    down_kind = dict(w.catalogue)
    from dataclasses import replace
    w.catalogue = {**down_kind, "joint_exercise": replace(down_kind["joint_exercise"],
                                                          forward=-0.5)}
    months_down = 0
    while w.trust[0, 1] > 0.5:
        _run(w, 1, down)
        months_down += 1
    assert months_down < months_up


def test_2_costly_signal_same_aid_counts_more_from_a_smaller_donor():
    w = make_world(n=3, gdp=[100.0, 2000.0, 20000.0])
    w.begin_step(1)
    w.apply(Action("military_aid", actor=1, recipients=(0,), magnitude=1.0))
    w.apply(Action("military_aid", actor=2, recipients=(0,), magnitude=1.0))
    assert w.trust[0, 1] > w.trust[0, 2]


def test_3_institutions_keep_trust_after_engagement_stops():
    def scenario(with_dca):
        w = make_world(n=2, trust=0.5, confidence=2.0)
        if with_dca:
            w.apply(Action("defence_agreement", participants=(0, 1)))
        for _ in range(12):
            _run(w, 1, Action("joint_exercise", participants=(0, 1)))
        peak = w.trust[0, 1]
        _run(w, 36)
        return peak, w.trust[0, 1]
    peak_with, after_with = scenario(True)
    peak_without, after_without = scenario(False)
    assert after_with > after_without
    # and the drop from the peak is smaller with the agreement
    assert peak_with - after_with < peak_without - after_without


def test_3b_attache_post_also_slows_decay():
    def decay(with_post):
        w = make_world(n=2, trust=0.5, confidence=2.0)
        if with_post:
            w.apply(Action("attache_exchange", actor=0, recipients=(1,)))
        _run(w, 6, Action("joint_exercise", participants=(0, 1)))
        _run(w, 24)
        return w.trust[1, 0]
    assert decay(True) > decay(False)


def test_4_covert_intelligence_moves_no_observer_until_disclosed():
    w = make_world(n=3, trust=0.5, confidence=2.0)
    # observer 2 likes the recipient 1
    w.r[2, 1] += 6.0
    w._changed()
    w.begin_step(1)
    before = w.trust[2, 0]
    w.apply(Action("intelligence_sharing", actor=0, recipients=(1,)))
    assert w.trust[2, 0] == before                       # covert: no observer moved
    assert w.trust[1, 0] > 0.5                           # the recipient knows
    w.apply(Action("disclosure", actor=0, recipients=(1,)))
    assert w.trust[2, 0] > before                        # disclosed: the friend approves


def test_5_security_dilemma():
    """An exercise raises participants' mutual trust and lowers a distrustful observer's."""
    w = make_world(n=3, trust=0.5, confidence=2.0)
    w.s[2, [0, 1]] += 6.0          # state 2 distrusts both participants
    w._changed()
    w.begin_step(1)
    before = w.trust.copy()
    w.apply(Action("joint_exercise", participants=(0, 1)))
    assert w.trust[0, 1] > before[0, 1] and w.trust[1, 0] > before[1, 0]
    assert w.trust[2, 0] < before[2, 0] and w.trust[2, 1] < before[2, 1]


def test_5b_aimed_exercise_threatens_its_target_even_if_neutral():
    w = make_world(n=3, trust=0.5, confidence=2.0)
    w.begin_step(1)
    before = w.trust[2, 0]
    w.apply(Action("joint_exercise", participants=(0, 1), target=2))
    assert w.trust[2, 0] < before
    assert np.all(np.isfinite(w.trust))
