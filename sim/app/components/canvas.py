"""Two browser-drawn figures for the per-step views: the trust matrix and the trust network.

At 40 states a matrix is 1,600 cells and a network 1,560 directed edges.  Sent as SVG
that is ~200 kB per figure per step for the browser to parse; here Python sends only
the numbers (~10 kB, rounded to 3 decimals) and a few lines of JavaScript paint them on
a ``<canvas>`` in a couple of milliseconds.  The widgets are ipyvuetify templates
defined in this file (no extra front-end assets, so the page stays offline).

Drawing only: the numbers come from the model (trust, 1 - uncertainty) and the fixed
layout; nothing here computes model quantities.
"""

from __future__ import annotations

import traitlets
from ipyvuetify import VuetifyTemplate

_COMMON_JS = r"""
  setup(ctx) {
    const canvas = this.$refs.canvas;
    const host = this.$el;
    const width = host.clientWidth || this.design_width;
    const scale = Math.min(1, width / this.design_width);
    const dpr = window.devicePixelRatio || 1;
    const cssW = (this.design_width * scale) + 'px', cssH = (this.design_height * scale) + 'px';
    if (canvas.style.width !== cssW) canvas.style.width = cssW;     // avoid relayouts when unchanged
    if (canvas.style.height !== cssH) canvas.style.height = cssH;
    const w = Math.round(this.design_width * scale * dpr), h = Math.round(this.design_height * scale * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const g = canvas.getContext('2d');
    g.setTransform(scale * dpr, 0, 0, scale * dpr, 0, 0);
    g.clearRect(0, 0, this.design_width, this.design_height);
    g.font = '11px Roboto, Helvetica, Arial, sans-serif';
    this._scale = scale;
    return g;
  },
  colour(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '#eeeeee';
    if (this._lutText !== this.lut) { this._lutText = this.lut; this._lut = this.lut.split(','); }
    const lut = this._lut;
    const t = Math.max(0, Math.min(1, (v - this.vmin) / ((this.vmax - this.vmin) || 1)));
    return lut[Math.round(t * (lut.length - 1))];
  },
  grid(text) {
    // 'v00,v01,...' in thousandths, row by row; an empty entry is a missing value
    const n = this.labels.length, flat = text ? text.split(',') : [], rows = [];
    for (let i = 0; i < n; i++) {
      const row = new Array(n);
      for (let j = 0; j < n; j++) { const s = flat[i * n + j]; row[j] = s === '' || s === undefined ? NaN : s / 1000; }
      rows.push(row);
    }
    return rows;
  },
  colourBar(g, x, y, w, h, label) {
    const steps = 40;
    for (let k = 0; k < steps; k++) {
      g.fillStyle = this.colour(this.vmin + (this.vmax - this.vmin) * k / (steps - 1));
      g.fillRect(x + k * w / steps, y, w / steps + 0.6, h);
    }
    g.fillStyle = '#333'; g.font = '10px Roboto, Helvetica, Arial, sans-serif'; g.textBaseline = 'middle';
    g.textAlign = 'left'; g.fillText(String(this.vmin), x, y + h + 9);
    g.textAlign = 'right'; g.fillText((this.vmin < 0 ? '+' : '') + String(this.vmax), x + w, y + h + 9);
    if (label) { g.textAlign = 'center'; g.fillText(label, x + w / 2, y + h + 9); }
  },
  showTip(e, text) {
    const tip = this.$refs.tip;
    if (!text) { tip.style.display = 'none'; return; }
    const box = this.$el.getBoundingClientRect();
    tip.textContent = text;
    tip.style.left = (e.clientX - box.left + 12) + 'px';
    tip.style.top = (e.clientY - box.top + 12) + 'px';
    tip.style.display = 'block';
  },
  later() {
    if (this._frame) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = null;
      const t0 = performance.now();
      this.draw();
      const t1 = performance.now();
      this.$el.dataset.drawnStep = this.step;                   // for tests: what the canvas shows,
      this.$el.dataset.drawnAt = t1.toFixed(1);                 // when it was painted,
      this.$el.dataset.drawMs = (t1 - t0).toFixed(1);           // and how long that took
    });
  },
"""

