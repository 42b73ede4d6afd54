'use strict';
// Makes one BullMQ Queue call, for the ITs that compare an operation's effect.
//
//   node admin.js <queue> '{"call":"promoteJobs"}'
//
//   node admin.js <queue> '{"call":"upsertJobScheduler","args":["s1",{"every":60000},{"name":"t"}]}'
//
// Calls (queue-calls.js): promoteJobs, pause, resume, isPaused, getJobCounts, getJobState(id),
// getJobSchedulers, retryJobs(opts), retryJob(id, state) (Job.retry), remove(id),
// clean(grace, limit, type), drain(delayed), obliterate(opts), setGlobalConcurrency(n),
// removeGlobalConcurrency, setGlobalRateLimit(max, durationMs), removeGlobalRateLimit,
// upsertJobScheduler(id, repeatOpts, template) (prints the first job's id),
// addFlow(flow) (FlowProducer.add on this queue's connection; prints the ids of the tree as
// {id, children:[...]}). Prints {"result":...}. With {"calls":[{call, args}, ...]} instead, makes
// the calls in order on one Queue and prints {"results":[...]}.
//
// Several queues in one process: node admin.js - '{"queues":{"q1":{"call":"resume"},...}}'
// prints {"queues":{"q1":{"result":null},...}} (lib.perQueue).
const lib = require('./lib');
const { Queue } = require('bullmq');
const calls = require('./queue-calls');

lib.run(async () => {
  const { queue: argvQueue, settings: all } = lib.args('admin.js <queue> {"call":"promoteJobs"}');
  lib.deadline(all.timeoutMs || 30000);
  lib.done(await lib.perQueue(argvQueue, all, async (name, settings) => {
    const batch = settings.calls || [{ call: settings.call, args: settings.args }];
    calls.check(batch);
    const queue = new Queue(name, {
      connection: lib.connection(), prefix: lib.PREFIX, skipMetasUpdate: true,
    });
    try {
      const results = await calls.callAll(queue, batch);
      return settings.calls ? { results } : { result: results[0] };
    } finally {
      await lib.closeAll([queue]);
    }
  }));
});
