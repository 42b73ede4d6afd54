// The Redis panel: the monitor's figures (read by the server from a cached INFO, never one INFO
// per page refresh), Bullpen's client-side figures, memory and event-stream length per queue,
// Redis alerts and the doctor's findings, and charts of memory and ops/s over the session.

import { get } from './api.js';
import { alertList } from './alerts.js';
import { COLORS, columns, timeChart } from './charts.js';
import { badge, el, facts, fill, fmtBytes, fmtMs, fmtNum, fmtPct, fmtTime, pager, pick, queueHref } from './dom.js';

const PAGE_SIZE = 20;
// Samples of {t, values: [usedMemory, opsPerSecond]} keyed by readAt, kept across visits.
const history = [];
const MAX_SAMPLES = 720;

export function mount(root, params, ctx) {
  let alive = true;
  let queuePage = 0;
  let last = null;
  const headline = el('section', { class: 'cards', id: 'redis-cards', 'aria-label': 'Redis figures' });
  const charts = el('section', { class: 'charts', 'aria-label': 'Charts' });
  const alertsBox = el('div', { id: 'redis-alerts' });
  const findingsBox = el('div', { id: 'redis-findings' });
  const queuesBox = el('div', { id: 'redis-queues' });
  const serverBox = el('div', { id: 'redis-server' });
  const clientBox = el('div', { id: 'redis-client' });
  const readAt = el('p', { class: 'muted', id: 'redis-read-at' });
  const healthBox = el('span', { id: 'redis-health' });
  const errorBox = el('p', { class: 'banner', id: 'redis-error', hidden: true });
  root.append(el('div', { class: 'title-row' }, el('h1', null, 'Redis'), healthBox), readAt, errorBox,
    headline, charts,
    el('div', { class: 'two' },
      el('section', { class: 'panel', 'aria-label': 'Alerts' }, el('h2', null, 'Alerts'), alertsBox),
      el('section', { class: 'panel', 'aria-label': 'Doctor' }, el('h2', null, 'Doctor'), findingsBox)),
    el('section', { class: 'panel', 'aria-label': 'Queues in Redis' }, el('h2', null, 'Queues in Redis'), queuesBox),
    el('div', { class: 'two' },
      el('section', { class: 'panel', 'aria-label': 'Server' }, el('h2', null, 'Server'), serverBox),
      el('section', { class: 'panel', 'aria-label': 'This client' }, el('h2', null, 'This client (Bullpen)'), clientBox)));

  const memory = timeChart(charts, { title: 'Used memory', series: [{ label: 'used', stroke: COLORS.memory }],
    yFormat: fmtBytes, axisSize: 80 });
  const ops = timeChart(charts, { title: 'Operations per second', series: [{ label: 'ops/s', stroke: COLORS.ops }],
    yFormat: fmtNum });

  async function refresh() {
    const r = await get('/api/admin/redis');
    if (!alive) { return; }
    last = r;
    const s = r.server || {};
    fill(healthBox, r.health ? badge(r.health, 'health') : null);
    errorBox.hidden = !s.error;
    errorBox.textContent = s.error ? 'Redis could not be read: ' + s.error : '';
    const at = Number(pick(r, ['readAt'])) || Number(pick(s, ['readAt'])) || Date.now();
    readAt.textContent = 'Figures read at ' + fmtTime(at) + ' (the server caches them; they change once per monitor interval).';
    const used = num(pick(s, ['usedMemoryBytes', 'usedMemory', 'used_memory']));
    const opsPerSec = num(pick(s, ['opsPerSec', 'opsPerSecond', 'instantaneous_ops_per_sec']));
    if (history.length === 0 || history[history.length - 1].readAt !== at) {
      history.push({ t: at / 1000, readAt: at, values: [used, opsPerSec] });
      if (history.length > MAX_SAMPLES) { history.splice(0, history.length - MAX_SAMPLES); }
    }
    const cols = columns(history, 2);
    memory.update([cols[0], cols[1]]);
    ops.update([cols[0], cols[2]]);
    fill(headline, cards(s));
    fill(alertsBox, alertList(r.alerts || [], 30));
    fill(findingsBox, findings(r.findings || []));
    renderQueues();
    fill(serverBox, figureList(s));
    fill(clientBox, figureList(r.client || {}));
  }

  function renderQueues() {
    const rows = (last && last.queues || []).slice().sort((a, b) => (Number(b.memoryBytes) || 0) - (Number(a.memoryBytes) || 0));
    const lastPage = Math.max(0, Math.ceil(rows.length / PAGE_SIZE) - 1);
    queuePage = Math.min(queuePage, lastPage);
    const shown = rows.slice(queuePage * PAGE_SIZE, (queuePage + 1) * PAGE_SIZE);
    fill(queuesBox, rows.length === 0 ? el('p', { class: 'muted' }, 'No queues measured yet.') : [
      pager(queuePage, PAGE_SIZE, rows.length, (p) => { queuePage = p; renderQueues(); }, 'redis-queue-pager'),
      el('table', { class: 'grid', id: 'redis-queue-table' },
        el('thead', null, el('tr', null, el('th', null, 'Queue'), el('th', { class: 'num' }, 'Memory (estimate)'),
          el('th', { class: 'num' }, 'Events stream'), el('th', { class: 'num' }, 'Jobs'))),
        el('tbody', null, shown.map((q) => el('tr', { data: { queue: q.queue } },
          el('td', null, el('a', { href: queueHref(String(q.queue)) }, String(q.queue))),
          el('td', { class: 'num' }, fmtBytes(q.memoryBytes)),
          el('td', { class: 'num' }, fmtNum(q.eventsLength)),
          el('td', { class: 'num' }, q.jobs == null ? '–' : fmtNum(q.jobs))))))]);
  }

  return {
    refresh,
    unmount() {
      alive = false;
      memory.destroy();
      ops.destroy();
    }
  };
}

