// Building the page: every element is made with createElement and every piece of data goes in
// as a text node, so nothing the server returns (job names, data, errors, queue names) is ever
// parsed as HTML.

/**
 * el('td', {class: 'num', data: {count: 'waiting'}}, '12') → <td class="num" data-count="waiting">.
 * Children may be strings or numbers (become text), elements, null (skipped) or arrays of these.
 * Event handlers go in attrs as functions: {onclick: fn}.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) { continue; }
    if (k === 'class') {
      node.className = v;
    } else if (k === 'data') {
      for (const [dk, dv] of Object.entries(v)) {
        if (dv != null) { node.dataset[dk] = String(dv); }
      }
    } else if (k.startsWith('on') && typeof v === 'function') {
      node.addEventListener(k.slice(2), v);
    } else if (k === 'text') {
      node.textContent = String(v);
    } else if (v === true) {
      node.setAttribute(k, '');
    } else {
      node.setAttribute(k, String(v));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c == null || c === false) { continue; }
    if (Array.isArray(c)) {
      append(node, c);
    } else if (c instanceof Node) {
      node.appendChild(c);
    } else {
      node.appendChild(document.createTextNode(String(c)));
    }
  }
}

/** Replaces all children of node. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Sets an element's text (by element or id); null shows as an en dash. */
export function setText(target, value) {
  const node = typeof target === 'string' ? document.getElementById(target) : target;
  if (node) { node.textContent = value == null || value === '' ? '–' : String(value); }
}

export const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed',
  'paused', 'waiting-children'];

/** A badge for a job state or a health level; unknown words get a neutral badge. */
export function badge(word, kind) {
  const w = word == null ? 'unknown' : String(word);
  const safe = /^[a-z-]+$/.test(w) ? w : 'unknown';
  return el('span', { class: (kind || 'state') + ' ' + (kind || 'state') + '-' + safe }, w);
}

export function fmtNum(n) {
  if (n == null || n === '' || Number.isNaN(Number(n))) { return '–'; }
  const x = Number(n);
  if (!Number.isFinite(x)) { return '–'; }
  return Number.isInteger(x) ? x.toLocaleString('en-US')
    : x.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function fmtMs(ms) {
  if (ms == null || Number.isNaN(Number(ms))) { return '–'; }
  const x = Number(ms);
  if (!Number.isFinite(x) || x < 0) { return '–'; }
  if (x < 10) { return (Math.round(x * 10) / 10) + ' ms'; }
  if (x < 1000) { return Math.round(x) + ' ms'; }
  if (x < 120000) { return (x / 1000).toFixed(1) + ' s'; }
  if (x < 7200000) { return (x / 60000).toFixed(1) + ' min'; }
  return (x / 3600000).toFixed(1) + ' h';
}

export function fmtBytes(b) {
  if (b == null || Number.isNaN(Number(b))) { return '–'; }
  let x = Number(b);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(x) >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return (i === 0 ? String(Math.round(x)) : x.toFixed(1)) + ' ' + units[i];
}

export function fmtPct(ratio) {
  if (ratio == null || Number.isNaN(Number(ratio))) { return '–'; }
  return (Number(ratio) * 100).toFixed(1) + ' %';
}

export function fmtTime(epochMs) {
  if (epochMs == null || epochMs === '' || !(Number(epochMs) > 0)) { return '–'; }
  const d = new Date(Number(epochMs));
  return Number.isNaN(d.getTime()) ? '–' : d.toLocaleString();
}

/** "3 min ago" style age for lists. */
export function fmtAgo(epochMs) {
  if (!(Number(epochMs) > 0)) { return '–'; }
  return fmtMs(Date.now() - Number(epochMs)).replace(/^–$/, 'just now') + ' ago';
}

/** Pretty JSON for data, options and results; strings that hold JSON are shown parsed. */
export function pretty(value) {
  if (value === undefined) { return '–'; }
  if (typeof value === 'string') {
    try { return JSON.stringify(JSON.parse(value), null, 2); } catch (e) { return value; }
  }
  return JSON.stringify(value, null, 2);
}

/** A value under any of several names (for figures whose exact names may vary). */
export function pick(obj, names) {
  if (!obj || typeof obj !== 'object') { return undefined; }
  for (const n of names) {
    if (obj[n] !== undefined && obj[n] !== null) { return obj[n]; }
  }
  return undefined;
}

/** A definition list from [label, value, id?] rows. */
export function facts(rows, cls) {
  const dl = el('dl', { class: cls || 'facts' });
  for (const [label, value, id] of rows) {
    dl.appendChild(el('dt', null, label));
    dl.appendChild(el('dd', { id: id || null }, value == null || value === '' ? '–' : value));
  }
  return dl;
}

/** Prev/next pager: "21–40 of 1,234". onPage receives the new zero-based page. */
export function pager(page, pageSize, total, onPage, id) {
  const first = total === 0 ? 0 : page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  const lastPage = Math.max(0, Math.ceil(total / pageSize) - 1);
  return el('div', { class: 'pager', id: id || null },
    el('button', { type: 'button', class: 'prev', disabled: page <= 0,
      onclick: () => onPage(page - 1) }, '‹ Prev'),
    el('span', { class: 'range' }, fmtNum(first) + '–' + fmtNum(last) + ' of ' + fmtNum(total)),
    el('button', { type: 'button', class: 'next', disabled: page >= lastPage,
      onclick: () => onPage(page + 1) }, 'Next ›'));
}

/** Queue and job ids go into hash links percent-encoded. */
export function queueHref(q, extra) {
  return '#/queues/' + encodeURIComponent(q) + (extra || '');
}

export function jobHref(q, id) {
  return '#/queues/' + encodeURIComponent(q) + '/jobs/' + encodeURIComponent(id);
}
