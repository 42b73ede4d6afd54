'use strict';
// Listens with a BullMQ QueueEvents and prints every event it emitted, in order, as one JSON
// line each: {"event":"completed","id":"<stream id>","args":{jobId, returnvalue, ...}}.
// The args are what BullMQ hands to listeners (returnvalue and progress data already
// JSON-parsed, delayed.delay a number).
//
//   node events.js <queue> '{"lastEventId":"0-0",
//       "until":[{"event":"completed","count":3},{"event":"retries-exhausted","jobId":"2"}],
//       "durationMs":5000,"timeoutMs":30000}'
//
// Starts after lastEventId (default "$": only new events); prints {"ready":true} once its
// connection is up. Stops once every `until` condition (one object or a list) has matched
// count times (count default 1; jobId optional), or after durationMs when no `until` is given;
// prints {"done":true} last.
// Exits 2 when `until` is not met in time. An 'error' from QueueEvents (e.g. a returnvalue
// that is not JSON) is printed as {"error":"..."} and makes the exit code 1.
//
// Several queues in one process: node events.js - '{"queues":{"q1":{},"q2":{}},
//     "lastEventId":"0-0","stopKey":"interop:stop:1"}' (lib.perQueue): one QueueEvents per
// queue; every line then carries "queue":"<name>", {"ready":true} is printed once all are up.
// "stopKey": the test SETs this Redis key to {"<queue>": "<stream id>", ...} when it is done;
// each listener then stops once it has emitted the event with that id (so nothing written
// before the signal is missed). A queue left out of the value stops at once.
const lib = require('./lib');
const { QueueEvents } = require('bullmq');
const IORedis = require('ioredis');

const line = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** Resolves with the parsed value of the stop key once it is set. */
async function stopSignal(key) {
  const client = new IORedis(lib.connection());
  try {
    for (;;) {
      const v = await client.get(key);
      if (v !== null) return JSON.parse(v);
      await lib.sleep(50);
    }
  } finally {
    client.disconnect();
  }
}

lib.run(async () => {
  const { queue: argvQueue, settings: all } = lib.args('events.js <queue> {"lastEventId":"0-0","until":{...}}');
  const multi = !!all.queues;
  const names = multi ? Object.keys(all.queues) : [argvQueue];
  const state = {};
  lib.deadline(all.timeoutMs || 30000, () => line({
    timedOut: true,
    until: multi ? names.map((n) => ({ queue: n, until: state[n] && state[n].until })) : state[argvQueue].until,
  }));
  let failed = false;
  const stop = all.stopKey ? stopSignal(all.stopKey) : null;

  // Phase 1: every listener connected (so "ready" means all of them).
  const started = await Promise.all(names.map(async (name) => {
    const settings = multi ? { ...all, ...all.queues[name] } : all;
    const tag = multi ? { queue: name } : {};
    const until = settings.until && [].concat(settings.until).map((u) => ({ ...u, seen: 0 }));
    const st = { until, lastId: null, waitFor: null };
    state[name] = st;
    const satisfied = () => until.every((u) => u.seen >= (u.count || 1));
    let resolveDone;
    const finished = new Promise((resolve) => { resolveDone = resolve; });
    st.check = () => {
      if (st.waitFor !== null && (st.waitFor === undefined || st.waitFor === '0-0'
          || (st.lastId && lib.compareStreamIds(st.lastId, st.waitFor) >= 0))) {
        resolveDone();
      }
    };

    const qe = new QueueEvents(name, {
      connection: lib.connection(),
      prefix: lib.PREFIX,
      lastEventId: settings.lastEventId,
      blockingTimeout: 1000,
      autorun: false,
    });
    const emit = qe.emit.bind(qe);
    // Every stream entry becomes emit(event, args, id) plus emit(`${event}:${jobId}`, ...);
    // 'drained' is emit('drained', id). Record the plain ones.
    qe.emit = (event, ...rest) => {
      if (event === 'error') {
        failed = true;
        line({ ...tag, error: String((rest[0] && rest[0].message) || rest[0]) });
      } else if (typeof event === 'string' && !event.includes(':') && rest.length > 0
          && ['ready', 'closing', 'closed', 'ioredis:close'].indexOf(event) < 0) {
        const record = event === 'drained' ? { ...tag, event, id: rest[0], args: {} }
          : { ...tag, event, id: rest[1], args: rest[0] };
        line(record);
        st.lastId = record.id;
        if (until) {
          for (const u of until) {
            if (event === u.event && (u.jobId === undefined || record.args.jobId === u.jobId)) {
              u.seen += 1;
            }
          }
          if (satisfied()) resolveDone();
        }
        st.check();
      }
      return emit(event, ...rest);
    };

    qe.run().catch((e) => {
      failed = true;
      line({ ...tag, error: `run: ${e.message}` });
      resolveDone();
    });
    await qe.waitUntilReady();
    return { name, settings, qe, finished };
  }));
  line({ ready: true });

  // Phase 2: until each listener is told to stop.
  await Promise.all(started.map(async ({ name, settings, finished }) => {
    const st = state[name];
    if (stop) {
      stop.then((ids) => {
        st.waitFor = ids[name];
        st.check();
      });
      await finished;
    } else if (st.until) {
      await finished;
    } else {
      await lib.sleep(settings.durationMs || 1000);
    }
  }));
  await lib.closeAll(started.map((s) => s.qe));
  line({ done: true });
  process.stdout.write('', () => process.exit(failed ? 1 : 0));
});
