"""Fixtures for testing the Solara dashboard in a real (headless) Chromium, fully offline.

What is here, for any browser test of the project:

* ``free_port`` — a free TCP port on 127.0.0.1.
* ``solara_server`` — a factory: ``solara_server(app, command=None)`` starts a Solara app in
  its own process group with :func:`sim.app.offline.offline_env`, waits until it answers,
  returns a :class:`SolaraServer` (``.url``, ``.log_path``, ``.startup_seconds``) and kills the
  process group at the end of the module.  ``command`` is a list of strings with the
  placeholders ``{python} {app} {host} {port}``; the default runs ``solara run`` (see
  :data:`DEFAULT_COMMAND`), the env var ``DDSIM_APP_COMMAND`` replaces it for the whole run
  (e.g. ``DDSIM_APP_COMMAND="ddsim app {app} --host {host} --port {port}"``).
* ``solara_app`` — the same for one app given by indirect parametrisation::

      @pytest.mark.parametrize("solara_app", ["tests/browser/demo_app.py"], indirect=True)
      def test_x(solara_app, page): page.goto(solara_app.url)

  (a param may also be a dict ``{"app": ..., "command": [...]}``).
* ``browser`` — Playwright's sync Chromium, Debian's ``/usr/bin/chromium`` with flags that keep
  it off the network.  Skipped when that binary is missing, unless ``CI`` is set: then it fails.
* ``page`` — a fresh page (1280x900); every request, failure, HTTP error and console error is
  recorded by a :class:`PageRecorder` (fixture ``page_recorder``); a failing test leaves a
  screenshot in ``test-artefacts/screenshots/``.
* ``save_screenshot(page, name)`` — save a screenshot there yourself.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `sim` is not installed into the venv; import it from the tree
    sys.path.insert(0, str(REPO_ROOT))

from sim.app.offline import OfflineAssetsError, ensure_offline_assets, offline_env  # noqa: E402

ARTEFACTS_DIR = REPO_ROOT / "test-artefacts"
SCREENSHOT_DIR = ARTEFACTS_DIR / "screenshots"
LOG_DIR = ARTEFACTS_DIR / "logs"

CHROMIUM = Path("/usr/bin/chromium")
#: Headless Chromium as root in a container, with every background service that would
#: phone home switched off.  The host-resolver rule makes any name but localhost
#: unresolvable, so even a stray request cannot leave the machine (it shows up as a
#: failed request instead).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,"
    "CertificateTransparencyComponentUpdater,AutofillServerCommunication,InterestFeedContentSuggestions",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--no-proxy-server",
    "--password-store=basic",
    "--use-mock-keychain",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

#: Default server command; placeholders are filled in by :func:`start_solara_server`.
DEFAULT_COMMAND: tuple[str, ...] = (
    "{python}", "-m", "solara", "run", "{app}",
    "--host", "{host}", "--port", "{port}",
    "--production", "--no-open", "--no-check-version",
)  # fmt: skip
COMMAND_ENV_VAR = "DDSIM_APP_COMMAND"

SERVER_START_TIMEOUT = float(os.environ.get("DDSIM_APP_START_TIMEOUT", "120"))

_used_log_names: set[str] = set()


# ----------------------------------------------------------------------------- helpers


def find_free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _local_opener() -> urllib.request.OpenerDirector:
    """A urllib opener that ignores *_proxy variables (the server is on loopback)."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_status(url: str, timeout: float = 5.0) -> int | None:
    """GET ``url`` directly (no proxy); return the status, or None if nothing answered."""
    try:
        with _local_opener().open(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, TimeoutError):
        return None


