'use strict';
// Adds jobs with a BullMQ Queue, one queue.add per job in the given order (so duplicate custom
// ids behave as with separate producers).
//
//   node produce.js <queue> '{"jobs":[{"name":"ok","data":{"a":1},"opts":{"delay":500}}],
//                              "before":[{"call":"pause"}],"timeoutMs":30000}'
//
// "bulk": N (optional) adds with queue.addBulk, N jobs per call, in order (large runs).
// "before" (optional): Queue calls made first, in order, on the same Queue (queue-calls.js:
// pause, setGlobalConcurrency, setGlobalRateLimit, ...), as a producer would configure its queue.
// Prints {"ids":["1", ...]}: the id each add returned, in order.
// Several queues in one process: node produce.js - '{"queues":{"q1":{"jobs":[...]},...}}'
// (lib.perQueue); the queues are filled concurrently.
const lib = require('./lib');
const { Queue } = require('bullmq');
const calls = require('./queue-calls');

lib.run(async () => {
  const { queue: argvQueue, settings: all } = lib.args('produce.js <queue> {"jobs":[{name,data,opts}]}');
  lib.deadline(all.timeoutMs || 30000);
  lib.done(await lib.perQueue(argvQueue, all, async (name, settings) => {
    const jobs = settings.jobs || [];
    const before = settings.before || [];
    calls.check(before);
    const queue = new Queue(name, { connection: lib.connection(), prefix: lib.PREFIX });
    const ids = [];
    try {
      await calls.callAll(queue, before);
      if (settings.bulk) {
        for (let i = 0; i < jobs.length; i += settings.bulk) {
          const added = await queue.addBulk(jobs.slice(i, i + settings.bulk));
          added.forEach((job) => ids.push(job.id));
        }
      } else {
        for (const j of jobs) {
          const job = await queue.add(j.name, j.data, j.opts || {});
          ids.push(job.id);
        }
      }
    } finally {
      await lib.closeAll([queue]);
    }
    return { ids };
  }));
});
