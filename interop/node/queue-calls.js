'use strict';
// The BullMQ Queue calls the helpers can make by name (admin.js, and produce.js's "before"
// list): {call, args} → CALLS[call](queue, args). Each returns what BullMQ returned (or a
// JSON-friendly summary of it).
const lib = require('./lib');
const { FlowProducer } = require('bullmq');

function tree(node) {
  return { id: node.job.id, children: (node.children || []).map(tree) };
}

const CALLS = {
  promoteJobs: (q) => q.promoteJobs(),
  pause: (q) => q.pause(),
  resume: (q) => q.resume(),
  isPaused: (q) => q.isPaused(),
  getJobCounts: (q) => q.getJobCounts(),
  getJobState: (q, args) => q.getJobState(args[0]),
  getJobSchedulers: (q) => q.getJobSchedulers(),
  retryJobs: (q, args) => q.retryJobs(args[0] || {}),
  remove: (q, args) => q.remove(args[0]),
  clean: (q, args) => q.clean(args[0], args[1], args[2]),
  drain: (q, args) => q.drain(args[0]),
  obliterate: (q, args) => q.obliterate(args[0] || {}),
  setGlobalConcurrency: (q, args) => q.setGlobalConcurrency(args[0]),
  removeGlobalConcurrency: (q) => q.removeGlobalConcurrency(),
  setGlobalRateLimit: (q, args) => q.setGlobalRateLimit(args[0], args[1]),
  removeGlobalRateLimit: (q) => q.removeGlobalRateLimit(),
  retryJob: async (q, args) => {
    const job = await q.getJob(args[0]);
    if (!job) throw new Error(`no job ${args[0]}`);
    await job.retry(args[1] || 'failed');
    return job.id;
  },
  upsertJobScheduler: async (q, args) => {
    const job = await q.upsertJobScheduler(...args);
    return job && job.id;
  },
  addFlow: async (q, args) => {
    const flow = new FlowProducer({ connection: lib.connection(), prefix: lib.PREFIX });
    try {
      return tree(await flow.add(args[0]));
    } finally {
      await lib.closeAll([flow]);
    }
  },
};

/** Fails (exit 1) unless every call of the batch is known. */
function check(batch) {
  for (const c of batch) {
    if (!CALLS[c.call]) lib.fail(`unknown call ${c.call}; known: ${Object.keys(CALLS).join(', ')}`);
  }
}

/** Makes the calls in order on one Queue; returns their results (undefined → null). */
async function callAll(queue, batch) {
  const results = [];
  for (const c of batch) {
    const r = await CALLS[c.call](queue, c.args || []);
    results.push(r === undefined ? null : r);
  }
  return results;
}

module.exports = { CALLS, check, callAll };
