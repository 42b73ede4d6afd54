// The job page: shows one job and keeps it current. Live through Server-Sent Events; when the
// browser or a proxy cannot keep a stream open, it polls with the last ETag instead: every 15 s
// while the job is active, every 60 s while it waits, and not at all once it has finished.
// Everything shown is set with textContent, never parsed as HTML.
// A link for an end user carries a signed job token (?token=); the page sends it with every
// request. The event stream gets a short-lived URL of its own from …/events-url, because
// EventSource cannot send headers.
(function () {
  'use strict';

  var POLL_ACTIVE_MS = 15000;
  var POLL_WAITING_MS = 60000;
  var RETRY_MS = 15000;

  var parts = location.pathname.split('/');
  var queue = decodeURIComponent(parts[2] || '');
  var id = decodeURIComponent(parts[3] || '');
  var api = '/api/queues/' + encodeURIComponent(queue) + '/jobs/' + encodeURIComponent(id);
  var search = new URLSearchParams(location.search);
  var forcePolling = search.get('transport') === 'poll';
  var token = search.get('token');

  // The API URL of the job (plus a suffix) with the page's job token, if any.
  function apiUrl(suffix) {
    return api + (suffix || '') + (token ? '?token=' + encodeURIComponent(token) : '');
  }

  var etag = null;
  var shownEtag = null;
  var logsEtag = null;
  var pollTimer = null;
  var source = null;

  function $(elementId) { return document.getElementById(elementId); }

  function setText(elementId, text) { $(elementId).textContent = text == null ? '' : String(text); }

  function setTransport(mode, nextPollMs) {
    document.body.dataset.transport = mode;
    if (nextPollMs != null) {
      document.body.dataset.nextPollMs = String(nextPollMs);
    } else {
      delete document.body.dataset.nextPollMs;
    }
    var label = {
      sse: 'live',
      poll: 'checking every ' + Math.round((nextPollMs || 0) / 1000) + ' s',
      final: 'final',
      gone: '',
      retrying: 'reconnecting…'
    }[mode];
    setText('live', label || '');
  }

  function banner(text) {
    var b = $('banner');
    b.hidden = !text;
    b.textContent = text || '';
  }

  function formatTime(iso) {
    if (!iso) { return '–'; }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '–' : d.toLocaleString();
  }

  function formatDuration(fromIso, toIso) {
    if (!fromIso || !toIso) { return '–'; }
    var ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
    if (!(ms >= 0)) { return '–'; }
    if (ms < 1000) { return ms + ' ms'; }
    if (ms < 120000) { return (ms / 1000).toFixed(1) + ' s'; }
    return Math.round(ms / 60000) + ' min';
  }

  // Progress is any JSON: a number (percent), or an object with a percent and a stage.
  function readProgress(p) {
    if (typeof p === 'number') { return { percent: p, stage: '' }; }
    if (p && typeof p === 'object' && !Array.isArray(p)) {
      var pct = [p.percent, p.progress, p.value, p.pct].find(function (v) {
        return typeof v === 'number';
      });
      var stage = [p.stage, p.step, p.label, p.message].find(function (v) {
        return typeof v === 'string';
      });
      if (pct !== undefined || stage !== undefined) {
        return { percent: pct, stage: stage || '' };
      }
    }
    return { raw: JSON.stringify(p) };
  }

  function render(view) {
    etag = view.etag;
    if (view.etag === shownEtag && !view.stale) { return; }
    shownEtag = view.etag;
    document.body.dataset.state = view.state;
    document.body.dataset.etag = view.etag;
    document.title = (view.name || 'Job') + ' · ' + view.state + ' · Bullpen';
    setText('queue-name', view.queue);
    setText('job-id', view.id);
    setText('job-name', view.name || '(unnamed job)');
    var state = $('state');
    state.textContent = view.state;
    state.className = 'state state-' + view.state.replace(/[^a-z-]/g, '');

    var prog = readProgress(view.progress);
    var bar = $('progress');
    if (prog.raw !== undefined) {
      $('progress-raw').hidden = false;
      setText('progress-raw', prog.raw);
      setText('stage', '');
      setText('percent', '');
    } else {
      $('progress-raw').hidden = true;
      var pct = prog.percent === undefined ? (view.state === 'completed' ? 100 : 0) : prog.percent;
      pct = Math.max(0, Math.min(100, pct));
      if (view.state === 'completed') { pct = 100; }
      bar.setAttribute('aria-valuenow', String(Math.round(pct)));
      $('progress-fill').style.width = pct + '%';
      setText('stage', prog.stage);
      setText('percent', Math.round(pct) + '%');
    }

    // A failure reason on an unfinished or completed job is from an earlier attempt.
    $('error-box').hidden = !view.failedReason;
    setText('error-title', view.state === 'failed' ? 'Failed'
      : view.finished ? 'An earlier attempt failed' : 'The last attempt failed; it will retry');
    setText('error', view.failedReason || '');
    $('result-box').hidden = view.returnValue === null || view.returnValue === undefined;
    setText('result', view.returnValue === null || view.returnValue === undefined ? ''
      : JSON.stringify(view.returnValue, null, 2));

    setText('t-created', formatTime(view.createdAt));
    setText('t-started', formatTime(view.processedOn));
    setText('t-finished', formatTime(view.finishedOn));
    setText('t-wait', formatDuration(view.createdAt, view.processedOn));
    setText('t-run', formatDuration(view.processedOn, view.finishedOn));
    setText('attempts', view.attemptsStarted + ' started, ' + view.attemptsMade + ' finished, '
      + view.maxAttempts + ' allowed');

    banner(view.stale ? 'Showing the last known status (' + Math.round(view.ageMs / 1000)
      + ' s old): the server cannot reach its Redis right now.' : '');
    refreshLogs(view);
  }

  function refreshLogs(view) {
    if (logsEtag === view.etag) { return; }
    logsEtag = view.etag;
    fetch(apiUrl('/logs'), { cache: 'no-store' }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (body) {
      if (!body) { return; }
      var list = $('logs');
      while (list.firstChild) { list.removeChild(list.firstChild); }
      body.rows.forEach(function (row) {
        var li = document.createElement('li');
        li.textContent = row;
        list.appendChild(li);
      });
      $('logs-empty').hidden = body.rows.length > 0;
    }).catch(function () { /* logs are a nice-to-have; the next change tries again */ });
  }

  function gone(message) {
    stopStream();
    clearTimeout(pollTimer);
    setText('job-name', message);
    var state = $('state');
    state.textContent = 'not found';
    state.className = 'state state-unknown';
    document.body.dataset.state = 'not-found';
    setTransport('gone');
  }

  function finished(view) { return view.state === 'completed' || view.state === 'failed'; }

  // Smart polling: revalidate with the ETag; the delay follows the state.
  function poll() {
    var headers = etag ? { 'If-None-Match': '"' + etag + '"' } : {};
    fetch(apiUrl(), { headers: headers, cache: 'no-store' }).then(function (r) {
      if (r.status === 404) { gone('This job does not exist (or was removed).'); return null; }
      if (r.status === 304) { return 'same'; }
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (body) {
      if (body === null) { return; }
      if (body !== 'same') { render(body); }
      schedulePoll();
    }).catch(function () {
      banner('Cannot reach the server; trying again in ' + RETRY_MS / 1000 + ' s.');
      setTransport('retrying');
      pollTimer = setTimeout(poll, RETRY_MS);
    });
  }

  function schedulePoll() {
    var state = document.body.dataset.state;
    if (state === 'completed' || state === 'failed') { setTransport('final'); return; }
    var delay = state === 'active' ? POLL_ACTIVE_MS : POLL_WAITING_MS;
    setTransport('poll', delay);
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, delay);
  }

  function stopStream() {
    if (source) { source.close(); source = null; }
  }

  // Asks for a short-lived stream URL, then opens it; polls when either fails.
  var reopens = 0;
  function stream() {
    fetch(apiUrl('/events-url'), { cache: 'no-store' }).then(function (r) {
      if (r.status === 404) { gone('This job does not exist (or was removed).'); return null; }
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (body) {
      if (body) { openStream(body.url); }
    }).catch(function () { poll(); });
  }

  function openStream(url) {
    var failures = 0;
    var received = false;
    source = new EventSource(url);
    var onView = function (e) {
      failures = 0;
      received = true;
      var view = JSON.parse(e.data);
      render(view);
      setTransport(finished(view) ? 'final' : 'sse');
    };
    source.addEventListener('state', onView);
    source.addEventListener('progress', onView);
    source.addEventListener('end', function () { stopStream(); setTransport('final'); });
    source.addEventListener('removed', function () {
      gone('This job was removed.');
    });
    source.onerror = function () {
      failures++;
      // A stream that worked and was refused on reconnecting (its URL expired): ask for a new
      // URL a few times. A 404/503 answer or repeated drops: poll instead.
      var closed = !source || source.readyState === EventSource.CLOSED;
      if (closed && received && reopens < 3 && document.body.dataset.transport !== 'final') {
        reopens++;
        stopStream();
        stream();
        return;
      }
      if (closed || failures >= 3) {
        stopStream();
        if (document.body.dataset.transport !== 'final') { poll(); }
      }
    };
  }

  setText('queue-name', queue);
  setText('job-id', id);
  if (!forcePolling && window.EventSource) {
    setTransport('sse');
    stream();
  } else {
    poll();
  }
})();