_TEMPLATE = r"""
<template>
  <div style="position: relative; width: 100%; background: white; contain: layout paint"
       :data-testid="testid" :data-step="step" :data-labels="labels.join(' ')">
    <canvas ref="canvas" style="display: block" @mousemove="hover" @mouseleave="showTip(null, '')"></canvas>
    <div ref="tip" style="display: none; position: absolute; pointer-events: none; background: rgba(33,33,33,0.9);
         color: white; font-size: 12px; padding: 3px 6px; border-radius: 3px; white-space: nowrap; z-index: 5"></div>
  </div>
</template>
<script>
module.exports = {
  mounted() {
    this._onresize = () => this.later();
    window.addEventListener('resize', this._onresize);
    this.later();
  },
  beforeDestroy() { window.removeEventListener('resize', this._onresize); },
  updated() { this.later(); },
  watch: { WATCHED },
  methods: {
    COMMON
    DRAW
  }
}
</script>
"""

_MATRIX_JS = r"""
  layout() {
    const n = this.labels.length;
    const cell = Math.max(10, Math.min(34, this.target / Math.max(n, 1)));
    const longest = Math.max(3, ...this.labels.map(s => s.length));
    const lab = 8 + 6.5 * longest;
    return {n, cell, left: lab + 18, top: lab + 18};
  },
  draw() {
    const {n, cell, left, top} = this.layout();
    const g = this.setup();
    const size = cell * n;
    const values = this.grid(this.values);
    for (let i = 0; i < n; i++) {
      const row = values[i];
      for (let j = 0; j < n; j++) {
        g.fillStyle = i === j ? '#eeeeee' : this.colour(row[j]);
        g.fillRect(left + j * cell, top + i * cell, cell + 0.3, cell + 0.3);
      }
    }
    const fs = Math.max(7, Math.min(11, Math.floor(cell * 0.7)));
    g.fillStyle = '#333'; g.textBaseline = 'middle';
    for (let i = 0; i < n; i++) {
      g.font = (i === this.highlight ? 'bold ' : '') + fs + 'px Roboto, Helvetica, Arial, sans-serif';
      g.textAlign = 'right';
      g.fillText(this.labels[i], left - 4, top + (i + 0.5) * cell);
      g.save(); g.translate(left + (i + 0.5) * cell, top - 4); g.rotate(-Math.PI / 2);
      g.textAlign = 'left'; g.fillText(this.labels[i], 0, 0); g.restore();
    }
    g.strokeStyle = '#333'; g.lineWidth = 1;
    for (const k of this.separators) {
      g.beginPath(); g.moveTo(left, top + k * cell); g.lineTo(left + size, top + k * cell);
      g.moveTo(left + k * cell, top); g.lineTo(left + k * cell, top + size); g.stroke();
    }
    if (this.highlight >= 0) {
      g.lineWidth = 2; g.strokeStyle = '#000';
      g.strokeRect(left, top + this.highlight * cell, size, cell);
      g.setLineDash([4, 2]); g.strokeRect(left + this.highlight * cell, top, cell, size); g.setLineDash([]);
    }
    g.fillStyle = '#555'; g.font = '10px Roboto, Helvetica, Arial, sans-serif'; g.textAlign = 'center';
    g.fillText(this.col_title, left + size / 2, 8);
    g.save(); g.translate(8, top + size / 2); g.rotate(-Math.PI / 2); g.fillText(this.row_title, 0, 0); g.restore();
    this.colourBar(g, left, top + size + 10, Math.min(size, 240), 9, this.bar_label);
  },
  hover(e) {
    const {n, cell, left, top} = this.layout();
    const r = this.$refs.canvas.getBoundingClientRect();
    const x = (e.clientX - r.left) / this._scale, y = (e.clientY - r.top) / this._scale;
    const i = Math.floor((y - top) / cell), j = Math.floor((x - left) / cell);
    if (i < 0 || j < 0 || i >= n || j >= n) { this.showTip(e, ''); return; }
    if (i === j) { this.showTip(e, this.labels[i]); return; }
    const v = this.grid(this.values)[i][j];
    const value = this.vmin < 0 ? (v >= 0 ? '+' : '') + v.toFixed(3) : v.toFixed(2);
    const extra = this.second ? ` (${this.second_name} ${this.grid(this.second)[i][j].toFixed(2)})` : '';
    this.showTip(e, `${this.labels[i]} → ${this.labels[j]}: ${this.value_name} ${value}${extra}`);
  },
"""

