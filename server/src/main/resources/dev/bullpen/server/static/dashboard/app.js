// The dashboard: a single page with hash routes, each view a module with mount(root, params,
// ctx) → {refresh, unmount}. Only the visible view refreshes, every few seconds, and nothing
// refreshes while the tab is hidden. Views call the admin API (api.js) and build the page with
// text nodes only (dom.js).
//
//   #/                                   queues overview
//   #/queues/{q}?state=&page=&search=    one queue: counts, charts, job lists, actions
//   #/queues/{q}/dead-letters            the queue's dead letters
//   #/queues/{q}/jobs/{id}               one job
//   #/redis                              the Redis panel
//
// /dashboard?refreshMs=10000 sets the refresh period (1 to 60 s; 3 s by default).

import { setToken, token } from './api.js';
import * as overview from './overview.js';
import * as queue from './queue.js';
import * as job from './job.js';
import * as redis from './redis.js';

const params = new URLSearchParams(location.search);
const REFRESH_MS = Math.min(60000, Math.max(1000, Number(params.get('refreshMs')) || 3000));

const root = document.getElementById('view');
let current = null;
let timer = null;
let refreshes = 0;

function parseRoute(hash) {
  const h = (hash || '').replace(/^#/, '');
  const q = h.indexOf('?');
  const path = q >= 0 ? h.slice(0, q) : h;
  const query = new URLSearchParams(q >= 0 ? h.slice(q + 1) : '');
  const parts = path.split('/').filter((p) => p !== '').map((p) => {
    try { return decodeURIComponent(p); } catch (e) { return p; }
  });
  if (parts[0] === 'redis') { return { view: redis, name: 'redis', params: {} }; }
  if (parts[0] === 'queues' && parts.length >= 2) {
    const p = { queue: parts[1], query };
    if (parts[2] === 'jobs' && parts.length >= 4) {
      return { view: job, name: 'job', params: { queue: parts[1], id: parts.slice(3).join('/') } };
    }
    if (parts[2] === 'dead-letters') { p.tab = 'dead-letters'; }
    return { view: queue, name: 'queue', params: p };
  }
  return { view: overview, name: 'overview', params: { query } };
}

// ---- banner, confirm, live label -------------------------------------------------------

const banner = document.getElementById('banner');

function say(text, kind) {
  banner.hidden = !text;
  banner.textContent = text || '';
  banner.dataset.kind = kind || 'error';
}

function fail(e) {
  say(e && typeof e.explain === 'function' ? e.explain() : String(e && e.message || e), 'error');
}

const dialog = document.getElementById('confirm');

function confirmAction(text) {
  return new Promise((resolve) => {
    document.getElementById('confirm-text').textContent = text;
    const ok = document.getElementById('confirm-ok');
    const cancel = document.getElementById('confirm-cancel');
    const done = (answer) => {
      ok.removeEventListener('click', yes);
      cancel.removeEventListener('click', no);
      dialog.removeEventListener('cancel', no);
      if (dialog.open) { dialog.close(); }
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    ok.addEventListener('click', yes);
    cancel.addEventListener('click', no);
    dialog.addEventListener('cancel', no);
    dialog.showModal();
  });
}

function setLive(text) {
  document.getElementById('live').textContent = text;
}

const ctx = {
  say,
  fail,
  confirm: confirmAction,
  /** Runs an action (a promise-returning function), reports its outcome, refreshes the view. */
  async act(label, fn) {
    try {
      const answer = await fn();
      say(label + ': done', 'ok');
      await refreshNow();
      return answer;
    } catch (e) {
      fail(e);
      return null;
    }
  },
  go(hash) { location.hash = hash; }
};

// ---- the live loop --------------------------------------------------------------------

let inflight = null;

/** Refreshes the visible view now; a refresh already running is let finish first. */
async function refreshNow() {
  while (inflight) { await inflight; }
  if (!current) { return; }
  inflight = refreshOnce(current);
  try { await inflight; } finally { inflight = null; }
}

async function refreshOnce(view) {
  document.body.dataset.busy = 'true';
  try {
    await view.handle.refresh();
    if (view === current && banner.dataset.kind === 'stale') { say(''); }
    setLive(document.hidden ? 'paused while the tab is hidden'
      : 'live · every ' + REFRESH_MS / 1000 + ' s · ' + new Date().toLocaleTimeString());
  } catch (e) {
    if (view === current) {
      fail(e);
      if (e && e.status === 0) { banner.dataset.kind = 'stale'; }
    }
  } finally {
    refreshes++;
    document.body.dataset.refreshes = String(refreshes);
    document.body.dataset.busy = 'false';
  }
}

function schedule() {
  clearTimeout(timer);
  timer = null;
  if (document.hidden) {
    setLive('paused while the tab is hidden');
    return;
  }
  timer = setTimeout(async () => {
    await refreshNow();
    schedule();
  }, REFRESH_MS);
}

document.addEventListener('visibilitychange', async () => {
  if (document.hidden) {
    clearTimeout(timer);
    timer = null;
    setLive('paused while the tab is hidden');
  } else {
    await refreshNow();
    schedule();
  }
});

async function route() {
  if (current) {
    try { current.handle.unmount(); } catch (e) { /* a view failing to clean up must not stop navigation */ }
  }
  clearTimeout(timer);
  say('');
  const r = parseRoute(location.hash);
  document.body.dataset.view = r.name;
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('current', (a.id === 'nav-redis') === (r.name === 'redis'));
  }
  root.replaceChildren();
  current = { name: r.name, handle: r.view.mount(root, r.params, ctx) };
  await refreshNow();
  schedule();
}

// ---- token box ------------------------------------------------------------------------

const tokenInput = document.getElementById('token');
function showTokenState() {
  tokenInput.value = '';
  tokenInput.placeholder = token() ? 'token in use for this tab' : 'not needed in open mode';
  document.body.dataset.token = token() ? 'set' : 'none';
}
function useToken() {
  setToken(tokenInput.value.trim());
  showTokenState();
  say('');
  refreshNow();
}
document.getElementById('token-save').addEventListener('click', useToken);
tokenInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { useToken(); } });
document.getElementById('token-forget').addEventListener('click', () => {
  setToken('');
  showTokenState();
  refreshNow();
});
showTokenState();

window.addEventListener('hashchange', route);
route();
