"""Driving the dashboard page from Playwright: pick from Vuetify selects, step, time a step.

Shared by ``test_dashboard.py`` and ``benchmarks/bench_dashboard.py``.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = REPO_ROOT / "scenarios"
UKRAINE = SCENARIOS / "ukraine_2014_2023.yaml"
ETHIOPIA = SCENARIOS / "ethiopia_eritrea_2018.yaml"

#: Wait this long (ms) for the page to answer a click.
UI_TIMEOUT = 30_000


def ddsim_app_command(scenarios_dir: Path | None = None) -> list[str]:
    """``ddsim app`` with the placeholders the ``solara_server`` fixture fills in."""
    ddsim = Path(sys.executable).with_name("ddsim")
    command = [str(ddsim) if ddsim.exists() else "ddsim", "app", "--host", "{host}", "--port", "{port}"]
    if scenarios_dir is not None:
        command += ["--scenarios-dir", str(scenarios_dir)]
    return command


def labels(page, testid: str) -> list[str]:
    """The state codes a canvas figure (``network``, ``heatmap``) is drawing."""
    return (page.get_by_test_id(testid).get_attribute("data-labels") or "").split()


def date_text(page) -> str:
    """The calendar date the page shows."""
    return page.get_by_test_id("current-date").inner_text().strip()


def shown_step(page) -> int:
    """The step the date element says it shows."""
    return int(page.get_by_test_id("current-date").get_attribute("data-step"))


def wait_ready(page, timeout: int = 60_000) -> None:
    """Wait until the date, the network and the matrix are drawn."""
    page.get_by_test_id("current-date").wait_for(timeout=timeout)
    page.locator("[data-testid=network] canvas").wait_for(timeout=timeout)
    page.locator("[data-testid=heatmap] canvas").wait_for(timeout=timeout)


def wait_step(page, step: int, timeout: int = UI_TIMEOUT) -> None:
    """Wait until the date element shows ``step``."""
    page.wait_for_function(
        "s => { const d = document.querySelector('[data-testid=current-date]'); return d && d.dataset.step == s; }",
        arg=str(step), timeout=timeout)


def _field(page, label: str):
    pattern = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.locator(".v-select").filter(has=page.locator("label", has_text=pattern)).first


def choose(page, label: str, option: str) -> None:
    """Open the Vuetify select labelled ``label`` and click ``option`` (scrolling long menus)."""
    field = _field(page, label)
    field.locator(".v-select__slot").click()
    menu = page.locator(".menuable__content__active").last
    menu.wait_for(timeout=UI_TIMEOUT)
    pattern = re.compile(rf"^\s*{re.escape(option)}\s*$")
    item = menu.locator(".v-list-item").filter(has_text=pattern).first
    for _ in range(40):  # Vuetify renders long lists in pages of 20 as you scroll
        if item.count():
            break
        menu.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        page.wait_for_timeout(100)
    item.click()
    page.locator(".menuable__content__active").first.wait_for(state="detached", timeout=UI_TIMEOUT)


def clear_multiple(page, label: str) -> None:
    """Deselect every chosen item of the multiple select labelled ``label``."""
    field = _field(page, label)
    field.locator(".v-select__slot").click()
    menu = page.locator(".menuable__content__active").last
    menu.wait_for(timeout=UI_TIMEOUT)
    for _ in range(100):
        active = menu.locator(".v-list-item--active")
        if not active.count():
            break
        active.first.click()
        page.wait_for_timeout(150)
    page.keyboard.press("Escape")


def options(page, label: str) -> list[str]:
    """Every option of the select labelled ``label`` (the menu is closed again afterwards)."""
    field = _field(page, label)
    field.locator(".v-select__slot").click()
    menu = page.locator(".menuable__content__active").last
    menu.wait_for(timeout=UI_TIMEOUT)
    seen = -1
    while True:  # load every page of a long list
        count = menu.locator(".v-list-item").count()
        if count == seen:
            break
        seen = count
        menu.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        page.wait_for_timeout(150)
    values = [t.strip() for t in menu.locator(".v-list-item").all_inner_texts()]
    page.keyboard.press("Escape")
    page.locator(".menuable__content__active").first.wait_for(state="detached", timeout=UI_TIMEOUT)
    return values


def select_scenario(page, file_name: str, timeout: int = 60_000) -> None:
    """Load a scenario from the picker and wait until the page shows it at its start."""
    if _field(page, "Scenario").locator(".v-select__selections").inner_text().strip() == file_name:
        if shown_step(page):
            page.get_by_role("button", name="Reset").click()
            wait_step(page, 0, timeout=timeout)
        return
    before = page.get_by_test_id("heatmap").get_attribute("data-labels")
    choose(page, "Scenario", file_name)
    page.wait_for_function(
        "s => { const h = document.querySelector('[data-testid=heatmap]'); return h && h.dataset.labels != s; }",
        arg=before, timeout=timeout)
    wait_step(page, 0, timeout=timeout)


_MEASURE_JS = """
async ([stepped, timeout]) => {
  const button = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'STEP'
                                                                     || b.innerText.trim() === 'Step');
  const date = () => document.querySelector('[data-testid=current-date]');
  const figures = () => ['network', 'heatmap'].map(id => document.querySelector(`[data-testid=${id}]`));
  const figureStep = el => el ? el.dataset.drawnStep : null;   // set by the canvas after painting
  const before = date().innerText;
  const t0 = performance.now();
  let tDate = null;
  button.click();
  return await new Promise((resolve, reject) => {
    const check = () => {
      const now = performance.now();
      if (tDate === null && date().innerText !== before && date().dataset.step == stepped) tDate = now;
      const drawn = figures().every(f => figureStep(f) == stepped);
      if (tDate !== null && drawn) {
        const drawn = Math.max(...figures().map(f => +f.dataset.drawnAt)) - t0;
        requestAnimationFrame(() => resolve({date_ms: tDate - t0, drawn_ms: drawn, figures_ms: performance.now() - t0,
                                             draw_ms: figures().map(f => +f.dataset.drawMs),
                                             date: date().innerText}));
        return;
      }
      if (now - t0 > timeout) { reject(new Error('step did not render within ' + timeout + ' ms')); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}
"""


def measure_step(page, timeout_ms: int = UI_TIMEOUT) -> dict:
    """Click Step inside the page and time it: to the new date text, and to the redrawn figures.

    Returns ``{"date_ms", "drawn_ms", "figures_ms", "draw_ms", "date"}``: ``date_ms`` until the
    date text shows the next month; ``drawn_ms`` until both canvases have drawn it; ``figures_ms``
    until the browser has then produced a new frame (the step is on screen); ``draw_ms`` is the
    canvases' own drawing time.
    """
    stepped = shown_step(page) + 1
    return page.evaluate(_MEASURE_JS, [str(stepped), timeout_ms])


def measure_steps(page, n: int = 10) -> dict:
    """Time ``n`` successive steps; median and all values in milliseconds."""
    runs = [measure_step(page) for _ in range(n)]
    date_ms = [r["date_ms"] for r in runs]
    drawn_ms = [r["drawn_ms"] for r in runs]
    draw_ms = [sum(r["draw_ms"]) for r in runs]
    figures_ms = [r["figures_ms"] for r in runs]
    return {"steps": n, "median_date_ms": round(statistics.median(date_ms), 1),
            "median_drawn_ms": round(statistics.median(drawn_ms), 1),
            "median_figures_ms": round(statistics.median(figures_ms), 1),
            "max_figures_ms": round(max(figures_ms), 1),
            "median_canvas_paint_ms": round(statistics.median(draw_ms), 1),
            "date_ms": [round(v, 1) for v in date_ms], "drawn_ms": [round(v, 1) for v in drawn_ms],
            "figures_ms": [round(v, 1) for v in figures_ms],
            "last_date": runs[-1]["date"] if runs else ""}
