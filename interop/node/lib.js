'use strict';
// Shared plumbing of the interop helpers: connection settings from the environment, argument
// parsing, a hard deadline, and one JSON document on stdout.
//
// Contract of every helper (the Java ITs rely on it):
// - REDIS_HOST (default 127.0.0.1) and REDIS_PORT (required: never the machine's 6379 by
//   accident) name the server; BULL_PREFIX overrides the key prefix (default "bull").
// - argv[2] is the queue name, argv[3] (optional) a JSON object of settings, or @<path> of a
//   file holding it.
// - Several queues in one process (node starts cost about half a second each): argv[2] is "-"
//   and settings.queues maps each queue name to its own settings, merged over the top-level
//   ones; the result is {"queues": {"<queue>": <that queue's result>}} (see perQueue).
// - The helper prints its result as JSON on stdout and exits 0; on any error it prints the
//   error to stderr and exits 1; past its deadline (settings.timeoutMs, default 30 s) it prints
//   what it has, says so on stderr, and exits 2.

const HOST = process.env.REDIS_HOST || '127.0.0.1';
const PORT = Number(process.env.REDIS_PORT);
const PREFIX = process.env.BULL_PREFIX || 'bull';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (!Number.isInteger(PORT) || PORT <= 0) {
  fail('REDIS_PORT must be set to the private test server\'s port');
}

/** ioredis options for bullmq (it sets maxRetriesPerRequest itself where needed). */
function connection() {
  return {
    host: HOST,
    port: PORT,
    // Fail fast instead of reconnecting forever: the test server is local.
    retryStrategy: (times) => (times > 3 ? null : 100),
    enableOfflineQueue: true,
  };
}

/** { queue, settings } from argv, exiting with a usage message when they are missing. */
function args(usage) {
  const queue = process.argv[2];
  if (!queue) {
    fail(`usage: ${usage}`);
  }
  let settings = {};
  if (process.argv[3]) {
    try {
      // "@<path>": the settings are in that file (too long for one argument).
      const text = process.argv[3].startsWith('@')
        ? require('fs').readFileSync(process.argv[3].slice(1), 'utf8') : process.argv[3];
      settings = JSON.parse(text);
    } catch (e) {
      fail(`settings must be JSON (or @<file of JSON>): ${e.message}`);
    }
  }
  return { queue, settings };
}

/**
 * Arms the hard deadline: after ms, onTimeout() may print partial output, then the process
 * exits 2 whatever is still pending. The timer does not keep the process alive.
 */
function deadline(ms, onTimeout) {
  const t = setTimeout(() => {
    process.stderr.write(`timed out after ${ms} ms\n`);
    try {
      if (onTimeout) onTimeout();
    } finally {
      process.exit(2);
    }
  }, ms);
  t.unref();
  return t;
}

/** Prints one JSON document and exits 0 once stdout is flushed. */
function done(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

/** Runs main(), turning a rejection into exit 1 with the stack on stderr. */
function run(main) {
  process.on('unhandledRejection', (e) => fail(`unhandled rejection: ${(e && e.stack) || e}`));
  main().catch((e) => fail((e && e.stack) || String(e)));
}

/** Closes bullmq objects, never waiting more than ms in total. */
async function closeAll(objs, ms = 3000) {
  await Promise.race([
    Promise.allSettled(objs.filter(Boolean).map((o) => o.close())),
    new Promise((resolve) => setTimeout(resolve, ms).unref()),
  ]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one(queue, settings) for the queue named on the command line, or, when settings.queues
 * is an object {"<queue>": {...}}, for each of those queues concurrently with the top-level
 * settings (queues left out) overridden by the queue's own; returns {queues: {<queue>: result}}.
 */
async function perQueue(queue, settings, one) {
  if (!settings.queues) {
    return one(queue, settings);
  }
  const { queues, ...shared } = settings;
  const names = Object.keys(queues);
  const results = await Promise.all(names.map((q) => one(q, { ...shared, ...queues[q] })));
  const out = {};
  names.forEach((q, i) => { out[q] = results[i]; });
  return { queues: out };
}

/** Compares two stream ids ("ms-seq"): negative, 0 or positive. */
function compareStreamIds(a, b) {
  const [am, as] = String(a).split('-').map(BigInt);
  const [bm, bs] = String(b).split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  if ((as || 0n) !== (bs || 0n)) return (as || 0n) < (bs || 0n) ? -1 : 1;
  return 0;
}

module.exports = {
  HOST, PORT, PREFIX, connection, args, deadline, done, run, fail, closeAll, sleep, perQueue,
  compareStreamIds,
};