_NETWORK_JS = r"""
  geometry() {
    const n = this.labels.length;
    const size = this.design_width, margin = 70, centre = size / 2, radius = size / 2 - margin;
    const p = this.positions.map(([x, y]) => [centre + radius * x, centre + radius * y]);
    return {n, p, centre, nodeR: Math.max(6, Math.min(14, 200 / Math.max(n, 1)))};
  },
  edge(g, i, j, p, nodeR, arrow) {
    // one quadratic curve i -> j bending to the right of travel (so i->j and j->i do not overlap);
    // the caller strokes: many edges of one colour and width share a single stroke() call
    const [ax, ay] = p[i], [bx, by] = p[j];
    const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy) || 1, ux = dx / len, uy = dy / len;
    const sx = ax + ux * nodeR, sy = ay + uy * nodeR, ex = bx - ux * (nodeR + 2), ey = by - uy * (nodeR + 2);
    const cx = (ax + bx) / 2 + uy * 0.12 * len, cy = (ay + by) / 2 - ux * 0.12 * len;
    g.moveTo(sx, sy); g.quadraticCurveTo(cx, cy, ex, ey);
    if (arrow) {
      const tx = ex - cx, ty = ey - cy, tl = Math.hypot(tx, ty) || 1, hx = tx / tl, hy = ty / tl;
      const s = 2.5 + 0.6 * g.lineWidth;
      g.stroke(); g.beginPath(); g.moveTo(ex, ey); g.lineTo(ex - hx * s * 2 + hy * s, ey - hy * s * 2 - hx * s);
      g.lineTo(ex - hx * s * 2 - hy * s, ey - hy * s * 2 + hx * s); g.closePath(); g.fill();
    }
  },
  draw() {
    const {n, p, centre, nodeR} = this.geometry();
    const g = this.setup();
    const f = this.focal, values = this.grid(this.values), second = this.grid(this.second);
    g.lineCap = 'round';
    g.globalAlpha = f >= 0 ? 0.07 : 0.55;
    const buckets = new Map();   // colour and width (in 0.5 px steps) -> edges
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j || i === f || j === f) continue;
        const key = this.colour(values[i][j]) + '|' + Math.round(2 * (0.6 + 4 * second[i][j])) / 2;
        if (!buckets.has(key)) buckets.set(key, []);
        buckets.get(key).push([i, j]);
      }
    }
    for (const [key, edges] of buckets) {
      const [colour, width] = key.split('|');
      g.strokeStyle = colour; g.lineWidth = +width;
      g.beginPath();
      for (const [i, j] of edges) this.edge(g, i, j, p, nodeR, false);
      g.stroke();
    }
    g.globalAlpha = 0.95;
    if (f >= 0) {
      for (let k = 0; k < n; k++) {
        if (k === f) continue;
        for (const [i, j] of [[f, k], [k, f]]) {
          g.strokeStyle = g.fillStyle = this.colour(values[i][j]);
          g.lineWidth = 1.4 + 4 * second[i][j];
          g.beginPath(); this.edge(g, i, j, p, nodeR, true);
        }
      }
    }
    g.globalAlpha = 1;
    const fs = n <= 12 ? 16 : (n <= 30 ? 13 : 11);
    for (let i = 0; i < n; i++) {
      const [x, y] = p[i];
      g.beginPath(); g.arc(x, y, nodeR, 0, 2 * Math.PI);
      g.fillStyle = this.node_colours[i]; g.fill();
      g.lineWidth = i === f ? 3 : 1; g.strokeStyle = i === f ? '#000' : '#333'; g.stroke();
      const dx = x - centre, dy = y - centre, norm = Math.hypot(dx, dy) || 1;
      g.font = (i === f ? 'bold ' : '') + fs + 'px Roboto, Helvetica, Arial, sans-serif';
      g.fillStyle = '#333'; g.textBaseline = 'middle';
      g.textAlign = dx > 5 ? 'left' : (dx < -5 ? 'right' : 'center');
      g.fillText(this.labels[i], x + dx / norm * (nodeR + 12), y + dy / norm * (nodeR + 10));
    }
    const base = this.design_width;
    this.colourBar(g, 12, base + 6, 200, 9, 'trust (row trusts column)');
    let x = 240;
    g.font = '10px Roboto, Helvetica, Arial, sans-serif'; g.textAlign = 'left';
    for (const [name, colour] of this.legend) {
      if (x > base - 40) break;
      g.beginPath(); g.arc(x, base + 10, 5, 0, 2 * Math.PI); g.fillStyle = colour; g.fill();
      g.strokeStyle = '#333'; g.lineWidth = 1; g.stroke();
      g.fillStyle = '#333'; g.fillText(name, x + 8, base + 10);
      x += 16 + 6.2 * name.length;
    }
  },
  hover(e) {
    const {n, p, nodeR} = this.geometry();
    const r = this.$refs.canvas.getBoundingClientRect();
    const x = (e.clientX - r.left) / this._scale, y = (e.clientY - r.top) / this._scale;
    for (let i = 0; i < n; i++) {
      if (Math.hypot(x - p[i][0], y - p[i][1]) <= nodeR + 4) { this.showTip(e, this.node_tips[i]); return; }
    }
    this.showTip(e, '');
  },
"""


