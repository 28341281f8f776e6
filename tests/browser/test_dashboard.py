"""The classroom dashboard (``ddsim app``) in real headless Chromium, fully offline.

Starts the real command, ``ddsim app --host 127.0.0.1 --port <free port>``, once on the
repository's ``scenarios/`` folder and once on a temporary folder with a synthetic
40-state scenario (for timing) and a broken file (for error handling).  Screenshots go
to ``test-artefacts/screenshots/`` (``docs/classroom.md`` uses copies of them); the
measured step-render time goes to ``test-artefacts/browser-timings.json``.  Nothing
here asserts a time: speed targets are checked by ``benchmarks/bench_dashboard.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from dashboard_helpers import (
    ETHIOPIA,
    SCENARIOS,
    UKRAINE,
    choose,
    clear_multiple,
    date_text,
    ddsim_app_command,
    labels,
    measure_steps,
    options,
    select_scenario,
    shown_step,
    wait_ready,
    wait_step,
)
from synthetic_scenario import write_synthetic_scenario

pytestmark = pytest.mark.browser

TALL = {"width": 1280, "height": 3000}
CLASSROOM_START = "Before January 2030"


def _loads(path: Path) -> bool:
    from sim.scenario.loader import load_scenario

    try:
        load_scenario(path)
    except Exception:  # noqa: BLE001 - a scenario being written may not load yet
        return False
    return True


def _codes(path: Path) -> list[str]:
    from sim.scenario.loader import load_scenario

    return [s.iso3 for s in load_scenario(path).scenario.states]


def real_case() -> dict:
    """The Ukraine scenario when it is there (and loads), else Ethiopia-Eritrea."""
    if UKRAINE.exists() and _loads(UKRAINE):
        return {"file": UKRAINE.name, "code": "UKR", "actor": "GBR", "recipient": "UKR", "month": "2016-01",
                "shows": "January 2016", "other": "RUS"}
    return {"file": ETHIOPIA.name, "code": "ETH", "actor": "USA", "recipient": "ETH", "month": "2018-07",
            "shows": "July 2018", "other": "ERI"}


@pytest.fixture(scope="module")
def app(solara_server):
    """``ddsim app`` serving the repository's scenarios/ folder."""
    return solara_server("ddsim-app", command=ddsim_app_command(SCENARIOS))


@pytest.fixture(scope="module")
def timing_dir(tmp_path_factory) -> Path:
    """A scenarios folder: 40 synthetic states, the Ukraine case if present, and a broken file."""
    folder = tmp_path_factory.mktemp("scenarios")
    write_synthetic_scenario(folder, n=40)
    if UKRAINE.exists():
        (folder / UKRAINE.name).write_bytes(UKRAINE.read_bytes())
    (folder / "broken.yaml").write_text("meta:\n  title: broken on purpose\ncalendar: [this is not a calendar\n")
    return folder


@pytest.fixture(scope="module")
def timing_app(solara_server, timing_dir):
    """``ddsim app --scenarios-dir <timing_dir>``."""
    return solara_server("ddsim-app-timing", command=ddsim_app_command(timing_dir))


def open_page(page, server) -> None:
    page.goto(server.url, wait_until="domcontentloaded")
    wait_ready(page)


def step(page) -> None:
    before = shown_step(page)
    page.get_by_role("button", name="Step").click()
    wait_step(page, before + 1)


def play_until(page, at_least: int) -> None:
    """Press Play and wait until the page shows step ``at_least`` or later."""
    page.get_by_role("button", name="▶").click()
    page.wait_for_function(
        f"() => +document.querySelector('[data-testid=current-date]').dataset.step >= {at_least}",
        timeout=30_000)


# ----------------------------------------------------------------------------- tests


def test_page_loads_offline_and_clean(app, page, page_recorder, save_screenshot):
    """The page loads with the classroom case, lists exactly the scenario files, and is clean."""
    open_page(page, app)
    assert date_text(page) == CLASSROOM_START
    assert page.get_by_role("button", name="Reset").is_visible()
    assert page.get_by_role("button", name="Step").is_visible()
    assert page.locator("[data-testid=timeline]").is_visible()
    expected = sorted(p.name for p in SCENARIOS.iterdir() if p.suffix in (".yaml", ".yml"))
    assert options(page, "Scenario") == expected
    for _ in range(14):
        step(page)
    page.set_viewport_size(TALL)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus halo on Step
    save_screenshot(page, "dashboard-overview", full_page=False)
    page_recorder.assert_clean()
    assert "Traceback" not in app.log()


