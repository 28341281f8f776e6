"""Where each state sits in the network drawing: computed once per scenario, never reshuffled.

States go round a circle grouped by their first group, so allies sit side by side and a
student finds a state at the same place on every step (and after Reset).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.app.state import group_order

#: From this many states the network and the matrix each get the page's full width.
WIDE_FROM = 16


@lru_cache(maxsize=64)
def _circle(order: tuple[str, ...], codes: tuple[str, ...]) -> np.ndarray:
    n = len(order)
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / max(n, 1)   # clockwise from the top
    pos_by_code = {c: (np.cos(a), -np.sin(a)) for c, a in zip(order, angle)}
    return np.array([pos_by_code[c] for c in codes])


def node_positions(model) -> np.ndarray:
    """(N, 2) positions in [-1, 1]^2 for ``model.codes``, the same for every model of a scenario.

    The result depends only on the scenario's codes and groups, so it is cached and
    identical across steps, Reset and variants.
    """
    return _circle(tuple(group_order(model)), tuple(model.codes))
