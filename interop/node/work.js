'use strict';
// Runs a BullMQ Worker until `count` jobs have reached a final outcome (completed, or failed
// with no retry left), then closes it and prints a summary.
//
//   node work.js <queue> '{"count":3,"timeoutMs":30000,
//     "worker":{"name":"w","concurrency":1},
//     "behaviors":{"ok":{"returns":{"result":1}},
//                  "boom":{"fail":"boom"},
//                  "flaky":{"fail":"flaky","failAttempts":1,"returns":"recovered"},
//                  "slow":{"progress":[42,{"step":2}],"logs":["row"],"sleepMs":50,"returns":"done"},
//                  "*":{"returns":null}}}'
//
// A behavior is chosen by job name ("*" = any other name). In order it: sleeps sleepMs,
// writes each log row, reports each progress value, then throws Error(fail) (an
// UnrecoverableError when unrecoverable is true) when fail is set and the job has made fewer
// than failAttempts attempts (every attempt when failAttempts is absent), else returns {"echo": job.data} when echo is true, else `returns` (undefined when
// absent).
//
// Other ways to stop: "untilCompleted": N stops once the queue's completed set holds N jobs
// (whoever completed them: mixed fleets); without count or untilCompleted, after durationMs.
// "brief": true makes "completed" a list of job ids only and leaves "order" empty (large runs).
//
// Prints {"completed":[{id,name,returnvalue,attemptsMade}],
//         "failed":[{id,name,failedReason,attemptsMade,final}],
//         "order":[job ids as they became active], "errors":[messages]}.
// Exits 2 (after printing the partial summary) when the count is not reached in time.
//
// Several queues in one process: node work.js - '{"queues":{"q1":{"count":3,...},...}}'
// (lib.perQueue): one Worker per queue, all running at once.
const lib = require('./lib');
const { Worker, Queue, UnrecoverableError } = require('bullmq');

async function work(name, settings, summary) {
  const count = settings.count || 0;
  const untilCompleted = settings.untilCompleted || 0;
  const behaviors = settings.behaviors || {};

  const processor = async (job) => {
    const b = behaviors[job.name] || behaviors['*'] || {};
    if (b.sleepMs) await lib.sleep(b.sleepMs);
    for (const row of b.logs || []) await job.log(row);
    for (const p of b.progress || []) await job.updateProgress(p);
    if (b.fail !== undefined && (b.failAttempts === undefined || job.attemptsMade < b.failAttempts)) {
      throw b.unrecoverable ? new UnrecoverableError(b.fail) : new Error(b.fail);
    }
    return b.echo ? { echo: job.data } : b.returns;
  };

  const worker = new Worker(name, processor, {
    connection: lib.connection(),
    prefix: lib.PREFIX,
    autorun: false,
    ...(settings.worker || {}),
  });

  let finals = 0;
  let resolveDone;
  const allDone = new Promise((resolve) => { resolveDone = resolve; });
  const countFinal = () => {
    finals += 1;
    if (count > 0 && finals >= count) resolveDone();
  };
  worker.on('active', (job) => {
    if (!settings.brief) summary.order.push(job.id);
  });
  worker.on('completed', (job, result) => {
    summary.completed.push(settings.brief ? job.id : {
      id: job.id, name: job.name, returnvalue: result === undefined ? null : result,
      attemptsMade: job.attemptsMade,
    });
    countFinal();
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const attempts = Math.max(1, (job.opts && job.opts.attempts) || 0);
    const final = job.attemptsMade >= attempts || (err && err.name === 'UnrecoverableError');
    summary.failed.push({ id: job.id, name: job.name, failedReason: err && err.message,
      attemptsMade: job.attemptsMade, final });
    if (final) countFinal();
  });
  worker.on('error', (err) => summary.errors.push(String((err && err.message) || err)));

  worker.run().catch((e) => summary.errors.push(`run: ${e.message}`));
  if (count > 0) {
    await allDone;
  } else if (untilCompleted > 0) {
    const reader = new Queue(name, {
      connection: lib.connection(), prefix: lib.PREFIX, skipMetasUpdate: true,
    });
    try {
      while ((await reader.getCompletedCount()) < untilCompleted) await lib.sleep(50);
    } finally {
      await lib.closeAll([reader]);
    }
  } else {
    await lib.sleep(settings.durationMs || 1000);
  }
  summary.finished = true;
  await lib.closeAll([worker], 5000);
  return summary;
}

lib.run(async () => {
  const { queue: argvQueue, settings: all } = lib.args('work.js <queue> {"count":N,"behaviors":{...}}');
  const summaries = {};
  const newSummary = (name) => {
    summaries[name] = { completed: [], failed: [], order: [], errors: [], finished: false };
    return summaries[name];
  };
  lib.deadline(all.timeoutMs || 30000, () => {
    const partial = all.queues ? { queues: summaries } : summaries[argvQueue];
    process.stdout.write(`${JSON.stringify(partial)}\n`);
  });
  lib.done(await lib.perQueue(argvQueue, all, (name, settings) => work(name, settings,
    newSummary(name))));
});