def test_step_advances_the_date(app, page, page_recorder):
    """Step moves the calendar date: before the start, then January, then February 2030."""
    open_page(page, app)
    assert date_text(page) == CLASSROOM_START
    step(page)
    assert date_text(page) == "January 2030"
    step(page)
    assert date_text(page) == "February 2030"
    page.get_by_role("button", name="Reset").click()
    wait_step(page, 0)
    assert date_text(page) == CLASSROOM_START
    page_recorder.assert_clean()


def test_seed_and_parameters_apply_on_reset(app, page, page_recorder):
    """Mesa's sliders set the seed and parameters; Reset builds this session's next model with them."""
    open_page(page, app)
    summary = page.get_by_test_id("parameters-now")
    assert summary.inner_text().startswith("This run: seed 0;")
    for label, presses in (("Random seed", 3), ("theta_intel (trust)", 2)):
        slider = page.locator(".v-input").filter(
            has=page.locator("label", has_text=re.compile(rf"^{re.escape(label)}$"))).locator("[role=slider]")
        slider.focus()
        for _ in range(presses):
            slider.press("ArrowRight")
    page.wait_for_timeout(500)
    step(page)
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=parameters-now]').innerText.startsWith('This run: seed 3;')",
        timeout=15_000)
    wait_step(page, 0)
    assert date_text(page) == CLASSROOM_START
    assert "theta_intel 0.7* (trust)" in summary.inner_text()
    assert "lam 0.97 (per month)" in summary.inner_text()  # untouched: not an override
    page_recorder.assert_clean()


def test_play_runs_and_pause_stops(app, page, page_recorder):
    """Play advances the date by itself; Pause stops it."""
    open_page(page, app)
    play_until(page, 4)
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for(timeout=10_000)
    page.wait_for_timeout(500)  # a step already under way may still land
    paused_at = shown_step(page)
    paused_date = date_text(page)
    page.wait_for_timeout(2000)
    assert shown_step(page) == paused_at
    assert date_text(page) == paused_date
    assert paused_at >= 4
    page_recorder.assert_clean()


def test_new_variant_while_playing_and_reset(app, page, page_recorder):
    """Loading another variant stops Play and starts the new run at its beginning; Reset keeps that variant."""
    open_page(page, app)
    play_until(page, 3)
    choose(page, "Variant", "no_commission")
    wait_step(page, 0)
    page.get_by_role("button", name="▶").wait_for(timeout=10_000)   # the controls are not playing
    page.wait_for_timeout(1500)
    assert shown_step(page) == 0   # nothing left over from the old run steps the new one
    step(page)
    page.get_by_role("button", name="Reset").click()
    wait_step(page, 0)
    assert "variant: no_commission" in page.locator(".ddsim-clock").inner_text()
    page_recorder.assert_clean()


def test_real_scenario_shows_its_states(app, page, page_recorder, save_screenshot, screenshot_dir):
    """Choosing the Ukraine scenario (else Ethiopia-Eritrea) shows its states in network and matrix."""
    case = real_case()
    open_page(page, app)
    select_scenario(page, case["file"])
    assert case["code"] in labels(page, "network")
    assert case["code"] in labels(page, "heatmap")
    choose(page, "Focal state", case["code"])
    page.wait_for_function("c => document.querySelector('.ddsim-network').innerText.includes(c + ' trusts most')",
                           arg=case["code"], timeout=30_000)
    page.get_by_label("Run to month (YYYY-MM)").fill(case["month"])
    page.get_by_role("button", name="Run to").click()
    page.wait_for_function("t => document.querySelector('[data-testid=current-date]').innerText === t",
                           arg=case["shows"], timeout=60_000)
    page.set_viewport_size(TALL)
    page.wait_for_load_state("networkidle")
    page.locator(".ddsim-network").screenshot(path=str(screenshot_dir / "real-network.png"))
    page.locator(".ddsim-heatmap").screenshot(path=str(screenshot_dir / "real-heatmap.png"))
    page.locator(".ddsim-series").screenshot(path=str(screenshot_dir / "real-series.png"))
    page.locator(".ddsim-timeline").screenshot(path=str(screenshot_dir / "real-timeline.png"))
    save_screenshot(page, "real-overview", full_page=False)
    # later in the story: after the full-scale invasion (Ukraine) or the peace (Ethiopia-Eritrea)
    page.get_by_label("Run to month (YYYY-MM)").fill("2023-06")
    page.get_by_role("button", name="Run to").click()
    page.wait_for_function("() => document.querySelector('[data-testid=current-date]').innerText === 'June 2023'",
                           timeout=60_000)
    page.wait_for_function("() => document.querySelector('[data-testid=network]').dataset.drawnStep == "
                           "document.querySelector('[data-testid=current-date]').dataset.step", timeout=30_000)
    page.wait_for_load_state("networkidle")
    page.locator(".ddsim-network").screenshot(path=str(screenshot_dir / "real-network-late.png"))
    page.locator(".ddsim-series").screenshot(path=str(screenshot_dir / "real-series-late.png"))
    page_recorder.assert_clean()


