"""The printed summary's story tells every year's scripted events, salient or routine."""

from sim.model import DefenceDiplomacyModel
from sim.summary import story


def test_story_names_routine_years_by_kind_and_counts_the_rest():
    res = DefenceDiplomacyModel("scenarios/classroom_rivals.yaml", rng=0).run().results()
    ev = res.events()
    ev = ev[ev["origin"] != "policy"]
    rows = story(res)
    assert [year for year, _, _ in rows] == sorted({d.year for d in res.dates[1:]})
    routine = 0
    for year, text, _ in rows:
        sel = ev[ev["date"].dt.year == year]
        assert not text.startswith(";"), (year, text)
        if sel.empty:
            assert text == "(no scripted events)"
        elif "(" not in text:                   # no salient event: the kinds, with counts
            routine += 1
            for kind, n in sel["kind"].value_counts().items():
                label = kind.replace("_", " ")
                assert (f"{label} x{n}" if n > 1 else label) in text, (year, text)
        else:                                   # salient events listed, the rest counted
            listed = text.count("(")
            more = len(sel) - listed
            assert text.endswith(f"+{more} more") if more else "more" not in text, (year, text)
    assert routine, "the classroom case has a year of routine events only (2031)"


def test_long_lists_of_states_are_shortened_not_cut():
    from sim.summary import _few
    assert _few("UKR USA POL") == "UKR,USA,POL"
    assert _few("UKR USA POL GBR") == "UKR,USA,POL,GBR"
    assert _few("UKR USA POL GBR CAN ROU") == "UKR,USA,POL,+3"
