'use strict';
// Serves Bull Board (@bull-board/api with its BullMQAdapter, behind @bull-board/express) for
// the given queues, read-only, on a free loopback port, so an IT can read queues through the
// board's own HTTP API (GET /api/queues, /api/queues/<queue>/<jobId>, .../<jobId>/logs).
//
//   node board.js - '{"names":["q1","q2"],"timeoutMs":120000}'
//
// Prints {"ready":true,"port":<port>} once listening on 127.0.0.1, then serves until it is
// killed or timeoutMs (default 60 s) passes (exit 2).
const http = require('http');
const express = require('express');
const { Queue } = require('bullmq');
const { createBullBoard } = require('@bull-board/api');
const { BullMQAdapter } = require('@bull-board/api/bullMQAdapter');
const { ExpressAdapter } = require('@bull-board/express');
const lib = require('./lib');

lib.run(async () => {
  const { settings } = lib.args('board.js - {"names":["q1"]}');
  lib.deadline(settings.timeoutMs || 60000);
  const names = settings.names || [];
  const queues = names.map((name) => new Queue(name, {
    connection: lib.connection(),
    prefix: lib.PREFIX,
    // Only read: no version tag written into a queue only Bullpen wrote.
    skipMetasUpdate: true,
  }));
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/');
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter,
  });
  const app = express();
  app.use('/', serverAdapter.getRouter());
  const server = http.createServer(app);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
  const shutdown = async () => {
    server.close();
    await lib.closeAll(queues);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
});