def _template(draw_js: str, watched: list[str]) -> str:
    watch = ", ".join(f"{name}() {{ this.later(); }}" for name in watched)
    return _TEMPLATE.replace("WATCHED", watch).replace("COMMON", _COMMON_JS).replace("DRAW", draw_js)


class _CanvasFigure(VuetifyTemplate):
    """Shared traits: the numbers to paint and how to colour them."""

    # N x N numbers travel as one string ("523,611,...", thousandths, row by row; see
    # `flat`): Solara's renderer walks every list passed to a component on each render,
    # and 2 x 1,600 list items per figure per step cost more than drawing them.
    values = traitlets.Unicode("").tag(sync=True)      # row i, column j
    second = traitlets.Unicode("").tag(sync=True)      # confidence (optional for the matrix)
    labels = traitlets.List([]).tag(sync=True)
    lut = traitlets.Unicode("").tag(sync=True)         # colour table, low to high, comma-separated
    vmin = traitlets.Float(0.0).tag(sync=True)
    vmax = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    testid = traitlets.Unicode("").tag(sync=True)
    design_width = traitlets.Float(600.0).tag(sync=True)
    design_height = traitlets.Float(600.0).tag(sync=True)


class MatrixCanvas(_CanvasFigure):
    """A heatmap: ``values[i][j]`` coloured, labels on both axes, hover shows the value."""

    template = traitlets.Unicode(_template(_MATRIX_JS, ["values", "labels", "highlight", "separators", "vmin",
                                                        "vmax"])).tag(sync=True)
    highlight = traitlets.Int(-1).tag(sync=True)
    target = traitlets.Float(520.0).tag(sync=True)     # width of the cells together, before scaling
    separators = traitlets.List([]).tag(sync=True)
    row_title = traitlets.Unicode("").tag(sync=True)
    col_title = traitlets.Unicode("").tag(sync=True)
    bar_label = traitlets.Unicode("").tag(sync=True)
    value_name = traitlets.Unicode("trust").tag(sync=True)
    second_name = traitlets.Unicode("confidence").tag(sync=True)


class NetworkCanvas(_CanvasFigure):
    """Directed edges i->j coloured by ``values[i][j]``, width by ``second[i][j]``, on fixed positions."""

    template = traitlets.Unicode(_template(_NETWORK_JS, ["values", "second", "positions", "focal", "labels"])
                                 ).tag(sync=True)
    positions = traitlets.List([]).tag(sync=True)      # N x 2 in [-1, 1]
    node_colours = traitlets.List([]).tag(sync=True)
    node_tips = traitlets.List([]).tag(sync=True)
    legend = traitlets.List([]).tag(sync=True)         # [[group, colour], ...]
    focal = traitlets.Int(-1).tag(sync=True)


def flat(matrix) -> str:
    """An N x N matrix as 'v00,v01,...' in thousandths (integers), row by row; NaN is left empty."""
    import numpy as np

    a = np.asarray(matrix, dtype=float)
    scaled = np.rint(a * 1000.0)
    text = [("" if v != v else str(int(v))) for v in scaled.ravel().tolist()]
    return ",".join(text)


def lut(colours) -> str:
    """A colour table for the ``lut`` trait."""
    return ",".join(colours)


def matrix_size(labels: list[str], target: float = 520.0) -> tuple[float, float]:
    """Design width and height of a :class:`MatrixCanvas` (same layout as its JavaScript)."""
    n = len(labels)
    cell = max(10.0, min(34.0, target / max(n, 1)))
    lab = 8 + 6.5 * max([3, *(len(s) for s in labels)])
    return lab + 18 + cell * n + 10, lab + 18 + cell * n + 42
