"""Smoke test: a Mesa SolaraViz page works in a real browser with no internet at all.

Serves ``demo_app.py`` with the offline environment (``sim.app.offline``) and checks in
headless Chromium that the page renders, its controls and plots appear, clicks reach
Python and come back, every request stays on localhost and succeeds, and the console
has no errors.  Leaves a screenshot and the load time in ``test-artefacts/``.
"""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path

import pytest

from sim.app.offline import missing_offline_assets, solara_cdn_packages

DEMO_APP = str(Path(__file__).with_name("demo_app.py"))

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("solara_app", [DEMO_APP], indirect=True, ids=["demo_app"])]

#: SolaraViz's "Information" card at step 0 (mesa shows model.time, a float).
TIME_0 = re.compile(r"^Time: 0(\.0)?$")

#: A race in Solara's own Vega-Lite widget (solara/widgets/vue/vegalite.vue), not an offline
#: problem: every new chart widget calls ``requirejs.undef`` on vega, vega-lite and vega-embed
#: and defines them again, so a chart created by Reset while another chart's ``require`` is
#: in flight can get a half-defined vega-embed, which then reads ``usermeta`` of an undefined
#: spec. Seen once in many CI runs. Only this demo page uses Altair (the dashboard draws on
#: canvases of its own), and the test still requires the chart to be drawn after Reset.
VEGA_WIDGET_RACE = ("page error: Cannot read properties of undefined (reading 'usermeta')",)

#: Packages every SolaraViz page must have fetched through /_solara/cdn/.
CORE_PACKAGES = (
    "@widgetti/solara-vuetify-app@",
    "requirejs@",
    "font-awesome@",
    "@widgetti/vue-grid-layout@",
)


def test_offline_assets_complete(solara_app):
    """Every package Solara refers to is unpacked, and the server serves it from the cache."""
    assert missing_offline_assets() == []
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for loopback
    for package in solara_cdn_packages():
        for file in package.files:
            url = f"{solara_app.url}_solara/cdn/{package.url_dir}/{file}"
            with opener.open(url, timeout=10) as response:
                assert response.status == 200, url


def test_page_works_offline(solara_app, page, page_recorder, save_screenshot, record_timings):
    """The dashboard loads, renders and reacts without any request leaving localhost."""
    from playwright.sync_api import expect

    started = time.monotonic()
    page.goto(solara_app.url, wait_until="domcontentloaded")
    step = page.get_by_role("button", name="Step")
    expect(step).to_be_visible(timeout=60_000)
    controls_seconds = time.monotonic() - started

    # SolaraViz sidebar: controls and model info
    expect(page.get_by_role("button", name="Reset")).to_be_visible()
    expect(page.get_by_text("Offline demo")).to_be_visible()
    expect(page.get_by_text(TIME_0)).to_be_visible()

    # main area (inside vue-grid-layout): matplotlib image, Vega chart, Markdown with KaTeX
    expect(page.locator(".vue-grid-layout")).to_be_visible(timeout=30_000)
    expect(page.locator(".vue-grid-layout img").first).to_be_visible(timeout=30_000)
    expect(page.locator(".vega-embed canvas").first).to_be_visible(timeout=30_000)
    expect(page.locator(".katex").first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Count click")).to_be_visible()
    page.wait_for_load_state("networkidle")
    everything_seconds = time.monotonic() - started

    # clicks make the round trip browser -> websocket -> Python -> browser
    step.click()
    expect(page.get_by_text(re.compile(r"^Time: 1(\.0)?$"))).to_be_visible(timeout=15_000)
    step.click()
    expect(page.get_by_text(re.compile(r"^Time: 2(\.0)?$"))).to_be_visible(timeout=15_000)
    clicks = page.get_by_text(re.compile(r"^Clicked \d+ times$"))
    before = int(re.search(r"\d+", clicks.inner_text()).group())
    page.get_by_role("button", name="Count click").click()
    expect(page.get_by_text(f"Clicked {before + 1} times")).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    shot = save_screenshot(page, "offline-smoke-demo")
    assert shot.stat().st_size > 10_000

    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text(TIME_0)).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    expect(page.locator(".vega-embed canvas").first).to_be_visible(timeout=30_000)

    timings = {
        "server_start_s": round(solara_app.startup_seconds, 2),
        "page_controls_visible_s": round(controls_seconds, 2),
        "page_fully_rendered_s": round(everything_seconds, 2),
        "requests": len(page_recorder.requests),
        "cdn_requests": len(page_recorder.cdn_requests()),
    }
    record_timings("offline_smoke_demo_app", timings)
    print(f"\ntimings: {timings}")

    cdn = page_recorder.cdn_requests()
    for package in CORE_PACKAGES:
        assert any(f"/_solara/cdn/{package}" in url for url in cdn), f"no request for {package}: {cdn}"
    page_recorder.assert_clean(allow=VEGA_WIDGET_RACE)
    log = solara_app.log()
    assert "Could not load URL" not in log, f"the server tried to fetch an asset from the CDN:\n{log}"