def _tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a text file (for error messages)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _kill_process_group(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group of ``process`` (solara forks), then SIGKILL what is left."""
    try:
        pgid = os.getpgid(process.pid)
    except ProcessLookupError:
        pgid = process.pid  # leader gone; children may still be in its group
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
        if process.poll() is not None and not _group_alive(pgid):
            break


def _group_alive(pgid: int) -> bool:
    """True while any process of group ``pgid`` exists."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _safe_name(text: str) -> str:
    """A file-name-safe version of a test id."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120] or "page"


@dataclass
class SolaraServer:
    """A running Solara app: where it answers and where its output goes."""

    url: str
    process: subprocess.Popen
    command: list[str]
    log_path: Path
    startup_seconds: float

    def log(self) -> str:
        """The server's output so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextlib.contextmanager
def start_solara_server(
    app: str | Path,
    *,
    command: Sequence[str] | None = None,
    port: int | None = None,
    host: str = "127.0.0.1",
    env: dict[str, str] | None = None,
    timeout: float = SERVER_START_TIMEOUT,
    log_name: str | None = None,
) -> Iterator[SolaraServer]:
    """Start a Solara app offline in a new process group; yield it once it answers; kill the group after.

    Args:
        app: the app module or path, as ``solara run`` takes it (relative paths from the repo root).
        command: argv template with ``{python} {app} {host} {port}`` placeholders; defaults to
            ``$DDSIM_APP_COMMAND`` (split like a shell would) or :data:`DEFAULT_COMMAND`.
        port: TCP port; a free one when None.
        host: interface to listen on.
        env: extra environment variables (over ``os.environ`` and ``offline_env()``).
        timeout: seconds to wait for ``GET /`` to answer 200.
        log_name: file name stem for the server log in ``test-artefacts/logs/`` (default: the app's stem).
    """
    try:
        cache_dir = ensure_offline_assets()
    except OfflineAssetsError as error:
        pytest.fail(f"offline assets are not available: {error}", pytrace=False)
    if command is None:
        override = os.environ.get(COMMAND_ENV_VAR)
        command = shlex.split(override) if override else DEFAULT_COMMAND
    port = port or find_free_port(host)
    fields = {"python": sys.executable, "app": str(app), "host": host, "port": str(port)}
    argv = [part.format(**fields) for part in command]
    full_env = {**os.environ, **offline_env(cache_dir), **(env or {})}
    full_env.setdefault("PYTHONUNBUFFERED", "1")
    # keep the checkout importable for the app (`sim` is not installed into the venv)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), full_env.get("PYTHONPATH", "")) if p)

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    stem = _safe_name(log_name or Path(str(app)).stem)
    if stem in _used_log_names:  # a second server of the same app in this run: keep both logs
        stem = f"{stem}-{port}"
    _used_log_names.add(stem)
    log_path = LOG_DIR / f"{stem}.log"
    url = f"http://{host}:{port}/"
    started = time.monotonic()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: solara forks, kill them all at the end
        )
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"server exited with code {process.returncode} before answering: {shlex.join(argv)}\n"
                    f"--- {log_path} ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            if http_status(url) == 200:
                break
            if time.monotonic() - started > timeout:
                pytest.fail(
                    f"server did not answer {url} within {timeout:.0f}s: {shlex.join(argv)}\n"
                    f"--- {log_path} ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield SolaraServer(url, process, argv, log_path, time.monotonic() - started)
    finally:
        _kill_process_group(process)


# ----------------------------------------------------------------------------- page recorder


@dataclass
class PageRecorder:
    """Records what a page asked the network for and what went wrong in it.

    Attach it before navigating (the ``page`` fixture does).  ``problems()`` lists
    everything a clean offline page must not have; ``assert_clean()`` fails with that list.
    """

    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page) -> PageRecorder:
        """Create a recorder and hook it to ``page``'s events."""
        recorder = cls()
        page.on("request", lambda request: recorder.requests.append(request.url))
        page.on("websocket", lambda ws: recorder.websockets.append(ws.url))
        page.on(
            "requestfailed",
            lambda request: recorder.failed_requests.append(f"{request.failure} {request.method} {request.url}"),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and recorder.bad_responses.append(f"HTTP {response.status} {response.request.method} {response.url}")
            ),
        )
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and recorder.console_errors.append(f"{message.text} @ {message.location.get('url', '')}")
            ),
        )
        page.on("pageerror", lambda error: recorder.page_errors.append(str(error)))
        return recorder

    def external_requests(self, allowed_hosts: frozenset[str] = LOCAL_HOSTS) -> list[str]:
        """Requests and websockets to any host but ``allowed_hosts`` (data:/blob:/about: are local)."""
        external = []
        for url in (*self.requests, *self.websockets):
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
                continue
            if parts.hostname not in allowed_hosts:
                external.append(url)
        return external

    def cdn_requests(self) -> list[str]:
        """Requests served through Solara's CDN proxy (``/_solara/cdn/...``)."""
        return [url for url in self.requests if "/_solara/cdn/" in url]

    def problems(self) -> list[str]:
        """Everything that makes the page not clean, one line each."""
        return [
            *(f"external request: {url}" for url in self.external_requests()),
            *(f"request failed: {item}" for item in self.failed_requests),
            *(f"bad response: {item}" for item in self.bad_responses),
            *(f"console error: {item}" for item in self.console_errors),
            *(f"page error: {item}" for item in self.page_errors),
        ]

    def assert_clean(self, allow: tuple[str, ...] = ()) -> None:
        """Fail the test if :meth:`problems` is not empty (but for problems containing one of
        the ``allow`` texts: known races in third-party front-end code, named where used)."""
        problems = [p for p in self.problems() if not any(text in p for text in allow)]
        assert not problems, "page was not clean offline:\n  " + "\n  ".join(problems)


