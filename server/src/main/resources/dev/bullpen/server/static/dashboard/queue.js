// One queue: counts per state (each a tab listing that state's jobs, paged, searchable by id or
// name), performance figures and charts, alerts, and the queue's actions: pause/resume, retry
// failed, clean by state and age, dead letters with requeue.

import { get, post, queuePath } from './api.js';
import { COLORS, columns, minuteColumns, sample, timeChart } from './charts.js';
import { healthOf, alertList } from './alerts.js';
import { badge, el, facts, fill, fmtAgo, fmtMs, fmtNum, fmtPct, jobHref, pager, STATES } from './dom.js';
import { deadLetters } from './deadletters.js';

const PAGE_SIZE = 20;
const CLEANABLE = ['completed', 'failed', 'waiting', 'delayed', 'prioritized', 'paused'];

export function mount(root, params, ctx) {
  const q = params.queue;
  const query = params.query;
  const state = {
    tab: params.tab === 'dead-letters' ? 'dead-letters'
      : STATES.includes(query.get('state')) ? query.get('state') : 'waiting',
    page: Math.max(0, Number(query.get('page')) || 0),
    search: query.get('search') || '',
    paused: null, windowMin: 60, alive: true
  };

  const title = el('h1', { id: 'queue-title' }, q);
  const healthBadge = el('span', { id: 'queue-health' });
  const pausedBadge = el('span', { id: 'queue-paused' });
  const pauseBtn = el('button', { type: 'button', id: 'pause-toggle' }, 'Pause');
  const tabs = el('nav', { class: 'tabs', id: 'state-tabs', 'aria-label': 'Job states' });
  const perfBox = el('div', { id: 'performance' });
  const alertsBox = el('div', { id: 'queue-alerts' });
  const charts = el('section', { class: 'charts', 'aria-label': 'Charts' });
  const listBox = el('section', { class: 'panel', id: 'job-list', 'aria-label': 'Jobs' });
  const search = el('input', { type: 'search', id: 'job-search', value: state.search,
    placeholder: 'Search by job id or name', 'aria-label': 'Search by job id or name' });
  const rowsBox = el('div', { id: 'job-rows-box' });
  const pagerBox = el('div');
  const windowSel = el('select', { id: 'chart-window', 'aria-label': 'Chart window' },
    [[60, 'last hour'], [360, 'last 6 hours'], [1440, 'last 24 hours']].map(([m, l]) =>
      el('option', { value: m }, l)));

  root.append(
    el('p', { class: 'crumbs' }, el('a', { href: '#/' }, 'Queues'), ' / ', q),
    el('div', { class: 'title-row' }, title, healthBadge, pausedBadge,
      el('span', { class: 'actions' }, pauseBtn)),
    tabs,
    el('div', { class: 'two' },
      el('section', { class: 'panel', 'aria-label': 'Performance' }, el('h2', null, 'Performance'), perfBox),
      el('section', { class: 'panel', 'aria-label': 'Alerts' }, el('h2', null, 'Alerts'), alertsBox)),
    el('div', { class: 'toolbar' }, el('label', { for: 'chart-window' }, 'Charts: '), windowSel),
    charts,
    listBox,
    actionsPanel());

  const throughput = timeChart(charts, { title: 'Throughput (jobs/min)',
    series: [{ label: 'completed', stroke: COLORS.completed }, { label: 'failed', stroke: COLORS.failed }],
    yFormat: fmtNum });
  const latency = timeChart(charts, { title: 'Wait and processing time (sampled)',
    series: [
      { label: 'wait p50', stroke: COLORS.wait, dash: [4, 4] }, { label: 'wait p95', stroke: COLORS.wait },
      { label: 'wait p99', stroke: '#1c3faa' },
      { label: 'proc p50', stroke: COLORS.processing, dash: [4, 4] },
      { label: 'proc p95', stroke: COLORS.processing }, { label: 'proc p99', stroke: '#5f1f70' }],
    yFormat: fmtMs, axisSize: 70 });
  let lastPerf = null;

  const dead = deadLetters(q, ctx);

  pauseBtn.addEventListener('click', async () => {
    if (state.paused) {
      await ctx.act('Resume ' + q, () => post(queuePath(q, '/resume')));
    } else {
      await ctx.act('Pause ' + q, () => post(queuePath(q, '/pause')));
    }
  });
  windowSel.addEventListener('change', () => {
    state.windowMin = Number(windowSel.value);
    drawThroughput();
  });
  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.search = search.value.trim();
      state.page = 0;
      keepInHash();
      refreshList().catch(ctx.fail);
    }, 300);
  });

  function keepInHash() {
    if (state.tab === 'dead-letters') {
      history.replaceState(null, '', '#/queues/' + encodeURIComponent(q) + '/dead-letters');
      return;
    }
    const p = new URLSearchParams({ state: state.tab });
    if (state.page) { p.set('page', String(state.page)); }
    if (state.search) { p.set('search', state.search); }
    history.replaceState(null, '', '#/queues/' + encodeURIComponent(q) + '?' + p.toString());
  }

  function selectTab(tab) {
    state.tab = tab;
    state.page = 0;
    keepInHash();
    renderTabs(lastCounts);
    refreshList().catch(ctx.fail);
  }

  let lastCounts = null;
  function renderTabs(counts) {
    lastCounts = counts;
    fill(tabs, STATES.map((s) => el('button', {
      type: 'button', class: 'tab' + (state.tab === s ? ' current' : ''), data: { state: s },
      'aria-pressed': state.tab === s ? 'true' : 'false', onclick: () => selectTab(s)
    }, el('span', null, s), el('strong', { data: { count: s } }, fmtNum(counts ? counts[s] || 0 : null)))),
    el('button', {
      type: 'button', class: 'tab dead' + (state.tab === 'dead-letters' ? ' current' : ''),
      data: { state: 'dead-letters' }, onclick: () => selectTab('dead-letters')
    }, el('span', null, 'dead letters'), el('strong', { id: 'dead-total' }, fmtNum(dead.total()))));
  }

  async function refreshList() {
    if (state.tab === 'dead-letters') {
      if (listBox.dataset.mode !== 'dead') {
        listBox.dataset.mode = 'dead';
        fill(listBox, el('h2', null, 'Dead letters'), dead.box);
      }
      await dead.refresh();
      renderTabs(lastCounts);
      return;
    }
    const start = state.page * PAGE_SIZE;
    const p = new URLSearchParams({ state: state.tab, start: String(start), end: String(start + PAGE_SIZE - 1) });
    if (state.search) { p.set('search', state.search); }
    const answer = await get(queuePath(q, '/jobs?' + p.toString()));
    if (!state.alive) { return; }
    const total = Number(answer.total) || 0;
    if (total > 0 && start >= total) {
      state.page = Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);
      keepInHash();
      return refreshList();
    }
    fill(pagerBox, pager(state.page, PAGE_SIZE, total, (n) => {
      state.page = n;
      keepInHash();
      refreshList().catch(ctx.fail);
    }, 'job-pager'));
    fill(rowsBox, jobTable(answer.jobs || [], state.tab));
    if (listBox.dataset.mode !== 'jobs') {
      listBox.dataset.mode = 'jobs';
      fill(listBox, el('div', { class: 'toolbar' }, search, pagerBox), rowsBox);
    }
  }

  function jobTable(jobs, st) {
    if (jobs.length === 0) {
      return el('p', { class: 'muted', id: 'no-jobs' }, state.search
        ? 'No ' + st + ' job matches “' + state.search + '”.' : 'No ' + st + ' jobs.');
    }
    const failed = st === 'failed';
    return el('table', { class: 'grid', id: 'jobs' },
      el('thead', null, el('tr', null, ['Id', 'Name', 'Added', 'Started', 'Finished', 'Attempts',
        failed ? 'Reason' : 'Progress', ''].map((h) => el('th', null, h)))),
      el('tbody', null, jobs.map((j) => el('tr', { data: { jobId: j.id } },
        el('td', null, el('a', { href: jobHref(q, j.id), class: 'job-link' }, j.id)),
        el('td', { class: 'name' }, j.name),
        el('td', null, fmtAgo(j.timestamp)),
        el('td', null, fmtAgo(j.processedOn)),
        el('td', null, fmtAgo(j.finishedOn)),
        el('td', { class: 'num' }, fmtNum(j.attemptsMade)),
        el('td', { class: 'clip' }, failed ? j.failedReason || '' : progressText(j.progress)),
        el('td', null, rowAction(j, st))))));
  }

  // One-click actions that need no confirm: retry a failed job, promote a delayed one.
  function rowAction(j, st) {
    const path = queuePath(q, '/jobs/' + encodeURIComponent(j.id));
    if (st === 'failed') {
      return el('button', { type: 'button', class: 'row-retry',
        onclick: () => ctx.act('Retry ' + j.id, () => post(path + '/retry')) }, 'Retry');
    }
    if (st === 'delayed') {
      return el('button', { type: 'button', class: 'row-promote',
        onclick: () => ctx.act('Promote ' + j.id, () => post(path + '/promote')) }, 'Promote');
    }
    return null;
  }

  function drawThroughput() {
    if (lastPerf) { throughput.update(minuteColumns([lastPerf.minutes], state.windowMin)); }
  }

  async function refresh() {
    const [stats, perf, health] = await Promise.all([
      get(queuePath(q, '/stats')),
      get(queuePath(q, '/performance')).catch((e) => ({ error: e })),
      get(queuePath(q, '/health')).catch((e) => ({ error: e })),
      refreshList()
    ]);
    if (!state.alive) { return; }
    state.paused = !!stats.paused;
    fill(pausedBadge, state.paused ? badge('paused') : el('span', { class: 'state state-running' }, 'running'));
    pausedBadge.dataset.paused = String(state.paused);
    pauseBtn.textContent = state.paused ? 'Resume' : 'Pause';
    renderTabs(stats.counts || {});
    const alerts = health.error ? stats.alerts : health.alerts;
    const level = health.error ? stats.health : health.health;
    fill(healthBadge, level ? badge(level, 'health') : null);
    fill(alertsBox, alerts ? alertList(alerts, 20, true)
      : el('p', { class: 'muted' }, 'Health unavailable' + (health.error ? ': ' + health.error.message : '')));
    if (perf.error) {
      fill(perfBox, el('p', { class: 'muted' }, 'Performance unavailable: ' + perf.error.message));
    } else {
      lastPerf = perf;
      fill(perfBox, perfFacts(perf));
      drawThroughput();
      const w = perf.wait || {};
      const p = perf.processing || {};
      const measured = (t, v) => (Number(t.count) > 0 ? num(v) : null);
      const rows = sample('queue:' + q, [measured(w, w.p50Ms), measured(w, w.p95Ms), measured(w, w.p99Ms),
        measured(p, p.p50Ms), measured(p, p.p95Ms), measured(p, p.p99Ms)]);
      latency.update(columns(rows, 6));
    }
  }

  function actionsPanel() {
    const cleanState = el('select', { id: 'clean-state', 'aria-label': 'State to clean' },
      CLEANABLE.map((s) => el('option', { value: s }, s)));
    const cleanAge = el('input', { id: 'clean-age', type: 'number', min: 0, value: 60, 'aria-label': 'Older than (minutes)' });
    const cleanLimit = el('input', { id: 'clean-limit', type: 'number', min: 1, value: 1000, 'aria-label': 'At most' });
    const retryAge = el('input', { id: 'retry-age', type: 'number', min: 0, value: 0, 'aria-label': 'Failed at least (minutes) ago' });
    const retryName = el('input', { id: 'retry-name', type: 'text', placeholder: 'any name', 'aria-label': 'Job name' });
    const clean = async () => {
      const st = cleanState.value;
      const age = Math.max(0, Number(cleanAge.value) || 0);
      const limit = Math.max(1, Math.floor(Number(cleanLimit.value) || 1));
      if (!await ctx.confirm('Remove up to ' + fmtNum(limit) + ' ' + st + ' jobs older than ' + age
        + ' min from queue ' + q + '? This cannot be undone.')) { return; }
      const r = await ctx.act('Clean ' + st, () => post(queuePath(q, '/clean'),
        { state: st, olderThanMs: age * 60000, limit }));
      if (r) { ctx.say('Clean ' + st + ': removed ' + fmtNum(r.removed) + ' jobs', 'ok'); }
    };
    const retryFailed = async () => {
      const age = Math.max(0, Number(retryAge.value) || 0);
      const name = retryName.value.trim();
      if (!await ctx.confirm('Retry every failed job' + (name ? ' named ' + name : '')
        + (age ? ' that failed over ' + age + ' min ago' : '') + ' in queue ' + q + '?')) { return; }
      const body = {};
      if (age) { body.olderThanMs = age * 60000; }
      if (name) { body.name = name; }
      const r = await ctx.act('Retry failed', () => post(queuePath(q, '/retry-failed'), body));
      if (r) { ctx.say('Retry failed: ' + fmtNum(r.retried) + ' jobs back in line', 'ok'); }
    };
    return el('section', { class: 'panel', id: 'queue-actions', 'aria-label': 'Queue actions' },
      el('h2', null, 'Actions'),
      el('div', { class: 'action-row' },
        el('span', { class: 'label' }, 'Clean'), cleanState, el('span', null, 'older than'), cleanAge,
        el('span', null, 'min, at most'), cleanLimit,
        el('button', { type: 'button', id: 'clean', class: 'danger', onclick: clean }, 'Clean…')),
      el('div', { class: 'action-row' },
        el('span', { class: 'label' }, 'Retry failed'), retryName, el('span', null, 'failed at least'), retryAge,
        el('span', null, 'min ago'),
        el('button', { type: 'button', id: 'retry-failed', onclick: retryFailed }, 'Retry failed…')));
  }

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

