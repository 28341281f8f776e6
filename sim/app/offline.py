"""Serve the Solara dashboard without any internet access.

Solara's page loads its front-end (Vue/Vuetify bundle, require.js, Font Awesome,
and — on demand — vue-grid-layout, KaTeX, Mermaid, Vega) from
``<server>/_solara/cdn/<npm-package>@<version>/<file>``.  The server answers such a
request from its *asset proxy cache* directory
(``settings.assets.proxy_cache_dir``, env ``SOLARA_ASSETS_PROXY_CACHE_DIR``) and only
on a cache miss downloads the file from a public CDN (``SOLARA_ASSETS_CDN``).  Without
internet such a miss turns into a blank page.

This module fills that cache ahead of time, straight from the npm registry (which is
reachable here), so nothing is ever fetched from a CDN:

* :func:`ensure_offline_assets` downloads the npm tarballs Solara refers to (with pure
  Python ``urllib`` from the registry npm is configured with; ``npm pack`` is only a
  fallback), checks their integrity hash and unpacks each one to
  ``<cache>/<name>@<version-as-in-the-url>/``, the exact layout the CDN proxy looks up.
  The package list and versions are read from the installed Solara source, so a
  Solara upgrade is picked up automatically.
* :func:`offline_env` gives the ``SOLARA_*`` environment variables to start
  ``solara run`` with, so the server uses that cache and never reaches out (no CDN,
  no telemetry).  :data:`SOLARA_RUN_OFFLINE_ARGS` holds the CLI flags that have no
  environment variable (version check, opening a browser).

Command line: ``python -m sim.app.offline [--cache-dir DIR] [--check] [--print-env]``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = [
    "BASELINE_PACKAGES",
    "CACHE_DIR_ENV_VAR",
    "OFFLINE_CDN_SENTINEL",
    "SOLARA_RUN_OFFLINE_ARGS",
    "CdnPackage",
    "OfflineAssetsError",
    "default_cache_dir",
    "ensure_offline_assets",
    "missing_offline_assets",
    "offline_env",
    "solara_cdn_packages",
    "solara_run_command",
]

logger = logging.getLogger(__name__)

#: Environment variable that overrides where the assets are kept.
CACHE_DIR_ENV_VAR = "DDSIM_SOLARA_ASSETS_DIR"

#: Environment variables npm itself reads for the registry URL (checked first).
REGISTRY_ENV_VARS = ("NPM_CONFIG_REGISTRY", "npm_config_registry")

#: What ``SOLARA_ASSETS_CDN`` is set to: a loopback address nothing listens on.  A cache
#: miss then fails at once, on this machine, and the server log names the missing file
#: ("Could not load URL: http://127.0.0.1:9/ddsim-offline-asset-missing/<pkg>@<v>/...").
OFFLINE_CDN_SENTINEL = "http://127.0.0.1:9/ddsim-offline-asset-missing/"

#: ``solara run`` flags that have no environment variable: no PyPI version check, and
#: no ``webbrowser.open`` of the page (with chromium installed it would start one).
SOLARA_RUN_OFFLINE_ARGS: tuple[str, ...] = ("--no-check-version", "--no-open")

#: Name of the file written into a package folder once it is completely unpacked.
MARKER_FILE = ".ddsim-offline-asset.json"

_USER_AGENT = "ddsim-offline-assets (python urllib)"
_HTTP_TIMEOUT = 60
_HTTP_TRIES = 3


class OfflineAssetsError(RuntimeError):
    """The offline assets could not be installed or are incomplete; the message says why and what to do."""


@dataclass(frozen=True)
class CdnPackage:
    """One npm package that Solara's page loads through ``/_solara/cdn/``.

    Attributes:
        name: npm package name, possibly scoped (``@widgetti/solara-vuetify-app``).
        spec: the version exactly as it appears in the URL: an exact version
            (``10.1.1``, ``2.3.13-alpha.2``) or a jsDelivr-style range (``5``, ``5.2``)
            that resolves to the highest matching stable release.
        files: files inside the package that Solara refers to, relative to the package
            root (used to verify an installation; may be empty).
    """

    name: str
    spec: str
    files: tuple[str, ...] = field(default=(), compare=False)

    @property
    def url_dir(self) -> str:
        """The folder below the cache (and below ``/_solara/cdn/``): ``name@spec``."""
        return f"{self.name}@{self.spec}"

    @property
    def is_exact(self) -> bool:
        """True when :attr:`spec` names one exact version rather than a range."""
        return _EXACT_VERSION.fullmatch(self.spec) is not None

    def __str__(self) -> str:
        """Return ``name@spec``."""
        return self.url_dir


_EXACT_VERSION = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
_RANGE_VERSION = re.compile(r"\d+(?:\.\d+)?")

#: What Solara 1.64.1 (with ipyvue 1.x / ipywidgets 8) asks for; only used when the
#: installed Solara source cannot be scanned (see :func:`solara_cdn_packages`).
BASELINE_PACKAGES: tuple[CdnPackage, ...] = (
    CdnPackage(
        "@widgetti/solara-vuetify-app",
        "10.1.1",
        (
            "dist/main8.css",
            "dist/fonts.css",
            "dist/solara-vuetify-app8.js",
            "dist/solara-vuetify-app8.min.js",
        ),
    ),
    CdnPackage("requirejs", "2.3.6", ("require.js", "require.min.js")),
    CdnPackage("font-awesome", "4.5.0", ("css/font-awesome.min.css",)),
    CdnPackage("@widgetti/vue-grid-layout", "2.3.13-alpha.2", ("dist/vue-grid-layout.umd.js",)),
    CdnPackage(
        "katex",
        "0.16.9",
        ("dist/katex.min.js", "dist/katex.min.css", "dist/contrib/auto-render.min.js"),
    ),
    CdnPackage("mermaid", "10.8.0", ("dist/mermaid.min.js",)),
    CdnPackage("vega", "5", ("build/vega.min.js",)),
    CdnPackage("vega-lite", "5", ("build/vega-lite.min.js",)),
    CdnPackage("vega-embed", "6", ("build/vega-embed.min.js",)),
)

# A reference to the CDN in Solara's templates (.j2), Vue components (.vue) and settings:
#   {{cdn}}/@widgetti/solara-vuetify-app@10.1.1/dist/main{{ipywidget_major_version}}.css
#   ${this.getCdn()}/katex@0.16.9/dist/katex.min.js
#   fontawesome_path: str = "/font-awesome@4.5.0/css/font-awesome.min.css"
_CDN_REFERENCE = re.compile(
    r"""(?:\{\{\s*cdn\s*\}\}|\$\{\s*this\.getCdn\(\)\s*\}|fontawesome_path\s*:\s*str\s*=\s*["'])"""
    r"""/(?P<name>(?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*)"""
    r"""@(?P<spec>\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?)"""
    r"""(?P<path>/[^"'`\s<>()]*)?"""
)
_SCANNED_SUFFIXES = {".j2", ".html", ".vue", ".py"}
# solara/website is solara.dev itself and solara/template the `solara create` skeletons:
# neither is part of a served app.
_SKIPPED_DIRS = {"website", "template", "__pycache__", "node_modules"}
_VUE3_ONLY = {"@widgetti/solara-vuetify3-app"}
_VUE2_ONLY = {"@widgetti/solara-vuetify-app"}


# ----------------------------------------------------------------------------- discovery


def _major_version(distribution: str) -> int | None:
    """Return the major version of an installed distribution, or None if it is not installed."""
    try:
        return int(importlib.metadata.version(distribution).split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


def _solara_package_dir() -> Path | None:
    """Locate the installed ``solara`` package folder without importing it."""
    spec = importlib.util.find_spec("solara")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def solara_cdn_packages() -> tuple[CdnPackage, ...]:
    """List the npm packages (and files) the installed Solara loads through its CDN proxy.

    Scans the installed Solara source (templates, Vue components, settings) for CDN
    URLs with a literal version, e.g. ``{{cdn}}/requirejs@2.3.6/require.js``.  URLs
    whose version is a run-time variable (ECharts, CodeMirror, Milkdown) are not
    found; pass them to :func:`ensure_offline_assets` as ``extra`` if the app uses
    them.  The bundle for the other Vue major version is left out (Solara picks the
    Vue 3 bundle only with ipyvue 3).  Falls back to :data:`BASELINE_PACKAGES` when the
    source cannot be read.

    Returns:
        The packages, in the order first referenced, each with the files referenced in it.
    """
    root = _solara_package_dir()
    if root is None:
        logger.warning("solara is not installed here; using the built-in package list")
        return BASELINE_PACKAGES
    ipywidgets_major = _major_version("ipywidgets") or 8
    vue3 = (_major_version("ipyvue") or 1) >= 3
    found: dict[tuple[str, str], set[str]] = {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in _SCANNED_SUFFIXES or not path.is_file():
            continue
        if _SKIPPED_DIRS.intersection(path.relative_to(root).parts[:-1]):
            continue
        if "test" in path.name:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for match in _CDN_REFERENCE.finditer(text):
            name, spec, file = match["name"], match["spec"], (match["path"] or "").lstrip("/")
            if name in (_VUE2_ONLY if vue3 else _VUE3_ONLY):
                continue
            files = found.setdefault((name, spec), set())
            file = re.sub(r"\{\{\s*ipywidget_major_version\s*\}\}", str(ipywidgets_major), file)
            if file and not any(ch in file for ch in "{}$"):
                files.add(file)
    if not found:
        logger.warning("found no CDN references in %s; using the built-in package list", root)
        return BASELINE_PACKAGES
    return tuple(CdnPackage(name, spec, tuple(sorted(files))) for (name, spec), files in found.items())


def _parse_extra(spec: str | CdnPackage) -> CdnPackage:
    """Turn ``"echarts@5.4.0"`` (or a :class:`CdnPackage`) into a :class:`CdnPackage`."""
    if isinstance(spec, CdnPackage):
        return spec
    name, sep, version = spec.rpartition("@")
    if not sep or not name or not version:
        raise OfflineAssetsError(f"extra asset {spec!r} is not of the form NAME@VERSION (e.g. echarts@5.4.0)")
    return CdnPackage(name, version)


# ----------------------------------------------------------------------------- locations


def default_cache_dir() -> Path:
    """Return where the assets are kept unless told otherwise.

    ``$DDSIM_SOLARA_ASSETS_DIR`` if set, else ``$XDG_CACHE_HOME/ddsim/solara-cdn``
    (``~/.cache/ddsim/solara-cdn``): a per-user cache that outlives virtualenv rebuilds
    and fresh clones of the repository.
    """
    override = os.environ.get(CACHE_DIR_ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(base).expanduser() / "ddsim" / "solara-cdn").resolve()


def offline_env(cache_dir: Path | None = None) -> dict[str, str]:
    """Environment variables to start ``solara run`` with so it never goes online.

    Merge them over ``os.environ`` when starting the server, and pass
    :data:`SOLARA_RUN_OFFLINE_ARGS` on its command line (see :func:`solara_run_command`).

    * ``SOLARA_ASSETS_PROXY=True``: the page loads assets from this server's
      ``/_solara/cdn/`` (Solara turns the proxy off by itself inside VS Code, Colab or
      Voila, and the browser would then go to the public CDN).
    * ``SOLARA_ASSETS_PROXY_CACHE_DIR``: the folder :func:`ensure_offline_assets` fills.
    * ``SOLARA_ASSETS_CDN``: :data:`OFFLINE_CDN_SENTINEL`, so a file missing from the cache
      fails locally and visibly instead of being fetched from cdn.jsdelivr.net.
    * ``SOLARA_TELEMETRY_MIXPANEL_ENABLE=False``: no usage reports (and no public-IP
      lookup) at server start.

    Args:
        cache_dir: the asset folder; :func:`default_cache_dir` when None.

    Returns:
        The variables as a new dict of strings (the caller's ``os.environ`` is untouched).
    """
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return {
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(directory.resolve()),
        "SOLARA_ASSETS_CDN": OFFLINE_CDN_SENTINEL,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    }


def solara_run_command(
    app: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    production: bool = True,
    extra_args: Iterable[str] = (),
) -> list[str]:
    """Build the ``solara run`` command line for serving ``app`` offline.

    Args:
        app: module name or path of the Solara app (e.g. ``sim/app/dashboard.py``).
        host: interface to listen on.
        port: TCP port.
        production: pass ``--production`` (minified bundle, no auto-reload).
        extra_args: further ``solara run`` options.

    Returns:
        ``[python, -m, solara, run, app, --host, ..., --port, ..., *SOLARA_RUN_OFFLINE_ARGS]``;
        start it with ``env={**os.environ, **offline_env()}``.
    """
    command = [sys.executable, "-m", "solara", "run", app, "--host", host, "--port", str(port)]
    if production:
        command.append("--production")
    command += [*SOLARA_RUN_OFFLINE_ARGS, *extra_args]
    return command


# ----------------------------------------------------------------------------- checking


def _read_marker(package_dir: Path) -> dict | None:
    """Return the install record of a package folder, or None if it is not complete."""
    try:
        return json.loads((package_dir / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _missing_files(package_dir: Path, package: CdnPackage) -> list[str]:
    """Files of ``package`` that Solara refers to but that are not in ``package_dir``."""
    return [f for f in package.files if not (package_dir / f).is_file()]


def missing_offline_assets(cache_dir: Path | None = None, *, extra: Iterable[str | CdnPackage] = ()) -> list[str]:
    """Say what is missing from the cache, without touching the network.

    Args:
        cache_dir: the asset folder; :func:`default_cache_dir` when None.
        extra: further ``NAME@VERSION`` packages to check.

    Returns:
        Human-readable problems (``"requirejs@2.3.6: not installed"``); empty when complete.
    """
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    problems = []
    for package in (*solara_cdn_packages(), *(_parse_extra(e) for e in extra)):
        package_dir = directory / package.url_dir
        if _read_marker(package_dir) is None:
            problems.append(f"{package}: not installed")
            continue
        missing = _missing_files(package_dir, package)
        if missing:
            problems.append(f"{package}: missing {', '.join(missing)}")
    return problems


# ----------------------------------------------------------------------------- downloading


def _registry_from_npmrc(path: Path) -> str | None:
    """The ``registry=`` value of an npmrc file, if it has one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key.strip() == "registry" and value.strip():
            return value.strip().strip("\"'")
    return None


@lru_cache(maxsize=1)
def _configured_registry() -> str | None:
    """Find the npm registry the way npm does, without hard-coding one.

    In order: ``$NPM_CONFIG_REGISTRY``/``$npm_config_registry``, the user's and the
    system's npmrc, then ``npm config get registry`` (npm's own default) if npm is on
    PATH.  Returns the URL with a trailing slash, or None when none is configured.
    """
    url = next((os.environ[name] for name in REGISTRY_ENV_VARS if os.environ.get(name)), None)
    if url is None:
        userconfig = os.environ.get("NPM_CONFIG_USERCONFIG") or str(Path.home() / ".npmrc")
        for npmrc in (Path(userconfig), Path("/etc/npmrc"), Path("/usr/etc/npmrc")):
            url = _registry_from_npmrc(npmrc)
            if url:
                break
    npm = shutil.which("npm")
    if url is None and npm is not None:
        try:
            result = subprocess.run(
                [npm, "config", "get", "registry"], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            result = None
        if result is not None and result.returncode == 0 and result.stdout.strip().startswith("http"):
            url = result.stdout.strip().splitlines()[-1].strip()
    if not url:
        return None
    return url if url.endswith("/") else url + "/"


def _registry() -> str:
    """The npm registry base URL (see :func:`_configured_registry`); raises if there is none."""
    url = _configured_registry()
    if url is None:
        raise OfflineAssetsError(
            "no npm registry is configured: set NPM_CONFIG_REGISTRY to the npm registry URL "
            "(or install npm, whose default registry is then used), then run `python -m sim.app.offline` again."
        )
    return url


def _registry_description() -> str:
    """The registry URL for messages, or a note that none is configured."""
    return _configured_registry() or "(no registry configured)"


def _http_get(url: str, *, accept: str | None = None) -> bytes:
    """GET ``url`` with a few retries; raises ``OSError`` (incl. ``URLError``) on failure."""
    headers = {"User-Agent": _USER_AGENT}
    if accept:
        headers["Accept"] = accept
    last_error: Exception | None = None
    for attempt in range(_HTTP_TRIES):
        if attempt:
            time.sleep(attempt)
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            last_error = error
            if 400 <= error.code < 500 and error.code != 429:
                break  # will not get better
        except (OSError, TimeoutError) as error:
            last_error = error
    assert last_error is not None
    raise last_error


def _version_key(version: str) -> tuple[int, int, int]:
    """Sort key of a stable ``X.Y.Z`` version."""
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def _resolve_range(package: CdnPackage, versions: Iterable[str]) -> str:
    """Pick the highest stable version matching a jsDelivr-style range (``5``, ``5.2``)."""
    prefix = tuple(int(part) for part in package.spec.split("."))
    stable = [v for v in versions if re.fullmatch(r"\d+\.\d+\.\d+", v)]
    matching = [v for v in stable if _version_key(v)[: len(prefix)] == prefix]
    if not matching:
        raise OfflineAssetsError(f"{package}: the npm registry has no stable release matching {package.spec!r}")
    return max(matching, key=_version_key)


def _registry_metadata(package: CdnPackage) -> tuple[str, dict]:
    """Ask the registry for the exact version and the ``dist`` record of ``package``."""
    base = _registry() + urllib.parse.quote(package.name, safe="@")
    if package.is_exact:
        meta = json.loads(_http_get(f"{base}/{package.spec}"))
        return meta["version"], meta["dist"]
    # abbreviated "corgi" document: all versions with their dist records, much smaller
    meta = json.loads(_http_get(base, accept="application/vnd.npm.install-v1+json"))
    version = _resolve_range(package, meta.get("versions", {}))
    return version, meta["versions"][version]["dist"]


def _check_integrity(data: bytes, dist: Mapping[str, str], what: str) -> str:
    """Verify a tarball against the registry's ``integrity`` (SRI) or ``shasum``; return the hash used."""
    integrity = dist.get("integrity", "")
    for item in integrity.split():
        algorithm, _, expected = item.partition("-")
        if algorithm in ("sha512", "sha384", "sha256"):
            actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
            if actual != expected:
                raise OfflineAssetsError(f"{what}: downloaded tarball does not match its {algorithm} integrity hash")
            return item
    shasum = dist.get("shasum")
    if shasum:
        if hashlib.sha1(data).hexdigest() != shasum:
            raise OfflineAssetsError(f"{what}: downloaded tarball does not match its sha1 shasum")
        return f"sha1:{shasum}"
    raise OfflineAssetsError(f"{what}: the registry gave no integrity hash to check the tarball against")


def _download_with_python(package: CdnPackage) -> tuple[bytes, str, str]:
    """Fetch the tarball straight from the npm registry; return (bytes, version, integrity)."""
    version, dist = _registry_metadata(package)
    data = _http_get(dist["tarball"])
    integrity = _check_integrity(data, dist, f"{package.name}@{version}")
    return data, version, integrity


def _download_with_npm(package: CdnPackage, npm: str) -> tuple[bytes, str, str]:
    """Fetch the tarball with ``npm pack`` (uses the user's .npmrc); return (bytes, version, integrity)."""
    with tempfile.TemporaryDirectory(prefix="ddsim-npm-pack-") as tmp:
        result = subprocess.run(
            [
                npm,
                "pack",
                package.url_dir,
                "--json",
                "--loglevel=error",
                "--prefer-offline",
                "--pack-destination",
                tmp,
                # fail within about a minute when the registry is unreachable (default: minutes)
                "--fetch-retries=1",
                "--fetch-timeout=30000",
                "--fetch-retry-maxtimeout=10000",
            ],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            output = " ".join((result.stderr + " " + result.stdout).split())
            raise OfflineAssetsError(
                f"`npm pack {package}` failed: {output[-600:] or f'exit code {result.returncode}'}"
            )
        info = json.loads(result.stdout[result.stdout.index("[") :])[0]
        data = (Path(tmp) / info["filename"]).read_bytes()
        return data, info["version"], info.get("integrity", "")


def _download(package: CdnPackage) -> tuple[bytes, str, str, str]:
    """Get the tarball of ``package`` (Python first, ``npm pack`` as fallback): (bytes, version, integrity, source)."""
    try:
        return (*_download_with_python(package), "registry-http")
    except OfflineAssetsError:
        raise
    except (OSError, ValueError, KeyError) as error:
        python_error = error
    npm = shutil.which("npm")
    if npm is None:
        raise OfflineAssetsError(
            f"could not download {package} from the npm registry {_registry_description()} "
            f"({type(python_error).__name__}: {python_error}), and npm is not installed to try "
            "`npm pack` instead. Check the network or NPM_CONFIG_REGISTRY, or install npm "
            "(apt-get install -y npm), then run `python -m sim.app.offline` again."
        )
    logger.warning("download of %s with Python failed (%s); trying `npm pack`", package, python_error)
    try:
        return (*_download_with_npm(package, npm), "npm-pack")
    except (OfflineAssetsError, OSError, ValueError, KeyError, IndexError, subprocess.TimeoutExpired) as npm_error:
        raise OfflineAssetsError(
            f"could not download {package}: from the npm registry {_registry_description()} with Python "
            f"({type(python_error).__name__}: {python_error}), nor with npm ({npm_error}). "
            "Check the network or NPM_CONFIG_REGISTRY, then run `python -m sim.app.offline` again."
        ) from None


def _unpack(data: bytes, destination: Path) -> None:
    """Unpack an npm tarball into ``destination``, dropping its top folder (``package/``)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        archive.extractall(destination, filter="data")
    entries = list(destination.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        top = entries[0].rename(destination / ".ddsim-unpack-top")  # in case it holds a `package/` too
        for child in list(top.iterdir()):
            child.rename(destination / child.name)
        top.rmdir()


def _add_jsdelivr_minified_aliases(package_dir: Path, package: CdnPackage) -> list[str]:
    """Mimic jsDelivr's on-the-fly minification for referenced ``*.min.js``/``*.min.css`` files.

    jsDelivr serves ``x.min.js`` for any ``x.js`` even when the package has no such file
    (Solara's Markdown asks for ``requirejs@2.3.6/require.min.js``, which npm's
    requirejs does not ship).  The unminified file works the same, so it is copied.

    Returns:
        The files created.
    """
    created = []
    for file in package.files:
        target = package_dir / file
        if target.exists():
            continue
        source = package_dir / re.sub(r"\.min\.(js|css)$", r".\1", file)
        if source != target and source.is_file():
            shutil.copyfile(source, target)
            created.append(file)
    return created


def _install_package(package: CdnPackage, cache_dir: Path) -> dict:
    """Download, verify and unpack one package into ``cache_dir/name@spec`` atomically."""
    final = cache_dir / package.url_dir
    started = time.monotonic()
    data, version, integrity, source = _download(package)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=final.parent))
    staging.chmod(0o755)  # mkdtemp makes it 0700; a server run by another user must read it
    try:
        _unpack(data, staging)
        aliases = _add_jsdelivr_minified_aliases(staging, package)
        missing = _missing_files(staging, package)
        if missing:
            raise OfflineAssetsError(
                f"{package.name}@{version} does not contain files Solara loads: {', '.join(missing)}"
            )
        record = {
            "name": package.name,
            "spec": package.spec,
            "version": version,
            "integrity": integrity,
            "source": source,
            "bytes": len(data),
            "aliases": aliases,
            "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (staging / MARKER_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        if final.exists():  # an incomplete earlier attempt, or another process just finished
            if _read_marker(final) is not None and not _missing_files(final, package):
                return _read_marker(final) or record
            shutil.rmtree(final)
        try:
            staging.rename(final)
        except OSError:
            if _read_marker(final) is None:  # lost a race to a process that failed
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    logger.info("installed %s (%s, %.1f MB) in %.1fs", package, version, len(data) / 1e6, time.monotonic() - started)
    return record


def ensure_offline_assets(
    cache_dir: Path | None = None,
    *,
    extra: Iterable[str | CdnPackage] = (),
) -> Path:
    """Make every front-end asset Solara loads available locally; return the asset folder.

    Idempotent and cheap when everything is there (no network then).  Each missing
    package is downloaded from the npm registry with Python (``npm pack`` only if that
    fails), checked against the registry's integrity hash, and unpacked to
    ``<cache_dir>/<name>@<version>/`` exactly as ``/_solara/cdn/<name>@<version>/...`` is
    requested.  Start the server with :func:`offline_env` pointing to the same folder.

    Args:
        cache_dir: the asset folder; :func:`default_cache_dir` when None.  Created if needed.
        extra: further packages the app loads through the CDN with a version Solara does
            not spell out literally, as ``NAME@VERSION`` (e.g. ``"echarts@5.4.0"`` for
            ``solara.FigureEcharts``, ``"codemirror@5.65.3"`` for ``solara.SqlCode``).

    Returns:
        The absolute asset folder (the value for ``SOLARA_ASSETS_PROXY_CACHE_DIR``).

    Raises:
        OfflineAssetsError: a package could not be downloaded (no network and no npm),
            failed its integrity check, or lacks a file Solara loads.  The message says
            what to do; there is no need to show a traceback.
    """
    directory = (Path(cache_dir) if cache_dir is not None else default_cache_dir()).expanduser().resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OfflineAssetsError(
            f"cannot create the asset folder {directory}: {error}. Set {CACHE_DIR_ENV_VAR} to a writable folder."
        ) from None
    packages = list(dict.fromkeys((*solara_cdn_packages(), *(_parse_extra(e) for e in extra))))
    for package in packages:
        package_dir = directory / package.url_dir
        if _read_marker(package_dir) is not None and not _missing_files(package_dir, package):
            continue
        _install_package(package, directory)
    return directory


# ----------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Command line: install (default), check or print the environment; errors without traceback."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.app.offline",
        description="Install the front-end assets Solara loads, so the dashboard works without internet.",
    )
    parser.add_argument("--cache-dir", type=Path, default=None, help=f"asset folder (default: {default_cache_dir()})")
    parser.add_argument(
        "--extra", action="append", default=[], metavar="NAME@VERSION", help="another npm package to install"
    )
    parser.add_argument(
        "--check", action="store_true", help="only report what is missing (no network); exit 1 if anything is"
    )
    parser.add_argument("--print-env", action="store_true", help="print `export` lines for offline_env() and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.print_env:
        for key, value in offline_env(args.cache_dir).items():
            print(f"export {key}={value}")
        return 0
    try:
        if args.check:
            problems = missing_offline_assets(args.cache_dir, extra=args.extra)
            for problem in problems:
                print(f"missing: {problem}", file=sys.stderr)
            if not problems:
                print(f"offline assets complete in {args.cache_dir or default_cache_dir()}")
            return 1 if problems else 0
        started = time.monotonic()
        directory = ensure_offline_assets(args.cache_dir, extra=args.extra)
    except OfflineAssetsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    names = ", ".join(str(p) for p in solara_cdn_packages())
    print(f"offline assets ready in {directory} ({time.monotonic() - started:.1f}s): {names}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
