"""Every catalogue entry: documented, sourced, and moving trust the way its weights say."""

import numpy as np
import pytest

from sim.catalogue import CATALOGUE, SOURCES, weight_names, with_overrides
from sim.world import Action
from helpers import make_world


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
