"""States as Mesa agents: identity, capacity and current policy of each state.

The dyadic state lives in the model's :class:`~sim.world.World` arrays; an agent
reads its row and column from there. Decisions are taken per policy group in
one vectorised call (see :meth:`sim.model.DefenceDiplomacyModel.step`), not by a
Python loop over pairs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.metrics import col_means, row_means

if TYPE_CHECKING:
    from sim.model import DefenceDiplomacyModel


class StateAgent(mesa.Agent):
    """A state: ISO code, name, GDP (EUR bn), capability, memberships, policy, budget."""

    def __init__(self, model: DefenceDiplomacyModel, index: int, iso3: str, name: str,
                 gdp_eur_bn: float, capability: float, memberships: list[str], budget: float):
        super().__init__(model)
        self.index = index
        self.iso3 = iso3
        self.name = name
        self.gdp_eur_bn = gdp_eur_bn
        self.capability = capability
        self.memberships = memberships
        self.budget = budget
        self.policy = "scripted"

    @property
    def trust_out(self) -> float:
        """Mean trust this state holds in the others."""
        return float(row_means(self.model.world.trust)[self.index])

    @property
    def trust_in(self) -> float:
        """Mean trust the others hold in this state."""
        return float(col_means(self.model.world.trust)[self.index])

    @property
    def aid_given_eur_bn(self) -> float:
        """Cumulative military aid this state has given, EUR bn."""
        return float(self.model.world.aid[self.index].sum())

    def trust_in_state(self, other: str) -> float:
        """This state's current trust in ``other`` (ISO3)."""
        return float(self.model.world.trust[self.index, self.model.index_of(other)])

    def __repr__(self) -> str:
        return f"StateAgent({self.iso3}, policy={self.policy})"