def test_instructor_action_appears_in_the_log(app, page, page_recorder, screenshot_dir):
    """'Let GBR share intelligence with UKR in 2016': applied now, logged with origin instructor."""
    case = real_case()
    open_page(page, app)
    select_scenario(page, case["file"])
    page.get_by_label("Run to month (YYYY-MM)").fill(case["month"])
    page.get_by_role("button", name="Run to").click()
    page.wait_for_function("t => document.querySelector('[data-testid=current-date]').innerText === t",
                           arg=case["shows"], timeout=60_000)
    card = page.locator(".ddsim-instructor")
    # an incomplete action is refused with a message, not a crash
    card.get_by_role("button", name="Apply now").click()
    card.get_by_text("Pick the state that acts (actor).").wait_for(timeout=15_000)
    choose(page, "Action", "intelligence_sharing")
    choose(page, "Actor (who acts)", case["actor"])
    choose(page, "Recipient", case["recipient"])
    card.get_by_label("Note for the log (optional)").fill("classroom test")
    card.get_by_role("button", name="Apply now").click()
    card.get_by_text(re.compile(r"^Applied intelligence sharing")).wait_for(timeout=15_000)
    log = page.get_by_test_id("event-log")
    row = log.locator("tr[data-origin=instructor]").first
    row.wait_for(timeout=15_000)
    assert f"{case['actor']} → {case['recipient']}" in row.inner_text()
    assert "INSTRUCTOR" in row.inner_text()
    assert "instructor action" in row.inner_text()  # the source column
    page.set_viewport_size(TALL)
    card.screenshot(path=str(screenshot_dir / "instructor-action.png"))
    page.locator(".ddsim-eventlog").screenshot(path=str(screenshot_dir / "event-log.png"))
    step(page)
    step(page)
    assert log.locator("tr[data-origin=instructor]").count() == 1  # still there, once
    page_recorder.assert_clean()


def test_bad_input_shows_messages(app, page, page_recorder):
    """An impossible date and an invalid action give messages in the page; the page keeps working."""
    open_page(page, app)
    field = page.get_by_label("Run to month (YYYY-MM)")
    field.fill("2031-13")
    page.get_by_role("button", name="Run to").click()
    page.get_by_text("'2031-13' is not a real date").wait_for(timeout=15_000)
    field.fill("next year")
    page.get_by_role("button", name="Run to").click()
    page.get_by_text("is not a month: write it as YYYY-MM").wait_for(timeout=15_000)
    field.fill("1999-01")
    page.get_by_role("button", name="Run to").click()
    page.get_by_text("is outside this scenario's calendar").wait_for(timeout=15_000)
    card = page.locator(".ddsim-instructor")
    choose(page, "Action", "high_level_visit")
    choose(page, "Actor (who acts)", "XRA")
    choose(page, "Recipient", "XRA")
    card.get_by_role("button", name="Apply now").click()
    card.get_by_text("The model refused this action").wait_for(timeout=15_000)
    assert "actor cannot be its own recipient" in card.inner_text()
    clear_multiple(page, "Pairs to follow")
    page.locator(".ddsim-series").get_by_text("No pair selected").wait_for(timeout=15_000)
    step(page)  # still works
    assert date_text(page) == "January 2030"
    page_recorder.assert_clean()


def test_sessions_have_independent_models(app, browser):
    """Two browser contexts (two students): stepping one leaves the other's date alone."""
    first_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    second_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        first, second = first_ctx.new_page(), second_ctx.new_page()
        open_page(first, app)
        open_page(second, app)
        for _ in range(3):
            step(first)
        assert date_text(first) == "March 2030"
        second.wait_for_timeout(500)
        assert date_text(second) == CLASSROOM_START
        step(second)
        assert date_text(second) == "January 2030"
        assert date_text(first) == "March 2030"
        # a second tab in the same browser is a session of its own too
        third = first_ctx.new_page()
        open_page(third, app)
        assert date_text(third) == CLASSROOM_START
    finally:
        first_ctx.close()
        second_ctx.close()


