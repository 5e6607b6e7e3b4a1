#!/usr/bin/env node
// Child-process Node-RED for the multi-process tests: starts scripts/stack.ts (compiled, dist/) with one
// flow file, no sandboxes, port 0, and prints "READY <url>" once the flows are running.
// Plain JavaScript on purpose: loading Node-RED through the tsx loader makes start-up several times slower.
// Env: OCB_FLOW (flow file), OCB_USERDIR, plus whatever the flow reads (REDIS_URL, OCB_PREFIX, ...).
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
const { startStack } = require(path.join(root, 'dist', 'scripts', 'stack.js'));

async function main() {
  const flow = process.env.OCB_FLOW;
  const userDir = process.env.OCB_USERDIR;
  if (!flow || !userDir) throw new Error('OCB_FLOW and OCB_USERDIR are required');
  const stack = await startStack({ sandbox: false, flows: [flow], userDir, port: 0, quiet: true, logLevel: process.env.OCB_LOG || 'warn' });
  // RED.start() can resolve before the flows run: callers wait for their own endpoints.
  process.stdout.write(`READY ${stack.url}\n`);
  const stop = () => stack.stop().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`runner failed: ${(err && err.stack) || err}\n`);
  process.exit(1);
});
