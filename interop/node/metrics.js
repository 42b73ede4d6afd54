'use strict';
// Reads a queue's per-minute metrics with BullMQ's own Queue.getMetrics, for the IT that checks
// the Bullpen coordinator writes them where and how BullMQ reads them.
//
//   node metrics.js <queue> '{"type":"completed"}'
//
// Prints {"result":{"meta":{"count","prevTS","prevCount"},"data":[...],"count":n}}.
const lib = require('./lib');
const { Queue } = require('bullmq');

lib.run(async () => {
  const { queue: name, settings } = lib.args('metrics.js <queue> {"type":"completed"}');
  lib.deadline(settings.timeoutMs || 30000);
  const queue = new Queue(name, {
    connection: lib.connection(), prefix: lib.PREFIX, skipMetasUpdate: true,
  });
  try {
    lib.done({ result: await queue.getMetrics(settings.type, 0, -1) });
  } finally {
    await lib.closeAll([queue]);
  }
});
