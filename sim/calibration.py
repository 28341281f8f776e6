"""Calibrate the crisis-aid rule on the six absolute figures of [Drab] Figure 3.

Only these six figures are used (EUR bn, 24 January 2022 to 31 July 2023):
USA 42.1, DEU 17.1, GBR 6.6, NOR 3.7, DNK 3.5, POL 3.0. Every other donor's
support is a prediction of the model, checked against published per-country
data the model was never fitted on (docs/validation.md).

Procedure: for each pair of exponents on a grid (``aid_threat_exponent``,
``aid_trust_exponent``), the scale ``aid_rate`` is fitted by fixed-point
iteration on the mean log error (aid feeds back on trust, so the scale is
not exactly linear); the pair with the smallest sum of squared log errors on
the six figures wins. Run::

    python -m sim.calibration scenarios/ukraine_2014_2023.yaml [--seeds 3]
"""

from __future__ import annotations

import argparse
import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment import load_cached, run_model
from sim.metrics import spearman
from sim.parameters import Parameters

FIGURE_3_EUR_BN = {"USA": 42.1, "DEU": 17.1, "GBR": 6.6, "NOR": 3.7, "DNK": 3.5, "POL": 3.0}
"""[Drab] Figure 3: military aid to Ukraine, 24 Jan 2022 - 31 Jul 2023, EUR bn."""

VARIANT = "endogenous_support"


def simulated_support(scenario: str | Path, params: dict, seeds: int = 3,
                      variant: str = VARIANT) -> pd.DataFrame:
    """Mean support per donor over seeds: iso3, support_eur_bn, support_pct_gdp."""
    frames = []
    for seed in range(seeds):
        sup = run_model(scenario, variant, params, seed).results().support()
        frames.append(sup.assign(seed=seed))
    all_ = pd.concat(frames, ignore_index=True)
    codes = [s.iso3 for s in load_cached(scenario).scenario.states]
    mean = (all_.groupby("iso3")[["support_eur", "support_pct_gdp"]].sum() / seeds)
    mean = mean.reindex(codes).fillna(0.0)
    return pd.DataFrame({"iso3": mean.index, "support_eur_bn": mean["support_eur"].values / 1e9,
                         "support_pct_gdp": mean["support_pct_gdp"].values})


def log_error(sup: pd.DataFrame) -> np.ndarray:
    """log(model) - log(figure) for the six calibration donors."""
    got = sup.set_index("iso3")["support_eur_bn"]
    return np.array([math.log(max(got.get(c, 0.0), 1e-6)) - math.log(v)
                     for c, v in FIGURE_3_EUR_BN.items()])


def fit_rate(scenario: str | Path, threat_exp: float, trust_exp: float, seeds: int,
             rate: float | None = None, rounds: int = 3) -> tuple[float, float, pd.DataFrame]:
    """Fit ``aid_rate`` for given exponents; returns (rate, sum of squared log errors, support)."""
    rate = rate or Parameters().aid_rate
    for _ in range(rounds):
        params = {"aid_rate": rate, "aid_threat_exponent": threat_exp,
                  "aid_trust_exponent": trust_exp}
        sup = simulated_support(scenario, params, seeds)
        err = log_error(sup)
        rate = rate * math.exp(-float(err.mean()))
    params["aid_rate"] = rate
    sup = simulated_support(scenario, params, seeds)
    err = log_error(sup)
    return rate, float((err ** 2).sum()), sup


def calibrate(scenario: str | Path, seeds: int = 3,
              threat_grid=(0.0, 0.5, 1.0, 1.5, 2.0), trust_grid=(0.5, 1.0, 2.0, 3.0)
              ) -> dict:
    """Grid over the exponents, fitted rate for each; the best combination and its fit."""
    best = None
    rows = []
    for te, tr in itertools.product(threat_grid, trust_grid):
        rate, sse, sup = fit_rate(scenario, te, tr, seeds)
        rows.append({"aid_threat_exponent": te, "aid_trust_exponent": tr, "aid_rate": rate,
                     "sse_log": sse})
        if best is None or sse < best["sse_log"]:
            best = {"aid_threat_exponent": te, "aid_trust_exponent": tr, "aid_rate": rate,
                    "sse_log": sse, "support": sup}
    best["grid"] = pd.DataFrame(rows)
    return best


def fit_table(sup: pd.DataFrame) -> pd.DataFrame:
    """The six calibration donors: figure, model, ratio; with Spearman rho."""
    got = sup.set_index("iso3")["support_eur_bn"]
    return pd.DataFrame({"iso3": list(FIGURE_3_EUR_BN),
                         "figure_eur_bn": list(FIGURE_3_EUR_BN.values()),
                         "model_eur_bn": [float(got.get(c, 0.0)) for c in FIGURE_3_EUR_BN]})


def main() -> None:
    """Calibrate and print the result (paste the figures into docs/validation.md)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/ukraine_2014_2023.yaml")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", default="results/calibration")
    args = ap.parse_args()
    best = calibrate(args.scenario, args.seeds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    best["grid"].to_csv(out / "grid.csv", index=False)
    best["support"].to_csv(out / "support_all_donors.csv", index=False)
    table = fit_table(best["support"])
    table.to_csv(out / "fit_six.csv", index=False)
    rho = spearman(table["figure_eur_bn"], table["model_eur_bn"])
    print(f"best: aid_rate={best['aid_rate']:.6g} aid_threat_exponent="
          f"{best['aid_threat_exponent']} aid_trust_exponent={best['aid_trust_exponent']} "
          f"(sum of squared log errors {best['sse_log']:.3f})")
    print(table.to_string(index=False))
    print(f"Spearman rho on the six: {rho:.3f}")
    pred = best["support"].sort_values("support_pct_gdp", ascending=False)
    print("\nAll donors (predicted), by share of GDP:")
    print(pred[pred["support_eur_bn"] > 0].to_string(index=False))


if __name__ == "__main__":
    main()
