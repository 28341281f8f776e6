"""Every catalogue entry: documented, sourced, and moving trust the way its weights say."""

import numpy as np
import pytest
from helpers import make_world

from sim.catalogue import CATALOGUE, SOURCES, weight_names, with_overrides
from sim.world import Action


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_entry_is_documented_and_sourced(name):
    k = CATALOGUE[name]
    assert len(k.doc) > 40
    assert k.sources and all(s in SOURCES for s in k.sources)
    assert any(f"[{s}]" in k.doc or s in k.doc for s in k.sources)
    assert k.reasons, "every entry gives the reason for its weights"
    for field in k.reasons:
        assert hasattr(k, field)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_entry_sign_agrees_with_goldstein(name):
    k = CATALOGUE[name]
    if k.goldstein is None:
        pytest.skip("no Goldstein value for this kind")
    main = k.target_threat * -1 if k.name == "demonstration_of_force" else k.forward
    assert np.sign(main) == np.sign(k.goldstein)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_every_kind_applies_and_moves_trust_in_its_direction(name):
    k = CATALOGUE[name]
    w = make_world(n=4, trust=0.6, confidence=4.0)
    w.begin_step(1)
    before = w.trust.copy()
    if name == "disclosure":
        w.apply(Action("intelligence_sharing", actor=0, recipients=(1,)))
        before = w.trust.copy()
    if k.is_joint:
        action = Action(name, participants=(0, 1), magnitude=1.0)
    else:
        action = Action(name, actor=0, recipients=(1,), magnitude=1.0,
                        target=3 if k.target_threat else None)
    applied = w.apply(action)
    assert applied.weight > 0
    after = w.trust
    assert np.all(np.isfinite(after))
    change = after[1, 0] - before[1, 0]   # recipient's trust in the actor
    if k.forward > 0:
        assert change > 0
    elif k.forward < 0:
        assert change < 0
    if k.target_threat and not k.is_joint:
        assert after[3, 0] < before[3, 0]
    if k.institution:
        assert w.inst[0, 1] > 0 and w.inst[1, 0] > 0
    if k.interop:
        assert w.interop[0, 1] > 0


def test_endogenous_kinds_have_motives_and_costs():
    for k in CATALOGUE.values():
        if k.endogenous:
            assert k.motives and k.cost > 0


def test_overrides_replace_one_weight_only():
    cat = with_overrides({"military_aid.forward": 2.5})
    assert cat["military_aid"].forward == 2.5
    assert cat["military_aid"].back == CATALOGUE["military_aid"].back
    assert CATALOGUE["military_aid"].forward == 1.0
    assert "joint_exercise.interop" in weight_names()
    with pytest.raises(KeyError):
        with_overrides({"military_aid.colour": 1})


@pytest.mark.parametrize("name", [k for k in CATALOGUE if k != "disclosure"])  # scripted only
def test_batch_path_equals_the_single_action_path(name):
    """World.apply_batch (endogenous actions) gives the same evidence as World.apply."""
    import copy
    k = CATALOGUE[name]
    base = make_world(n=5, trust=0.55, confidence=3.0, gdp=[50, 100, 200, 400, 800])
    base.s[4, 1] += 3.0                     # an observer who distrusts the recipient
    base._changed()
    base.apply(Action("defence_agreement", participants=(0, 1)))    # something to end
    base.apply(Action("attache_exchange", actor=0, recipients=(1,)))
    base.begin_step(1)
    one, batch = copy.deepcopy(base), copy.deepcopy(base)
    mag = 0.5 if k.cost_basis != "count" else 1.0
    if k.is_joint:
        one.apply(Action(name, participants=(0, 1), magnitude=mag))
    else:
        one.apply(Action(name, actor=0, recipients=(1,), magnitude=mag))
    batch.apply_batch(np.array([batch.kind_index(name)]), np.array([0]), np.array([1]),
                      np.array([mag]))
    for attr in ("r", "s", "interop", "recent", "covert", "aid", "need"):
        assert np.allclose(getattr(one, attr), getattr(batch, attr)), attr
    assert np.allclose(one.inst, batch.inst)


def test_a_batch_of_many_actions_sums_their_single_action_evidence():
    """Many endogenous actions in one batch - repeated actors, repeated partners, several
    kinds - give the sum of the evidence each would give alone from the same state."""
    import copy
    rng = np.random.default_rng(11)
    kinds = [n for n, k in CATALOGUE.items() if k.endogenous] + ["military_aid"]
    base = make_world(n=7, trust=0.5, confidence=3.0, gdp=[50, 100, 200, 400, 800, 30, 60])
    base.r += rng.uniform(0, 3, base.r.shape)
    base.s += rng.uniform(0, 3, base.s.shape)
    base._changed()
    base.begin_step(1)
    acts = []
    for _ in range(25):
        a, b = rng.choice(7, size=2, replace=False)
        acts.append((str(rng.choice(kinds)), int(a), int(b), float(rng.uniform(0.2, 2.0))))
    total = np.zeros_like(base.r)
    for name, a, b, mag in acts:
        one = copy.deepcopy(base)
        one.apply_batch(np.array([one.kind_index(name)]), np.array([a]), np.array([b]),
                        np.array([mag]))
        total += (one.r - base.r) - (one.s - base.s)
    batch = copy.deepcopy(base)
    batch.apply_batch(np.array([batch.kind_index(n) for n, _, _, _ in acts]),
                      np.array([a for _, a, _, _ in acts]), np.array([b for _, _, b, _ in acts]),
                      np.array([m for _, _, _, m in acts]))
    assert np.abs(total).max() > 0.1
    assert np.allclose((batch.r - base.r) - (batch.s - base.s), total, rtol=0, atol=1e-12)
