"""``ddsim app``: serve the classroom dashboard, offline, until Ctrl-C.

Starts ``solara run sim.app.dashboard`` in its own process group with the offline
environment of :mod:`sim.app.offline` (assets from the local cache, no CDN, no
telemetry, no version check), waits until the page answers and prints its address.
Ctrl-C (or SIGTERM) is passed on to the server, which gets a few seconds to stop.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

from sim.app.offline import OfflineAssetsError, ensure_offline_assets, offline_env, solara_run_command
from sim.app.state import SCENARIOS_DIR_ENV, default_scenarios_dir, list_scenarios

APP_MODULE = "sim.app.dashboard"
START_TIMEOUT_S = 120.0
STOP_GRACE_S = 5.0
REPO_ROOT = Path(__file__).resolve().parents[2]


def _say(text: str) -> None:
    print(text, flush=True)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def lan_address() -> str | None:
    """This machine's address on the local network (no packet is sent), or None."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(("10.254.254.254", 1))
        address = sock.getsockname()[0]
        if not address.startswith("127."):
            return address
    return None


def _url_host(host: str) -> str:
    """``host`` as it goes into a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=3) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False
    except OSError:
        return False


def _stop(process: subprocess.Popen, first: int = signal.SIGINT) -> int:
    """Signal the server's process group, escalating to SIGTERM and SIGKILL; returns its exit code."""
    for sig, wait in ((first, STOP_GRACE_S), (signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
    return process.returncode if process.returncode is not None else 1


def app_command(host: str, port: int, scenarios_dir: Path | None, open_browser: bool) -> int:
    """Serve the dashboard on ``host:port`` until interrupted; returns the exit code.

    Args:
        host: interface to listen on; 127.0.0.1 (this machine only) unless the instructor
            passes another, e.g. 0.0.0.0 for students on the local network.
        port: TCP port.
        scenarios_dir: folder whose ``*.yaml`` files the page offers (default ``./scenarios``).
        open_browser: open the page in this machine's browser once it answers.

    Returns:
        0 after Ctrl-C, 1 if the server failed, 2 for bad arguments.
    """
    folder = (scenarios_dir or default_scenarios_dir()).resolve()
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        print(f"error: scenarios folder {folder} {what}; pass --scenarios-dir FOLDER "
              "(a folder of scenario .yaml files)", file=sys.stderr)
        return 2
    if not list_scenarios(folder):
        print(f"warning: no *.yaml files in {folder}; the page will show the built-in demo", file=sys.stderr)
    if not 0 < port < 65536:
        print(f"error: port {port} is not a TCP port (1-65535)", file=sys.stderr)
        return 2
    if not _port_free(host, port):
        print(f"error: cannot listen on {host}:{port} (in use, or not an address of this machine); "
              "pass another --port", file=sys.stderr)
        return 2
    try:
        cache = ensure_offline_assets()
    except OfflineAssetsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

    env = {**os.environ, **offline_env(cache), SCENARIOS_DIR_ENV: str(folder)}
    # Solara's corner banner links to solara.dev (a dead link offline) and covers the page's corner
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    # Solara warns on each plain-http page load that it cannot set a samesite=none cookie; it
    # falls back to samesite=lax, which is right for a classroom LAN, so keep the console quiet.
    quiet = "ignore:Cookies with samesite=none require https:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS", ""), quiet) if w)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    command = solara_run_command(APP_MODULE, host=host, port=port)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{_url_host(local)}:{port}/"
    _say(f"Starting the dashboard (scenarios from {folder}) ...")
    process = subprocess.Popen(command, env=env, start_new_session=True)

    def forward(signum, _frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        started = time.monotonic()
        while not _answers(url):
            if process.poll() is not None:
                print(f"error: the dashboard server stopped (exit code {process.returncode})", file=sys.stderr)
                return 1
            if time.monotonic() - started > START_TIMEOUT_S:
                print(f"error: the dashboard did not answer within {START_TIMEOUT_S:.0f} s", file=sys.stderr)
                _stop(process, signal.SIGTERM)
                return 1
            time.sleep(0.25)
        _say(f"Dashboard at http://{_url_host(host)}:{port}")
        if host in ("0.0.0.0", "::"):
            lan = lan_address()
            _say(f"  on this machine: {url}")
            _say(f"  students on the local network: http://{lan or '<this-machine-ip>'}:{port}")
        _say("Press Ctrl-C to stop.")
        if open_browser:
            webbrowser.open(url)
        return process.wait() or 0
    except KeyboardInterrupt:
        _say("\nStopping the dashboard ...")
        _stop(process, signal.SIGINT)
        return 0
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        if process.poll() is None:
            _stop(process, signal.SIGTERM)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
