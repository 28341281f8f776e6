"""Downloads: the run's data as CSV and its figures as PNG (made only when clicked)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import solara

from sim.app import figures
from sim.app.components.common import Note
from sim.app.components.series import ARROW, default_groups, default_pairs
from sim.app.state import SessionModel, period_start


def run_name(model: SessionModel) -> str:
    """'<scenario>-<variant>-seed<N>' for download names (fixed for the whole run)."""
    scenario = Path(str(model.loaded.path)).stem or "scenario"
    return f"{scenario}-{model.variant or 'as-written'}-seed{model.seed or 0}"


def file_stem(model: SessionModel) -> str:
    """'<scenario>-<variant>-<YYYY-MM>' for download names."""
    scenario = Path(str(model.loaded.path)).stem or "scenario"
    when = f"{period_start(model):%Y-%m}" if model.steps else "start"
    return f"{scenario}-{model.variant or 'as-written'}-{when}"


def _csv(frame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def run_zip(model: SessionModel) -> bytes:
    """Every CSV table and PNG figure of the run so far, and its ``run.json`` (how it was
    made), in one zip file."""
    with model.lock, tempfile.TemporaryDirectory(prefix="ddsim-export-") as tmp:
        written = model.results().save(Path(tmp), plots=True)
        (Path(tmp) / "network.png").write_bytes(figures.network_png(model))
        written.append(Path(tmp) / "network.png")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in written:
                if path.suffix in (".csv", ".png", ".json"):
                    zf.write(path, arcname=f"{file_stem(model)}/{path.name}")
        return buf.getvalue()


def _pairs(model: SessionModel) -> list[tuple[str, str]]:
    return [tuple(p.split(ARROW)) for p in default_pairs(model)]


@solara.component
def ExportCard(model: SessionModel):
    """Buttons that download the current run; each file is built when its button is clicked."""

    def locked(make):
        def run():
            with model.lock:
                return make()
        return run

    stem = run_name(model)
    downloads = [
        ("Everything (ZIP of CSV + PNG + run.json)", f"{stem}.zip", "application/zip", lambda: run_zip(model)),
        ("Event log (CSV)", f"{stem}-events.csv", "text/csv", locked(lambda: _csv(model.results().events()))),
        ("Trust over time (CSV)", f"{stem}-trust.csv", "text/csv",
         locked(lambda: _csv(model.results().trust_frame()))),
        ("Network measures (CSV)", f"{stem}-model.csv", "text/csv",
         locked(lambda: _csv(model.results().model_frame()))),
        ("Network (PNG)", f"{stem}-network.png", "image/png", locked(lambda: figures.network_png(model))),
        ("Trust matrix (PNG)", f"{stem}-heatmap.png", "image/png", locked(lambda: figures.heatmap_png(model))),
        ("Trust of pairs (PNG)", f"{stem}-pairs.png", "image/png",
         locked(lambda: figures.pairs_png(model, _pairs(model)))),
    ]
    groups = default_groups(model)
    if groups:
        downloads.append(("Group means (PNG)", f"{stem}-groups.png", "image/png",
                          locked(lambda: figures.groups_png(model, groups))))
    if model.inputs.support is not None:
        downloads.append(("Support per donor (CSV)", f"{stem}-support.csv", "text/csv",
                          locked(lambda: _csv(model.results().support(until=model.date)))))
    with solara.Card("Export this run", margin=0, classes=["ddsim-export"]):
        Note("Data and figures of this run up to the month shown at the top; each file is made when you "
             "click (the ZIP's folder name says the month).")
        with solara.Row(style="flex-wrap: wrap; gap: 6px"):
            for label, filename, mime, make in downloads:
                solara.FileDownload(make, filename=filename, label=label, mime_type=mime)