function num(v) {
  return v == null || Number.isNaN(Number(v)) ? null : Number(v);
}

function card(key, label, value, note) {
  return el('div', { class: 'card-figure', data: { figure: key } },
    el('span', { class: 'label' }, label), el('strong', null, value),
    note ? el('span', { class: 'muted' }, note) : null);
}

function cards(s) {
  const used = num(pick(s, ['usedMemoryBytes', 'usedMemory']));
  const max = num(pick(s, ['maxmemoryBytes', 'maxMemoryBytes', 'maxmemory']));
  const hits = num(pick(s, ['keyspaceHits']));
  const misses = num(pick(s, ['keyspaceMisses']));
  const hitRate = pick(s, ['keyspaceHitRate']) ?? (hits + misses > 0 ? hits / (hits + misses) : null);
  const lag = pick(s, ['replicaLagMs', 'replicaLag']);
  const persistence = [
    'RDB ' + (pick(s, ['rdbLastSaveStatus']) ?? '?'),
    pick(s, ['aofEnabled']) ? 'AOF ' + (pick(s, ['aofLastWriteStatus']) ?? '?') : 'AOF off'
  ].join(' · ');
  const ok = pick(s, ['persistenceOk']);
  return [
    card('memory', 'Used memory', fmtBytes(used), max > 0 ? fmtPct(used / max) + ' of ' + fmtBytes(max) : 'no maxmemory'),
    card('peak', 'Peak memory', fmtBytes(pick(s, ['peakMemoryBytes'])),
      'fragmentation ' + fmtNum(pick(s, ['fragmentationRatio']))),
    card('clients', 'Clients', fmtNum(pick(s, ['connectedClients'])), fmtNum(pick(s, ['blockedClients'])) + ' blocked'),
    card('ops', 'Ops/s', fmtNum(pick(s, ['opsPerSec', 'opsPerSecond'])), null),
    card('hits', 'Hit rate', fmtPct(hitRate), fmtNum(hits) + ' hits · ' + fmtNum(misses) + ' misses'),
    card('evicted', 'Evicted keys', fmtNum(pick(s, ['evictedKeys'])), 'policy ' + (pick(s, ['maxmemoryPolicy']) ?? '?')),
    card('expired', 'Expired keys', fmtNum(pick(s, ['expiredKeys'])), fmtNum(pick(s, ['keys'])) + ' keys'),
    card('persistence', 'Persistence', persistence, ok == null ? null : ok ? 'saving fine' : 'FAILING'),
    card('replication', 'Role', String(pick(s, ['role']) ?? '–'),
      fmtNum(pick(s, ['connectedReplicas'])) + ' replicas' + (lag != null ? ' · lag ' + fmtMs(lag) : '')),
    card('version', 'Version', String(pick(s, ['version']) ?? '–'), String(pick(s, ['mode']) ?? ''))
  ];
}