def write_timings(section: str, values: dict) -> Path:
    """Merge ``values`` into ``test-artefacts/browser-timings.json`` under ``section`` (other sections kept)."""
    ARTEFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS_DIR / "browser-timings.json"
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[section] = values
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


# ----------------------------------------------------------------------------- fixtures


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def free_port() -> int:
    """A TCP port that is free on 127.0.0.1."""
    return find_free_port()


@pytest.fixture(scope="session")
def artefacts_dir() -> Path:
    """``test-artefacts/`` at the repo root (git-ignored), created."""
    ARTEFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS_DIR


@pytest.fixture(scope="session")
def screenshot_dir(artefacts_dir: Path) -> Path:
    """``test-artefacts/screenshots/``, created."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture(scope="session")
def save_screenshot(screenshot_dir: Path) -> Callable[..., Path]:
    """``save_screenshot(page, name, full_page=True) -> Path`` into ``test-artefacts/screenshots/``."""

    def save(page, name: str, *, full_page: bool = True) -> Path:
        path = screenshot_dir / f"{_safe_name(name)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture(scope="module")
def solara_server() -> Iterator[Callable[..., SolaraServer]]:
    """Factory ``solara_server(app, command=None, **kwargs) -> SolaraServer``; servers live for the module.

    Keyword arguments are those of :func:`start_solara_server`.
    """
    with contextlib.ExitStack() as stack:

        def start(app: str | Path, command: Sequence[str] | None = None, **kwargs) -> SolaraServer:
            return stack.enter_context(start_solara_server(app, command=command, **kwargs))

        yield start


@pytest.fixture(scope="module")
def solara_app(request, solara_server) -> SolaraServer:
    """One running app, chosen by indirect parametrisation (a path, or ``{"app": ..., "command": [...]}``)."""
    param = getattr(request, "param", None)
    if param is None:
        pytest.fail(
            'solara_app needs a parameter: @pytest.mark.parametrize("solara_app", ["path/app.py"], indirect=True)',
            pytrace=False,
        )
    if isinstance(param, dict):
        return solara_server(param["app"], command=param.get("command"))
    return solara_server(param)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never ``playwright install``).

    Skips when ``/usr/bin/chromium`` or Playwright is missing, unless ``CI`` is set (then fails):
    run ``bash .ci/install-browser.sh`` to install it.
    """
    in_ci = bool(os.environ.get("CI"))
    hint = "install it with `bash .ci/install-browser.sh` (Debian's chromium package)"
    if not CHROMIUM.exists():
        if in_ci:
            pytest.fail(f"{CHROMIUM} is missing in CI; {hint}", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing; {hint}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        if in_ci:
            pytest.fail(f"playwright is not importable in CI: {error}", pytrace=False)
        pytest.skip(f"playwright is not installed: {error}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, request, screenshot_dir: Path):
    """A new page in a fresh context, recording into ``page_recorder``; screenshot on failure."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    request.node.page_recorder = PageRecorder.attach(page)
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            with contextlib.suppress(Exception):
                page.screenshot(
                    path=str(screenshot_dir / f"FAILED-{_safe_name(request.node.nodeid)}.png"), full_page=True
                )
        context.close()


@pytest.fixture
def page_recorder(page, request) -> PageRecorder:
    """The :class:`PageRecorder` attached to this test's ``page``."""
    return request.node.page_recorder


@pytest.fixture(scope="session")
def record_timings() -> Callable[[str, dict], Path]:
    """``record_timings(section, values)``: merge measured figures into ``browser-timings.json``."""
    return write_timings
