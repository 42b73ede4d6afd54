// The overview: the queues with their counts and health, paged and filtered by the server (there
// may be thousands: each refresh reads one page of 25, and the server keeps the list of names so
// polls do not scan Redis), totals, alerts, the coordinator, and throughput and latency charts
// for the queues on the visible page. Performance reports are read only for the visible rows.

import { get, queuePath } from './api.js';
import { COLORS, minuteColumns, sample, columns, timeChart } from './charts.js';
import { badge, el, fill, fmtMs, fmtNum, pager, queueHref, STATES } from './dom.js';
import { alertList, healthOf } from './alerts.js';

const PAGE_SIZE = 25;
const PERF_EVERY_MS = 15000;   // performance reports of visible rows
const COUNT_COLUMNS = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'];

export function mount(root, params, ctx) {
  const state = {
    page: Math.max(0, Number(params.query.get('page')) || 0),
    filter: params.query.get('filter') || '',
    queues: [], total: null, perf: new Map(), alerts: null, alive: true, asked: 0
  };

  const totals = el('section', { class: 'cards', id: 'totals', 'aria-label': 'Totals' });
  const coord = el('section', { class: 'panel', id: 'coordinator', 'aria-label': 'Coordinator' });
  const alertsBox = el('section', { class: 'panel', id: 'alerts', 'aria-label': 'Alerts' });
  const charts = el('section', { class: 'charts', 'aria-label': 'Charts' });
  const filter = el('input', { id: 'queue-filter', type: 'search', placeholder: 'Filter queues by name',
    value: state.filter, maxlength: 1024, 'aria-label': 'Filter queues by name' });
  const tbody = el('tbody', { id: 'queue-rows' });
  const pagerBox = el('div');
  root.append(
    el('h1', null, 'Queues'), totals,
    el('div', { class: 'two' }, alertsBox, coord),
    charts,
    el('section', { class: 'panel', 'aria-label': 'Queues' },
      el('div', { class: 'toolbar' }, filter, pagerBox),
      el('table', { class: 'grid', id: 'queues' },
        el('thead', null, el('tr', null,
          el('th', null, 'Queue'), el('th', null, 'Health'), el('th', null, 'Status'),
          COUNT_COLUMNS.map((s) => el('th', { class: 'num' }, s)),
          el('th', { class: 'num' }, 'per min'), el('th', { class: 'num' }, 'wait p95'),
          el('th', { class: 'num' }, 'processing p95'))),
        tbody)));

  const throughput = timeChart(charts, { title: 'Throughput (jobs/min, queues on this page)',
    series: [{ label: 'completed', stroke: COLORS.completed }, { label: 'failed', stroke: COLORS.failed }],
    yFormat: fmtNum });
  const latency = timeChart(charts, { title: 'Slowest p95 on this page (sampled)',
    series: [{ label: 'wait p95', stroke: COLORS.wait }, { label: 'processing p95', stroke: COLORS.processing }],
    yFormat: fmtMs, axisSize: 70 });

  let typing = null;
  filter.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.filter = filter.value.trim();
      state.page = 0;
      keepInHash(state);
      render();
      refresh().catch(ctx.fail);
    }, 250);
  });

  function render() {
    const rows = state.queues;
    fill(pagerBox, pager(state.page, PAGE_SIZE, state.total || 0, (p) => {
      state.page = p;
      keepInHash(state);
      refresh().catch(ctx.fail);
    }, 'queue-pager'));
    fill(tbody, rows.length === 0
      ? el('tr', null, el('td', { colspan: 12, class: 'muted' },
        state.total === null ? 'Loading…' : state.filter ? 'No queue matches the filter.' : 'No queues yet.'))
      : rows.map((q) => {
        const perf = state.perf.get(q.name);
        const r = perf && perf.report;
        return el('tr', { data: { queue: q.name } },
          el('td', null, el('a', { href: queueHref(q.name), class: 'queue-link' }, q.name)),
          el('td', null, state.alerts ? badge(healthOf(state.alerts, q.name), 'health') : '–'),
          el('td', null, q.paused ? badge('paused') : el('span', { class: 'muted' }, 'running')),
          COUNT_COLUMNS.map((s) => el('td', { class: 'num', data: { count: s } },
            fmtNum(q.counts ? q.counts[s] || 0 : null))),
          el('td', { class: 'num' }, r ? fmtNum(r.throughputPerMin) : '–'),
          el('td', { class: 'num' }, p95(r && r.wait)),
          el('td', { class: 'num' }, p95(r && r.processing)));
      }));
    renderTotals();
  }

  // Counts are summed over the queues read: all of them while they fit on one page, else the page.
  function renderTotals() {
    const sum = {};
    let paused = 0;
    for (const q of state.queues) {
      if (q.paused) { paused++; }
      for (const s of STATES) { sum[s] = (sum[s] || 0) + (q.counts && Number(q.counts[s]) || 0); }
    }
    const partial = state.total !== null && state.total > state.queues.length;
    const scope = partial ? 'queues on this page' : null;
    fill(totals,
      card('queues', 'Queues', state.total === null ? '–' : fmtNum(state.total),
        [state.filter ? 'matching the filter' : null, paused ? paused + ' paused' + (partial ? ' on this page' : '') : null]
          .filter(Boolean).join(' · ') || null),
      ['waiting', 'active', 'delayed', 'failed', 'completed'].map((s) =>
        card(s, s, fmtNum(sum[s]), scope)));
  }

  // One page of the list from the server; an answer to an older request (page or filter since
  // changed) is dropped. A page past the end (queues went away) moves to the last page.
  async function readPage() {
    const asked = ++state.asked;
    const read = (page) => get('/api/admin/queues?start=' + page * PAGE_SIZE + '&end=' + ((page + 1) * PAGE_SIZE - 1)
      + (state.filter ? '&search=' + encodeURIComponent(state.filter) : ''));
    let answer = await read(state.page);
    const lastPage = Math.max(0, Math.ceil((Number(answer.total) || 0) / PAGE_SIZE) - 1);
    if (state.page > lastPage && asked === state.asked) {
      state.page = lastPage;
      keepInHash(state);
      answer = await read(state.page);
    }
    if (asked !== state.asked) { return false; }
    state.queues = answer.queues || [];
    state.total = Number(answer.total) || 0;
    return true;
  }

  async function refresh() {
    const now = Date.now();
    if (!(await readPage())) { return; }
    const rows = state.queues;
    await Promise.all([
      readAlerts(),
      readCoordinator(),
      ...rows.filter((q) => {
        const p = state.perf.get(q.name);
        return !p || now - p.at > PERF_EVERY_MS;
      }).map(async (q) => {
        try {
          state.perf.set(q.name, { at: now, report: await get(queuePath(q.name, '/performance')) });
        } catch (e) {
          state.perf.set(q.name, { at: now, report: null });
        }
      })
    ]);
    if (!state.alive) { return; }
    render();
    drawCharts(rows);
  }

  async function readAlerts() {
    try {
      state.alerts = (await get('/api/admin/alerts')).alerts || [];
      fill(alertsBox, el('h2', null, 'Alerts'), alertList(state.alerts, 50));
    } catch (e) {
      state.alerts = null;
      fill(alertsBox, el('h2', null, 'Alerts'), el('p', { class: 'muted' }, 'Alerts unavailable: ' + e.message));
    }
  }

  async function readCoordinator() {
    try {
      const c = await get('/api/admin/coordinator');
      const pools = c.pools || [];
      fill(coord, el('h2', null, 'Coordinator'),
        el('p', { id: 'leader', data: { leader: String(!!c.leader) } },
          c.leader ? 'This server is the leader' : 'This server is not the leader',
          c.instanceId ? el('span', { class: 'muted' }, ' (' + c.instanceId + ')') : null,
          c.leaderId && c.leaderId !== c.instanceId ? el('span', { class: 'muted' }, ' · leader ' + c.leaderId) : null,
          c.fencingToken != null ? el('span', { class: 'muted' }, ' · fencing token ' + c.fencingToken) : null),
        pools.length === 0 ? el('p', { class: 'muted' }, 'No worker pools reported.')
          : el('table', { class: 'grid compact' },
            el('thead', null, el('tr', null, ['Pool', 'min', 'target', 'current', 'max'].map((h) => el('th', null, h)))),
            el('tbody', null, pools.slice(0, 20).map((p) => el('tr', null,
              el('td', null, el('a', { href: queueHref(String(p.queue)) }, String(p.queue))),
              [p.min, p.target, p.current, p.max].map((v) => el('td', { class: 'num' }, fmtNum(v))))))));
    } catch (e) {
      fill(coord, el('h2', null, 'Coordinator'), el('p', { class: 'muted' }, 'Coordinator unavailable: ' + e.message));
    }
  }

  function drawCharts(rows) {
    const reports = rows.map((q) => state.perf.get(q.name)).filter((p) => p && p.report).map((p) => p.report);
    throughput.update(minuteColumns(reports.map((r) => r.minutes), 60));
    if (reports.length > 0) {
      const worst = (k) => {
        const measured = reports.filter((r) => r[k] && Number(r[k].count) > 0).map((r) => Number(r[k].p95Ms));
        return measured.length ? Math.max(...measured) : null;
      };
      const rowsSampled = sample('overview:' + state.filter + ':' + state.page, [worst('wait'), worst('processing')]);
      latency.update(columns(rowsSampled, 2));
    }
  }

  render();
  return {
    refresh,
    unmount() {
      state.alive = false;
      clearTimeout(typing);
      throughput.destroy();
      latency.destroy();
    }
  };
}

/** A timing's p95, or a dash when no job was measured (a p95 of nothing is not 0 ms). */
function p95(t) {
  return t && Number(t.count) > 0 ? fmtMs(t.p95Ms) : '–';
}

function card(key, label, value, note) {
  return el('div', { class: 'card-figure', data: { total: key } },
    el('span', { class: 'label' }, label), el('strong', null, value),
    note ? el('span', { class: 'muted' }, note) : null);
}

function keepInHash(state) {
  const q = new URLSearchParams();
  if (state.page) { q.set('page', String(state.page)); }
  if (state.filter) { q.set('filter', state.filter); }
  const s = q.toString();
  history.replaceState(null, '', '#/' + (s ? '?' + s : ''));
}
