'use strict';
// Reads a queue the way BullMQ's own API reads it: getJobCounts(), and for each job id
// getJob() (decoded fields), getState() and the raw hash (HGETALL).
//
//   node dump.js <queue> '{"ids":["1","2"],"timeoutMs":30000}'
//
// Prints {"counts":{...}, "jobs":{"<id>": null | {"job":{...},"state":"completed","raw":{...}}}}.
// "job" holds the decoded Job: returnvalue and progress already JSON-parsed by BullMQ.
// Several queues in one process: node dump.js - '{"queues":{"q1":{"ids":[...]},...}}'
// (lib.perQueue).
const lib = require('./lib');
const { Queue } = require('bullmq');
const IORedis = require('ioredis');

function decoded(job) {
  return {
    id: job.id,
    name: job.name,
    data: job.data,
    opts: job.opts,
    progress: job.progress,
    returnvalue: job.returnvalue,
    failedReason: job.failedReason,
    stacktrace: job.stacktrace,
    attemptsMade: job.attemptsMade,
    attemptsStarted: job.attemptsStarted,
    stalledCounter: job.stalledCounter,
    timestamp: job.timestamp,
    processedOn: job.processedOn,
    finishedOn: job.finishedOn,
    delay: job.delay,
    priority: job.priority,
    processedBy: job.processedBy,
  };
}

lib.run(async () => {
  const { queue: argvQueue, settings: all } = lib.args('dump.js <queue> {"ids":[...]}');
  lib.deadline(all.timeoutMs || 30000);
  const client = new IORedis(lib.connection());
  try {
    lib.done(await lib.perQueue(argvQueue, all, async (name, settings) => {
      const queue = new Queue(name, {
        connection: lib.connection(),
        prefix: lib.PREFIX,
        // A reader must not write meta (version, opts.maxLenEvents): the ITs compare queues.
        skipMetasUpdate: true,
      });
      const out = { counts: null, jobs: {} };
      try {
        out.counts = await queue.getJobCounts();
        for (const id of settings.ids || []) {
          const job = await queue.getJob(id);
          if (!job) {
            out.jobs[id] = null;
            continue;
          }
          out.jobs[id] = {
            job: decoded(job),
            state: await job.getState(),
            raw: await client.hgetall(`${lib.PREFIX}:${name}:${id}`),
          };
        }
      } finally {
        await lib.closeAll([queue]);
      }
      return out;
    }));
  } finally {
    client.disconnect();
  }
});
