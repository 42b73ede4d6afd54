'use strict';
// Makes one BullMQ Queue call, for the ITs that compare an operation's effect.
//
//   node admin.js <queue> '{"call":"promoteJobs"}'
//
// Calls: promoteJobs, pause, resume, isPaused, getJobCounts. Prints {"result":...}.
const lib = require('./lib');
const { Queue } = require('bullmq');

const CALLS = {
  promoteJobs: (q) => q.promoteJobs(),
  pause: (q) => q.pause(),
  resume: (q) => q.resume(),
  isPaused: (q) => q.isPaused(),
  getJobCounts: (q) => q.getJobCounts(),
};

lib.run(async () => {
  const { queue: name, settings } = lib.args('admin.js <queue> {"call":"promoteJobs"}');
  lib.deadline(settings.timeoutMs || 30000);
  const call = CALLS[settings.call];
  if (!call) lib.fail(`unknown call ${settings.call}; known: ${Object.keys(CALLS).join(', ')}`);
  const queue = new Queue(name, { connection: lib.connection(), prefix: lib.PREFIX, skipMetasUpdate: true });
  let result;
  try {
    result = await call(queue);
  } finally {
    await lib.closeAll([queue]);
  }
  lib.done({ result: result === undefined ? null : result });
});
