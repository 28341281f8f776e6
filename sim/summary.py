"""The readable summary ``ddsim run`` prints: the story of a run in a few tables."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from sim.results import Results


def biggest_changes(res: Results, top: int = 8) -> list[tuple[str, str, float, float]]:
    """The ``top`` directed pairs whose trust changed most from start to end."""
    first, last = res.trust_cube[0], res.trust_cube[-1]
    change = last - first
    np.fill_diagonal(change, 0.0)
    order = np.argsort(-np.abs(change), axis=None)[:top]
    out = []
    for flat in order:
        i, j = divmod(int(flat), len(res.codes))
        out.append((res.codes[i], res.codes[j], float(first[i, j]), float(last[i, j])))
    return out


SALIENT_KINDS = ("invasion", "annexation", "aggression", "peace_agreement", "defence_agreement",
                 "disclosure", "treaty_violation", "border_closure", "border_opening",
                 "attache_expulsion", "demonstration_of_force")


def story(res: Results, per_year: int = 4) -> list[tuple[int, str, dict[str, float]]]:
    """Year by year: the most salient scripted events and focal-pair trust at year end."""
    ev = res.events()
    ev = ev[ev["origin"] != "policy"]
    rows = []
    pairs = res.model.inputs.focal_pairs[:3]
    years = sorted({d.year for d in res.dates[1:]})
    told: set[tuple] = set()          # a continuing war is told once, when it starts
    for year in years:
        sel = ev[ev["date"].dt.year == year]
        salient = sel[sel["kind"].isin(SALIENT_KINDS) | (sel["name"] != "")]
        salient = salient.drop_duplicates(subset=["kind", "actor", "recipients", "name"])
        key = list(zip(salient["kind"], salient["actor"], salient["recipients"], salient["name"]))
        keep = [not (k[0] == "aggression" and k in told) for k in key]
        told.update(k for k in key if k[0] == "aggression")
        salient = salient[keep]
        words = []
        for _, r in salient.head(per_year).iterrows():
            who = r["actor"] or _few(r["participants"])
            to = f"->{_few(r['recipients'])}" if r["recipients"] else ""
            label = r["name"] or r["kind"].replace("_", " ")
            words.append(f"{r['date']:%b} {label} ({who}{to})")
        more = len(sel) - len(words)
        if words:
            text = "; ".join(words) + (f"; +{more} more" if more > 0 else "")
        else:                         # only routine events: say which kinds, how often
            counts = sel["kind"].value_counts(sort=False)
            text = ", ".join(k.replace("_", " ") + (f" x{n}" if n > 1 else "")
                             for k, n in counts.items())
        end = {f"{a} in {b}": float(res.trust_pair(a, b)[str(year)].iloc[-1]) for a, b in pairs}
        rows.append((year, text or "(no scripted events)", end))
    return rows


def _few(codes: str, most: int = 4) -> str:
    """Space-separated state codes as ``A,B,C`` (the first three and ``+N`` beyond ``most``)."""
    parts = codes.split()
    if len(parts) > most:
        parts = [*parts[:3], f"+{len(parts) - 3}"]
    return ",".join(parts)


def print_summary(console: Console, res: Results, top: int = 8) -> None:
    """Print title, period, event counts, biggest changes, group means, support, warnings."""
    m = res.model
    inp = m.inputs
    ev = res.events()
    seed = "(not an integer)" if m.seed is None else m.seed
    console.print(f"[bold]{inp.title}[/bold]  variant: {inp.variant or '(none)'}  seed: {seed}  "
                  f"steps: {m.steps}  period: {m.calendar.period_start(1):%Y-%m} to {m.date:%Y-%m}")
    by_origin = ev["origin"].value_counts().to_dict()
    console.print(f"{len(res.codes)} states; {by_origin.get('scenario', 0)} scenario events "
                  f"applied, {by_origin.get('policy', 0)} endogenous actions.")

    tale = story(res)
    if len(tale) > 1:
        pairs = list(tale[0][2])
        yt = Table("year", "what happened (scripted events)", *pairs, title="The story, year by year",
                   show_lines=False)
        for year, text, end in tale:
            yt.add_row(str(year), text, *[f"{end[p]:.2f}" for p in pairs])
        console.print(yt)

    table = Table("trusting", "trusted", "start", "end", "change",
                  title="Largest trust changes")
    for a, b, t0, t1 in biggest_changes(res, top):
        colour = "green" if t1 > t0 else "red"
        table.add_row(a, b, f"{t0:.2f}", f"{t1:.2f}", f"[{colour}]{t1 - t0:+.2f}[/{colour}]")
    console.print(table)

    groups = inp.focal_groups or sorted(inp.groups)[:3]
    if groups:
        gt = Table("group", *groups, title="Mean trust between groups at the end (row in column)")
        for g in groups:
            gt.add_row(g, *[f"{res.group_mean(g, h).iloc[-1]:.2f}" for h in groups])
        console.print(gt)

    if inp.focal_pairs:
        pt = Table("pair", "start", "min", "max", "end", title="Focal pairs")
        for a, b in inp.focal_pairs:
            s = res.trust_pair(a, b)
            pt.add_row(f"{a} in {b}", f"{s.iloc[0]:.2f}", f"{s.min():.2f} ({s.idxmin():%Y-%m})",
                       f"{s.max():.2f} ({s.idxmax():%Y-%m})", f"{s.iloc[-1]:.2f}")
        console.print(pt)

    sup = res.support()
    if len(sup):
        st = Table("donor", "EUR bn", "% of GDP",
                   title=f"Support to {inp.support.recipient} {inp.support.from_:%Y-%m-%d} to "
                         f"{inp.support.until:%Y-%m-%d}")
        for _, row in sup.head(12).iterrows():
            st.add_row(row["iso3"], f"{row['support_eur'] / 1e9:.2f}",
                       f"{row['support_pct_gdp']:.3f}")
        console.print(st)

    if m.warnings:
        console.print(f"[yellow]{len(m.warnings)} warning(s):[/yellow]")
        for w in m.warnings[:10]:
            console.print(f"  [yellow]-[/yellow] {w}")
        if len(m.warnings) > 10:
            console.print(f"  ... and {len(m.warnings) - 10} more (see events.csv 'warning')")
