"""A synthetic scenario of many states, written as YAML, for timing the dashboard.

Used by the browser tests and ``benchmarks/bench_dashboard.py`` when the Ukraine
scenario is missing (or too small): 40 invented states in two blocs and a neutral
group, ten years of monthly steps, an invasion, aid to the victim with a ``support``
block, recurring exercises, a variant, and endogenous ("mixed") policies, so every
panel of the page has something to draw.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from ruamel.yaml import YAML


def synthetic_scenario(n: int = 40, years: int = 10, seed: int = 0) -> dict:
    """The scenario as a plain dict (codes XAA, XAB, ... are ISO's user-assigned range)."""
    rng = np.random.default_rng(seed)
    codes = [f"X{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(n)]
    gdp = np.round(10 ** rng.uniform(1, 3.5, n), 1)
    cap = np.round(np.clip((gdp / gdp.max()) ** 0.5, 0.02, 1.0), 3)
    bloc_a, bloc_b = codes[: n // 2 - 2], codes[n // 2 - 2: n - 4]
    neutral = codes[n - 4:]
    victim, aggressor = bloc_a[1], bloc_b[0]
    start = dt.date(2030, 1, 1)
    end = dt.date(2030 + years - 1, 12, 31)
    states = [{"iso3": c, "name": f"State {c}", "gdp_eur_bn": float(g), "capability": float(k),
               "memberships": ["AlphaPact" if c in bloc_a else "BetaBloc" if c in bloc_b else "Neutrals"]}
              for c, g, k in zip(codes, gdp, cap)]
    events = [
        {"id": "invasion", "date": dt.date(2032, 2, 24), "kind": "invasion", "actor": aggressor,
         "recipient": victim, "source": "synthetic", "name": "The invasion",
         "note": "Synthetic: the largest state of Beta invades a member of Alpha."},
        {"id": "visit", "date": dt.date(2030, 6, 10), "kind": "high_level_visit", "actor": bloc_a[0],
         "recipient": victim, "source": "synthetic"},
        {"id": "commission", "date": dt.date(2031, 3, 1), "kind": "joint_military_commission",
         "participants": [bloc_a[2], bloc_b[1]], "source": "synthetic", "name": "Joint commission"},
    ]
    for k, donor in enumerate(bloc_a[2:12]):
        events.append({"id": f"aid-{donor}", "date": dt.date(2032, 3 + k % 9, 1), "kind": "military_aid",
                       "actor": donor, "recipient": victim, "magnitude": float(round(0.001 * gdp[k + 2] + 0.1, 2)),
                       "unit": "EUR_bn", "source": "synthetic"})
    recurring = [{"id": "alpha-exercise", "kind": "joint_exercise", "participants": bloc_a[:8],
                  "every": "year", "from": dt.date(2030, 9, 1), "until": end, "source": "synthetic",
                  "name": "Alpha Shield"}]
    return {
        "meta": {"title": f"Synthetic {n} states (timing test)",
                 "sources": {"synthetic": {"citation": "Invented for the dashboard timing test"}}},
        "calendar": {"start": start, "end": end, "step": "month"},
        "states": states,
        "groups": {"alpha": bloc_a, "beta": bloc_b, "neutral": neutral},
        "proximity": {"default": 0.2, "borders": [[bloc_a[i], bloc_b[i]] for i in range(4)]},
        "initial_trust": {"default": {"trust": 0.5, "confidence": 2},
                          "rules": [{"from": "alpha", "to": "alpha", "trust": 0.7, "confidence": 6},
                                    {"from": "beta", "to": "beta", "trust": 0.65, "confidence": 6},
                                    {"from": "alpha", "to": "beta", "trust": 0.35, "confidence": 4,
                                     "mutual": True}]},
        "policies": [{"states": "*", "policy": "mixed"}],
        "focal": {"pairs": [[victim, aggressor], [victim, bloc_a[2]], [bloc_a[2], victim]],
                  "groups": ["alpha", "beta"]},
        "support": {"recipient": victim, "from": dt.date(2032, 2, 1), "until": end},
        "events": events,
        "recurring": recurring,
        "default_variant": "baseline",
        "variants": {"baseline": {"description": "As written."},
                     "no_commission": {"description": "Without the joint commission.",
                                       "drop": [{"ids": ["commission"]}]}},
    }


def write_synthetic_scenario(directory: Path, n: int = 40, name: str | None = None) -> Path:
    """Write the synthetic scenario into ``directory`` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or f"synthetic_{n}_states.yaml")
    yaml = YAML()
    yaml.default_flow_style = None
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(synthetic_scenario(n), fh)
    return path
