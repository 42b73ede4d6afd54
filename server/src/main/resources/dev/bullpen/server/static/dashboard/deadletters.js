// A queue's dead letters: jobs that failed after their last attempt, with reason, attempts and
// stack trace; each can be requeued, or all at once.

import { get, post, queuePath } from './api.js';
import { el, fill, fmtAgo, fmtNum, jobHref, pager, pretty } from './dom.js';

const PAGE_SIZE = 20;

export function deadLetters(q, ctx) {
  let page = 0;
  let total = null;
  const rows = el('div', { id: 'dead-rows' });
  const pagerBox = el('div');
  const requeueAll = el('button', { type: 'button', id: 'requeue-all', class: 'danger' }, 'Requeue all…');
  const box = el('div', { id: 'dead-letters' }, el('div', { class: 'toolbar' }, pagerBox, requeueAll), rows);

  requeueAll.addEventListener('click', async () => {
    if (!await ctx.confirm('Requeue every dead letter of queue ' + q + '? They go back to waiting.')) { return; }
    const r = await ctx.act('Requeue dead letters', () => post(queuePath(q, '/dead-letters/requeue'), {}));
    if (r) { ctx.say('Requeued ' + fmtNum(r.requeued) + ' dead letters', 'ok'); }
  });

  async function refresh() {
    const start = page * PAGE_SIZE;
    const answer = await get(queuePath(q, '/dead-letters?start=' + start + '&end=' + (start + PAGE_SIZE - 1)));
    total = Number(answer.total) || 0;
    if (total > 0 && start >= total) {
      page = Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);
      return refresh();
    }
    fill(pagerBox, pager(page, PAGE_SIZE, total, (n) => { page = n; refresh().catch(ctx.fail); }, 'dead-pager'));
    const jobs = answer.jobs || [];
    fill(rows, jobs.length === 0 ? el('p', { class: 'muted', id: 'no-dead' }, 'No dead letters.')
      : el('table', { class: 'grid', id: 'dead' },
        el('thead', null, el('tr', null, ['Id', 'Name', 'Reason', 'Attempts', 'Failed', ''].map((h) => el('th', null, h)))),
        el('tbody', null, jobs.map((j) => el('tr', { data: { jobId: j.id } },
          el('td', null, el('a', { href: jobHref(q, j.id) }, j.id)),
          el('td', { class: 'name' }, j.name),
          el('td', { class: 'reason' }, el('details', null, el('summary', null, j.failedReason || '(no reason)'),
            (j.stacktrace || []).length ? el('pre', { class: 'stack' }, (j.stacktrace || []).join('\n\n')) : null,
            j.data !== undefined ? el('pre', null, pretty(j.data)) : null)),
          el('td', { class: 'num' }, fmtNum(j.attemptsMade) + (j.attempts != null ? ' / ' + fmtNum(j.attempts) : '')),
          el('td', null, fmtAgo(j.finishedOn)),
          el('td', null, el('button', { type: 'button', class: 'requeue', onclick: () => ctx.act('Requeue ' + j.id,
            () => post(queuePath(q, '/dead-letters/' + encodeURIComponent(j.id) + '/requeue'))) }, 'Requeue')))))));
  }

  return { box, refresh, total: () => total };
}
