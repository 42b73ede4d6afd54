// Calls to the admin API. The token typed into the page lives in sessionStorage (gone when the
// tab closes) and goes out as "Authorization: Bearer"; a server in open mode needs none.

const TOKEN_KEY = 'bullpen.token';

export function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
}

export function setToken(value) {
  try {
    if (value) { sessionStorage.setItem(TOKEN_KEY, value); } else { sessionStorage.removeItem(TOKEN_KEY); }
  } catch (e) { /* storage disabled: the token lasts until reload */ }
}

/** An answer other than 2xx: status, the server's error code and message. */
export class ApiFailure extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** One sentence for the banner, saying which role is missing when that is the problem. */
  explain() {
    if (this.status === 401) {
      return 'The server wants an API token for this (' + this.message + '). Type it in the box above.';
    }
    if (this.status === 403) {
      return 'Not allowed: ' + this.message;
    }
    return this.message || ('HTTP ' + this.status);
  }
}

/** GET/POST/DELETE path (already encoded) with an optional JSON body; resolves to parsed JSON. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) { headers.Authorization = 'Bearer ' + t; }
  const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiFailure(0, 'network', 'cannot reach the server (' + e.message + ')');
  }
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = null; }
  }
  if (!res.ok) {
    throw new ApiFailure(res.status, json && json.error || 'http_' + res.status,
      json && json.message || res.statusText || ('HTTP ' + res.status));
  }
  return json || {};
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const del = (path) => api('DELETE', path);

/** /api/admin/queues/{q} with the rest of the path appended. */
export function queuePath(q, rest) {
  return '/api/admin/queues/' + encodeURIComponent(q) + (rest || '');
}
