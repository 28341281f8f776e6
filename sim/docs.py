"""Regenerate the reference tables of docs/model.md from the code (one home for numbers).

``python -m sim.docs`` rewrites the parameter table (between ``<!-- params:start -->``
and ``<!-- params:end -->``) and the action catalogue (between ``<!-- catalogue:start -->``
and ``<!-- catalogue:end -->``); ``python -m sim.docs --check`` exits 1 if the file
is out of date (the test suite runs the same check).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim.catalogue import CATALOGUE
from sim.parameters import Parameters

MODEL_MD = Path(__file__).resolve().parents[1] / "docs" / "model.md"


def _fmt(x) -> str:
    return "-" if x is None else str(x)


def params_table() -> str:
    """The parameter table: name, default, unit, reason."""
    rows = ["| parameter | default | unit | reason |", "|---|---|---|---|"]
    for r in Parameters.describe():
        rows.append(f"| `{r['name']}` | {r['default']} | {r['unit']} | {r['reason']} |")
    return "\n".join(rows)


def catalogue_table() -> str:
    """The action catalogue table, one row per kind."""
    rows = ["| kind | form | forward | back | observer | norm | target_threat | visibility | "
            "cost basis / unit | gate | institution (strength, lapse) | ends | interop | need | "
            "Goldstein | sources |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for k in CATALOGUE.values():
        inst = (f"{k.institution} ({k.inst_strength}, "
                f"{'none' if k.lapse_months is None else str(k.lapse_months) + ' months'})"
                if k.institution else "-")
        rows.append(
            f"| `{k.name}` | {k.form} | {k.forward} | {k.back} | {k.observer} | {k.norm} | "
            f"{k.target_threat} | {k.visibility} | {k.cost_basis} / {k.unit} | {_fmt(k.gate)} | "
            f"{inst} | {_fmt(k.ends_institution)} | {k.interop} | {k.need} | "
            f"{_fmt(k.goldstein)} | {', '.join(k.sources)} |")
    return "\n".join(rows)


def render(text: str) -> str:
    """``text`` with both generated sections replaced by the current tables."""
    for name, table in (("params", params_table()), ("catalogue", catalogue_table())):
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"docs/model.md lacks the <!-- {name}:start/end --> markers")
        text = pattern.sub(lambda m, table=table: m.group(1) + table + m.group(2), text)
    return text


def main() -> None:
    """Rewrite docs/model.md, or with --check report whether it is up to date."""
    text = MODEL_MD.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        if new != text:
            print("docs/model.md tables are out of date: run `python -m sim.docs`")
            sys.exit(1)
        print("docs/model.md tables are up to date")
        return
    MODEL_MD.write_text(new, encoding="utf-8")
    print("rewrote the tables of docs/model.md")


if __name__ == "__main__":
    main()
