// Alerts as the coordinator and the Redis monitor report them:
// {rule, subject, level, message, value, threshold, since}. Subject is a queue name or "redis".

import { badge, el, fmtAgo, fmtNum, queueHref } from './dom.js';

const ORDER = { critical: 3, warning: 2, good: 1, excellent: 0 };

/** A subject's health: the worst level among its alerts, excellent with none. */
export function healthOf(alerts, subject) {
  let worst = 'excellent';
  for (const a of alerts || []) {
    if (a.subject === subject && (ORDER[a.level] || 0) > (ORDER[worst] || 0)) { worst = a.level; }
  }
  return worst;
}

/** Worst first, then oldest first; at most `limit` rows with a note of the rest. */
export function alertList(alerts, limit, hideSubject) {
  if (!alerts || alerts.length === 0) {
    return el('p', { class: 'muted', id: hideSubject ? null : 'no-alerts' }, 'No alerts: all rules pass.');
  }
  const sorted = alerts.slice().sort((a, b) => (ORDER[b.level] || 0) - (ORDER[a.level] || 0)
    || (Number(a.since) || 0) - (Number(b.since) || 0));
  const shown = sorted.slice(0, limit);
  return el('div', null,
    el('ul', { class: 'alerts' }, shown.map((a) => el('li', { data: { rule: a.rule, subject: a.subject } },
      badge(a.level, 'health'), ' ',
      hideSubject ? null : subjectLink(a.subject), hideSubject ? null : ' · ',
      el('span', { class: 'rule' }, a.rule), ' ',
      el('span', { class: 'message' }, a.message),
      el('span', { class: 'muted' }, figure(a), ' · since ', fmtAgo(a.since))))),
    sorted.length > limit ? el('p', { class: 'muted' }, 'and ' + (sorted.length - limit) + ' more') : null);
}

function subjectLink(subject) {
  const s = String(subject);
  return el('a', { href: s === 'redis' ? '#/redis' : queueHref(s), class: 'subject' }, s);
}

function figure(a) {
  const v = Number(a.value);
  const t = Number(a.threshold);
  if (a.value == null || Number.isNaN(v)) { return ''; }
  return ' (' + fmtNum(v) + (a.threshold == null || Number.isNaN(t) ? '' : ' vs ' + fmtNum(t)) + ')';
}
