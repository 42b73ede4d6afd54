// One job: state, timings, data, options, progress, result, failure with stack trace, logs;
// retry (failed), promote (delayed) and remove (with a confirm).

import { ApiFailure, del, get, post, queuePath } from './api.js';
import { badge, el, facts, fill, fmtMs, fmtNum, fmtTime, pretty, queueHref } from './dom.js';

export function mount(root, params, ctx) {
  const q = params.queue;
  const id = params.id;
  const path = queuePath(q, '/jobs/' + encodeURIComponent(id));
  let alive = true;
  let removed = false;

  const stateBox = el('span', { id: 'job-state' });
  const nameBox = el('h1', { id: 'job-name' }, 'Job ' + id);
  const retry = el('button', { type: 'button', id: 'job-retry' }, 'Retry');
  const promote = el('button', { type: 'button', id: 'job-promote' }, 'Promote');
  const remove = el('button', { type: 'button', id: 'job-remove', class: 'danger' }, 'Remove…');
  const body = el('div', { id: 'job-body' });
  root.append(
    el('p', { class: 'crumbs' }, el('a', { href: '#/' }, 'Queues'), ' / ',
      el('a', { href: queueHref(q), id: 'job-queue' }, q), ' / job ', el('span', { id: 'job-id' }, id)),
    el('div', { class: 'title-row' }, nameBox, stateBox,
      el('span', { class: 'actions' }, retry, promote, remove)),
    body);

  retry.addEventListener('click', () => ctx.act('Retry ' + id, () => post(path + '/retry')));
  promote.addEventListener('click', () => ctx.act('Promote ' + id, () => post(path + '/promote')));
  remove.addEventListener('click', async () => {
    if (!await ctx.confirm('Remove job ' + id + ' from queue ' + q + '? This cannot be undone.')) { return; }
    const r = await ctx.act('Remove ' + id, () => del(path));
    if (r) { removed = true; }
  });

  async function refresh() {
    let j;
    try {
      j = await get(path);
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 404) {
        document.body.dataset.job = 'missing';
        fill(stateBox, badge(removed ? 'removed' : 'missing'));
        for (const b of [retry, promote, remove]) { b.hidden = true; }
        fill(body, el('p', { class: 'banner', id: 'job-missing' }, removed
          ? 'Job ' + id + ' was removed.' : 'No job ' + id + ' in queue ' + q + ' (removed, or cleaned by retention).'),
        el('p', null, el('a', { href: queueHref(q) }, 'Back to ' + q)));
        return;
      }
      throw e;
    }
    if (!alive) { return; }
    document.body.dataset.job = j.state || 'unknown';
    nameBox.textContent = j.name == null ? 'Job ' + id : j.name;
    fill(stateBox, badge(j.state));
    retry.hidden = j.state !== 'failed';
    promote.hidden = j.state !== 'delayed';
    remove.hidden = false;
    const stack = Array.isArray(j.stacktrace) ? j.stacktrace.filter((s) => s != null && s !== '') : [];
    const logs = Array.isArray(j.logs) ? j.logs : [];
    fill(body,
      el('div', { class: 'two' },
        el('section', { class: 'panel', 'aria-label': 'Timings' }, el('h2', null, 'Timings'), facts([
          ['Added', fmtTime(j.timestamp), 't-added'],
          ['Started', fmtTime(j.processedOn), 't-started'],
          ['Finished', fmtTime(j.finishedOn), 't-finished'],
          ['Waited', fmtMs(j.waitMs), 't-wait'],
          ['Processing', fmtMs(j.processingMs), 't-processing'],
          ['Attempts made', fmtNum(j.attemptsMade), 't-attempts'],
          ['Progress', j.progress == null ? '–' : pretty(j.progress), 't-progress']
        ])),
        el('section', { class: 'panel', 'aria-label': 'Options' }, el('h2', null, 'Options'),
          el('pre', { id: 'job-opts' }, pretty(j.opts)))),
      j.failedReason || stack.length ? el('section', { class: 'panel error', 'aria-label': 'Failure' },
        el('h2', null, 'Failure'), el('p', { id: 'job-error' }, j.failedReason || ''),
        stack.length ? el('pre', { id: 'job-stack', class: 'stack' }, stack.join('\n\n')) : null) : null,
      el('section', { class: 'panel', 'aria-label': 'Data' }, el('h2', null, 'Data'),
        el('pre', { id: 'job-data' }, pretty(j.data))),
      j.returnvalue != null ? el('section', { class: 'panel', 'aria-label': 'Result' }, el('h2', null, 'Result'),
        el('pre', { id: 'job-result' }, pretty(j.returnvalue))) : null,
      el('section', { class: 'panel', 'aria-label': 'Logs' }, el('h2', null, 'Logs'),
        logs.length ? el('ol', { id: 'job-logs', class: 'logs' }, logs.map((l) => el('li', null,
          typeof l === 'string' ? l : pretty(l))))
          : el('p', { class: 'muted', id: 'job-logs-empty' }, 'No log rows.')));
  }

  return { refresh, unmount() { alive = false; } };
}
