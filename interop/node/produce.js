'use strict';
// Adds jobs with a BullMQ Queue, one queue.add per job in the given order (so duplicate custom
// ids behave as with separate producers).
//
//   node produce.js <queue> '{"jobs":[{"name":"ok","data":{"a":1},"opts":{"delay":500}}],
//                              "timeoutMs":30000}'
//
// Prints {"ids":["1", ...]}: the id each add returned, in order.
const lib = require('./lib');
const { Queue } = require('bullmq');

lib.run(async () => {
  const { queue: name, settings } = lib.args('produce.js <queue> {"jobs":[{name,data,opts}]}');
  lib.deadline(settings.timeoutMs || 30000);
  const jobs = settings.jobs || [];
  const queue = new Queue(name, { connection: lib.connection(), prefix: lib.PREFIX });
  const ids = [];
  try {
    for (const j of jobs) {
      const job = await queue.add(j.name, j.data, j.opts || {});
      ids.push(job.id);
    }
  } finally {
    await lib.closeAll([queue]);
  }
  lib.done({ ids });
});
