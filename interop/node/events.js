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
const lib = require('./lib');
const { QueueEvents } = require('bullmq');

const line = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

lib.run(async () => {
  const { queue: name, settings } = lib.args('events.js <queue> {"lastEventId":"0-0","until":{...}}');
  const until = settings.until && [].concat(settings.until).map((u) => ({ ...u, seen: 0 }));
  lib.deadline(settings.timeoutMs || 30000, () => line({ timedOut: true, until }));
  const satisfied = () => until.every((u) => u.seen >= (u.count || 1));
  let failed = false;
  let resolveDone;
  const finished = new Promise((resolve) => { resolveDone = resolve; });

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
      line({ error: String((rest[0] && rest[0].message) || rest[0]) });
    } else if (typeof event === 'string' && !event.includes(':') && rest.length > 0
        && ['ready', 'closing', 'closed', 'ioredis:close'].indexOf(event) < 0) {
      const record = event === 'drained' ? { event, id: rest[0], args: {} }
        : { event, id: rest[1], args: rest[0] };
      line(record);
      if (until) {
        for (const u of until) {
          if (event === u.event && (u.jobId === undefined || record.args.jobId === u.jobId)) {
            u.seen += 1;
          }
        }
        if (satisfied()) resolveDone();
      }
    }
    return emit(event, ...rest);
  };

  qe.run().catch((e) => { failed = true; line({ error: `run: ${e.message}` }); resolveDone(); });
  await qe.waitUntilReady();
  line({ ready: true });
  if (until) {
    await finished;
  } else {
    await lib.sleep(settings.durationMs || 1000);
  }
  await lib.closeAll([qe]);
  line({ done: true });
  process.stdout.write('', () => process.exit(failed ? 1 : 0));
});
