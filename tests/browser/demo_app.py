"""A tiny Mesa model shown with ``mesa.visualization.SolaraViz``, for the offline browser tests.

Serve it with ``solara run tests/browser/demo_app.py``.  The page exercises every
front-end asset package Solara loads through its CDN proxy:

* the Vuetify app bundle, require.js and Font Awesome (every Solara page);
* vue-grid-layout (SolaraViz lays out its components with ``solara.GridDraggable``);
* KaTeX and Mermaid (loaded by any ``solara.Markdown``);
* Vega, Vega-Lite and Vega-Embed (an Altair plot, ``solara.FigureAltair``);
* a matplotlib plot (an inline image: no CDN asset).

It also has its own button, so a test can prove that a click makes the round trip
browser -> websocket -> Python -> browser.
"""

from __future__ import annotations

import mesa
import solara
from mesa.visualization import Slider, SolaraViz, make_plot_component


class Coin(mesa.Agent):
    """An agent that flips a coin each step and counts its heads."""

    def __init__(self, model: mesa.Model) -> None:
        """Create a coin with no heads yet."""
        super().__init__(model)
        self.heads = 0

    def step(self) -> None:
        """Flip the coin once."""
        self.heads += int(self.random.random() < 0.5)


class CoinModel(mesa.Model):
    """``n`` coins flipped once per step; collects the total number of heads."""

    def __init__(self, n: int = 10, rng: int | None = 42) -> None:
        """Create ``n`` coins and record the initial (zero) total."""
        super().__init__(rng=rng)
        Coin.create_agents(self, n)
        self.datacollector = mesa.DataCollector(model_reporters={"Heads": lambda m: sum(a.heads for a in m.agents)})
        self.datacollector.collect(self)

    def step(self) -> None:
        """Flip every coin and record the new total."""
        self.agents.do("step")
        self.datacollector.collect(self)


#: Clicks on the demo's own button (module level: one counter per server process is fine for tests).
clicks = solara.reactive(0)


@solara.component
def ClickPanel(model: CoinModel) -> None:
    """A Markdown blurb (KaTeX/Mermaid assets) and a button that counts its clicks."""
    with solara.Card("Demo"):
        solara.Markdown(r"Coins flipped: **$n$ agents**, heads summed each step.")
        solara.Button(
            "Count click",
            color="primary",
            on_click=lambda: clicks.set(clicks.value + 1),
        )
        solara.Text(f"Clicked {clicks.value} times")


model_params = {
    "n": Slider("Number of coins", value=10, min=1, max=50, step=1),
    "rng": 42,
}

page = SolaraViz(
    CoinModel(),
    components=[
        make_plot_component("Heads"),
        make_plot_component("Heads", backend="altair"),
        ClickPanel,
    ],
    model_params=model_params,
    name="Offline demo",
)