function findings(list) {
  if (list.length === 0) { return el('p', { class: 'muted' }, 'No findings.'); }
  const rank = { critical: 3, warning: 2, good: 1, excellent: 0 };
  const worstFirst = list.slice().sort((a, b) => (rank[b.severity] || 0) - (rank[a.severity] || 0));
  return el('ul', { class: 'findings' }, worstFirst.map((f) => el('li', { data: { check: f.check } },
    badge(f.severity, 'health'), ' ', el('span', { class: 'rule' }, f.check), ' ',
    el('span', { class: 'message' }, f.message),
    f.advice ? el('span', { class: 'advice' }, f.advice) : null)));
}

/** Every figure of an object, formatted by its name's unit suffix (Bytes, Ms, At, Rate, Ratio). */
function figureList(obj) {
  const rows = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'error' && v == null) { continue; }
    rows.push([label(k), format(k, v)]);
  }
  return rows.length === 0 ? el('p', { class: 'muted' }, 'No figures.') : facts(rows, 'facts figures');
}

/** usedMemoryBytes → "used memory" (the unit shows in the value). */
function label(key) {
  return key.replace(/(Bytes|Ms)$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ')
    .toLowerCase();
}

function format(key, v) {
  if (v == null) { return '–'; }
  if (Array.isArray(v)) {
    if (v.length > 0 && v[0] && 'leMs' in v[0]) {
      // A latency histogram: "≤ 1 ms: 9,000 · ≤ 5 ms: 300 · more: 2".
      return v.filter((b) => Number(b.count) > 0).map((b) =>
        (b.leMs == null ? 'slower' : '≤ ' + fmtMs(b.leMs)) + ': ' + fmtNum(b.count)).join(' · ') || 'no commands yet';
    }
    if (v.length > 0 && typeof v[0] === 'object') {
      return el('table', { class: 'grid compact' }, el('tbody', null, v.slice(0, 30).map((row) =>
        el('tr', null, Object.entries(row).map(([rk, rv]) => el('td', { class: 'num' }, label(rk) + ' ' + plain(rk, rv)))))));
    }
    return v.map((x) => plain(key, x)).join(', ');
  }
  if (typeof v === 'object') {
    return facts(Object.entries(v).map(([k, x]) => [label(k), format(k, x)]), 'facts nested');
  }
  return plain(key, v);
}

function plain(key, v) {
  if (v == null) { return '–'; }
  if (typeof v === 'object') { return JSON.stringify(v); }
  if (typeof v === 'boolean') { return v ? 'yes' : 'no'; }
  if (/Bytes$/.test(key)) { return fmtBytes(v); }
  if (/Ms$/.test(key)) { return fmtMs(v); }
  if (/(At|On)$/.test(key) && Number(v) > 1e11) { return fmtTime(v); }
  if (/Rate$/.test(key) || key === 'memoryRatio') { return fmtPct(v); }
  return typeof v === 'number' ? fmtNum(v) : String(v);
}