def test_compare_with_a_variant(app, page, page_recorder, screenshot_dir):
    """Side by side: a second model of another variant follows this one; the difference is drawn."""
    open_page(page, app)
    choose(page, "Variant", "no_commission")
    wait_step(page, 0)
    page.locator(".ddsim-compare").get_by_text("Compare this run with a second run").click()
    choose(page, "Compare with variant", "baseline")
    page.get_by_test_id("compare-heatmap").wait_for(timeout=30_000)
    page.get_by_label("Run to month (YYYY-MM)").fill("2034-06")
    page.get_by_role("button", name="Run to").click()
    page.wait_for_function("() => document.querySelector('[data-testid=current-date]').innerText === 'June 2034'",
                           timeout=60_000)
    compare = page.locator(".ddsim-compare")
    compare.get_by_text(re.compile(r"at 54 of 60 steps")).wait_for(timeout=15_000)  # it caught up
    assert "none yet" not in compare.inner_text()  # the commission makes a difference by 2034
    page.set_viewport_size(TALL)
    compare.screenshot(path=str(screenshot_dir / "compare.png"))
    page_recorder.assert_clean()


def download(page, label: str, attempts: int = 3) -> Path:
    """Click a download button and return the downloaded file. The export panel is
    redrawn after each step; a click that lands while its button is being replaced
    is lost (as it would be for a student, who clicks again), so click again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    for attempt in range(attempts):
        try:
            with page.expect_download(timeout=15_000) as info:
                page.get_by_role("button", name=label).click()
            return Path(info.value.path())
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def test_export_downloads(app, page, page_recorder):
    """The event log downloads as CSV and the network as PNG."""
    open_page(page, app)
    for _ in range(3):
        step(page)
    text = download(page, "Event log (CSV)").read_text()
    assert text.splitlines()[0].startswith("step,date,kind,actor")
    assert "high_level_visit" in text
    assert download(page, "Network (PNG)").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page_recorder.assert_clean()


def test_broken_scenario_shows_an_error(timing_app, page, page_recorder):
    """A scenario file that does not load gives a message; the previous scenario stays."""
    open_page(page, timing_app)
    before = date_text(page)
    choose(page, "Scenario", "broken.yaml")
    scenario_card = page.locator(".ddsim-scenario")
    scenario_card.get_by_text("broken.yaml could not be loaded, the previous scenario stays").wait_for(timeout=30_000)
    assert date_text(page) == before
    page.wait_for_function("() => !document.querySelector('.ddsim-scenario .v-select__selections')"
                           ".innerText.includes('broken.yaml')", timeout=15_000)  # the picker shows what runs
    step(page)
    page_recorder.assert_clean()


def test_step_render_time_40_states(timing_app, page, page_recorder, record_timings, timing_dir, save_screenshot):
    """Click Step to new date (and redrawn figures) at 40 states; the figure goes to browser-timings.json."""
    open_page(page, timing_app)
    results = {}
    cases = [("synthetic_40_states", "synthetic_40_states.yaml")]
    if (timing_dir / UKRAINE.name).exists() and _loads(timing_dir / UKRAINE.name):
        cases.append(("ukraine_2014_2023", UKRAINE.name))
    for name, file_name in cases:
        select_scenario(page, file_name)
        for _ in range(12):  # warm-up into the run (past the first events)
            step(page)
        timing = measure_steps(page, 10)
        timing["states"] = 40 if name.startswith("synthetic") else len(_codes(timing_dir / file_name))
        results[name] = timing
        print(f"\n{name}: median step -> date {timing['median_date_ms']} ms, -> network and matrix drawn "
              f"{timing['median_drawn_ms']} ms, -> on screen {timing['median_figures_ms']} ms")
    save_screenshot(page, "timing-last-scenario", full_page=False)
    record_timings("dashboard_step_render", {
        "what": "click Step -> date text updated (date_ms) / network and matrix drawn (drawn_ms) / next "
                "frame after that (figures_ms); median of 10 steps, headless Chromium, this machine",
        "load_average": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        **results})
    assert results["synthetic_40_states"]["steps"] == 10
    page_recorder.assert_clean()