function num(v) {
  return v == null || Number.isNaN(Number(v)) ? null : Number(v);
}

function progressText(p) {
  if (p == null || p === 0 || p === '') { return ''; }
  if (typeof p === 'number') { return p + '%'; }
  if (typeof p === 'object' && typeof p.percent === 'number') { return p.percent + '%' + (p.stage ? ' ' + p.stage : ''); }
  return JSON.stringify(p);
}

function perfFacts(r) {
  const w = r.wait || {};
  const p = r.processing || {};
  const t = r.total || {};
  const trio = (x) => (Number(x.count) > 0
    ? fmtMs(x.p50Ms) + ' / ' + fmtMs(x.p95Ms) + ' / ' + fmtMs(x.p99Ms) : 'no jobs finished yet');
  return facts([
    ['Throughput', fmtNum(r.throughputPerMin) + ' jobs/min', 'perf-throughput'],
    ['Failure rate', fmtPct(r.failureRate), 'perf-failure-rate'],
    ['Backlog', fmtNum(r.backlog), 'perf-backlog'],
    ['Active workers', Number(r.activeWorkers) < 0 ? 'unknown' : fmtNum(r.activeWorkers), 'perf-workers'],
    ['Wait avg', fmtMs(w.avgMs) + ' (' + fmtNum(w.count) + ' jobs)'],
    ['Wait p50/p95/p99', trio(w), 'perf-wait'],
    ['Processing avg', fmtMs(p.avgMs)],
    ['Processing p50/p95/p99', trio(p), 'perf-processing'],
    ['Total p50/p95/p99', trio(t)]
  ]);
}
