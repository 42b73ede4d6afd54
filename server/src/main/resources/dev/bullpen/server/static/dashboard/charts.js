// Time-series charts drawn by uPlot (loaded from its WebJar as the global `uPlot`). A chart
// follows its container's width and is redrawn in place when new data arrives.

import { el } from './dom.js';

export const COLORS = {
  completed: '#17803d', failed: '#c4320a', p50: '#3b5bdb', p95: '#e8590c', p99: '#c2255c',
  wait: '#3b5bdb', processing: '#9c36b5', memory: '#0c8599', ops: '#e8590c', muted: '#98a2b3'
};

/**
 * A chart in `container`: series = [{label, stroke, dash?}], data = [xsSeconds, ys1, ys2…].
 * yFormat formats axis ticks. Returns {update(data), destroy()}.
 */
export function timeChart(container, { title, series, yFormat, height, axisSize }) {
  const box = el('div', { class: 'chart', data: { chart: title } });
  const inner = el('div', { class: 'chart-plot' });
  box.appendChild(inner);
  container.appendChild(box);
  if (typeof window.uPlot !== 'function') {
    box.appendChild(el('p', { class: 'muted' }, 'Chart library not loaded.'));
    return { update() {}, destroy() {} };
  }
  const fmt = yFormat || ((v) => String(v));
  const opts = {
    title,
    width: Math.max(240, inner.clientWidth || 480),
    height: height || 190,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: '#667085', grid: { stroke: '#eef0f3' } },
      { stroke: '#667085', grid: { stroke: '#eef0f3' }, size: axisSize || 64,
        values: (u, splits) => splits.map((v) => fmt(v)) }
    ],
    series: [{}].concat(series.map((s) => ({
      label: s.label, stroke: s.stroke, width: 2, dash: s.dash, points: { size: 5 },
      value: (u, v) => v == null ? '–' : fmt(v), spanGaps: true
    })))
  };
  let data = [[]].concat(series.map(() => []));
  const plot = new window.uPlot(opts, data, inner);
  const resize = new ResizeObserver(() => {
    const w = Math.max(240, inner.clientWidth);
    if (Math.abs(w - plot.width) > 2) { plot.setSize({ width: w, height: opts.height }); }
  });
  resize.observe(inner);
  box.dataset.points = '0';
  return {
    update(next) {
      data = next;
      const xs = next[0];
      const span = xs.length ? xs[xs.length - 1] - xs[0] : 0;
      if (span < 60) {
        // At least a minute wide: a few samples seconds apart would stretch the axis to years.
        const end = xs.length ? xs[xs.length - 1] : Date.now() / 1000;
        plot.setData(next, false);
        plot.setScale('x', { min: end - 60, max: end + 1 });
      } else {
        plot.setData(next);
      }
      box.dataset.points = String(next[0].length);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    }
  };
}

/**
 * Figures sampled while the page is open (latency percentiles, Redis memory): a bounded ring of
 * {t, values} kept per key, so the chart survives leaving and re-entering a view.
 */
const sessions = new Map();
const MAX_SAMPLES = 720;

export function sample(key, values) {
  let rows = sessions.get(key);
  if (!rows) { rows = []; sessions.set(key, rows); }
  rows.push({ t: Date.now() / 1000, values });
  if (rows.length > MAX_SAMPLES) { rows.splice(0, rows.length - MAX_SAMPLES); }
  return rows;
}

/** uPlot columns from sampled rows: [ts, values[0]…, values[n-1]…]. */
export function columns(rows, n) {
  const cols = [rows.map((r) => r.t)];
  for (let i = 0; i < n; i++) {
    cols.push(rows.map((r) => (r.values[i] == null || Number.isNaN(r.values[i]) ? null : r.values[i])));
  }
  return cols;
}

/**
 * Throughput columns from a performance report's minutes ([{t, completed, failed}], oldest
 * first, only minutes that exist): empty minutes in between are filled with zeros so the chart
 * does not draw a line across a quiet hour. Several queues' minutes are summed.
 */
export function minuteColumns(minuteLists, windowMinutes) {
  const sums = new Map();
  for (const minutes of minuteLists) {
    for (const m of minutes || []) {
      const t = Math.floor(Number(m.t) / 60000) * 60;
      const s = sums.get(t) || [0, 0];
      s[0] += Number(m.completed) || 0;
      s[1] += Number(m.failed) || 0;
      sums.set(t, s);
    }
  }
  const now = Math.floor(Date.now() / 60000) * 60;
  const from = now - (windowMinutes - 1) * 60;
  const xs = [];
  const done = [];
  const failed = [];
  for (let t = from; t <= now; t += 60) {
    const s = sums.get(t) || [0, 0];
    xs.push(t);
    done.push(s[0]);
    failed.push(s[1]);
  }
  return [xs, done, failed];
}
