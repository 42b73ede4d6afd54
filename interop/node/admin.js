'use strict';
// Makes one BullMQ Queue call, for the ITs that compare an operation's effect.
//
//   node admin.js <queue> '{"call":"promoteJobs"}'
//
//   node admin.js <queue> '{"call":"upsertJobScheduler","args":["s1",{"every":60000},{"name":"t"}]}'
//
// Calls: promoteJobs, pause, resume, isPaused, getJobCounts, getJobSchedulers,
// retryJobs(opts), retryJob(id, state) (Job.retry), remove(id), clean(grace, limit, type),
// drain(delayed), obliterate(opts),
// upsertJobScheduler(id, repeatOpts, template) (prints the first job's id),
// addFlow(flow) (FlowProducer.add on this queue's connection; prints the ids of the tree as
// {id, children:[...]}). Prints {"result":...}. With {"calls":[{call, args}, ...]} instead, makes
// the calls in order on one Queue and prints {"results":[...]}.
const lib = require('./lib');
const { Queue, FlowProducer } = require('bullmq');

function tree(node) {
  return { id: node.job.id, children: (node.children || []).map(tree) };
}

const CALLS = {
  promoteJobs: (q) => q.promoteJobs(),
  pause: (q) => q.pause(),
  resume: (q) => q.resume(),
  isPaused: (q) => q.isPaused(),
  getJobCounts: (q) => q.getJobCounts(),
  getJobSchedulers: (q) => q.getJobSchedulers(),
  retryJobs: (q, args) => q.retryJobs(args[0] || {}),
  remove: (q, args) => q.remove(args[0]),
  clean: (q, args) => q.clean(args[0], args[1], args[2]),
  drain: (q, args) => q.drain(args[0]),
  obliterate: (q, args) => q.obliterate(args[0] || {}),
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

lib.run(async () => {
  const { queue: name, settings } = lib.args('admin.js <queue> {"call":"promoteJobs"}');
  lib.deadline(settings.timeoutMs || 30000);
  const batch = settings.calls || [{ call: settings.call, args: settings.args }];
  for (const c of batch) {
    if (!CALLS[c.call]) lib.fail(`unknown call ${c.call}; known: ${Object.keys(CALLS).join(', ')}`);
  }
  const queue = new Queue(name, { connection: lib.connection(), prefix: lib.PREFIX, skipMetasUpdate: true });
  const results = [];
  try {
    for (const c of batch) {
      const r = await CALLS[c.call](queue, c.args || []);
      results.push(r === undefined ? null : r);
    }
  } finally {
    await lib.closeAll([queue]);
  }
  lib.done(settings.calls ? { results } : { result: results[0] });
});
