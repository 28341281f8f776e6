"""Small worlds and scenarios built in code for the tests."""

from __future__ import annotations

import numpy as np

from sim.catalogue import CATALOGUE
from sim.parameters import Parameters
from sim.world import World


def make_world(n: int = 4, trust: float = 0.5, confidence: float = 2.0,
               gdp: list[float] | None = None, **params) -> World:
    """An n-state world with uniform initial trust and the default catalogue."""
    p = Parameters(**params)
    gdp_arr = np.array(gdp if gdp is not None else [100.0] * n)
    return World(p, dict(CATALOGUE), gdp_arr, np.full(n, 0.5), np.full((n, n), 0.5),
                 np.full((n, n), trust), np.full((n, n), confidence), np.full((n, n), trust),
                 [f"S{i}" for i in range(n)])


SCENARIO_HEAD = """\
meta:
  title: test
  sources: {t: {citation: "test source"}}
calendar: {start: 2020-01, end: 2020-12}
states:
  - {iso3: UKR, gdp_eur_bn: 150, capability: 0.3}
  - {iso3: POL, gdp_eur_bn: 600, capability: 0.3, memberships: [NATO]}
  - {iso3: RUS, gdp_eur_bn: 1500, capability: 0.8}
"""
