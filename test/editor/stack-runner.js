#!/usr/bin/env node
/*
 * Child process for the browser tests: starts the whole stack (Odoo and CRM sandboxes + embedded
 * Node-RED with this package) from dist/scripts/stack.js on free ports, prints one JSON line
 * {url, odooUrl, crmUrl, userDir} on stdout, and stops cleanly on SIGTERM/SIGINT or when stdin closes.
 *   node test/editor/stack-runner.js <userDir> [flows.json ...]
 * Node-RED's runtime is a per-process singleton, hence a child process.
 */
'use strict';
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const [userDir, ...flows] = process.argv.slice(2);
if (!userDir) {
  console.error('usage: stack-runner.js <userDir> [flow files]');
  process.exit(2);
}

let stack;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    if (stack) await stack.stop();
  } catch (err) {
    console.error('stack-runner: stop failed', err);
  }
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.resume();

(async () => {
  const { startStack } = require(path.join(root, 'dist', 'scripts', 'stack.js'));
  stack = await startStack({ port: 0, odooPort: 0, crmPort: 0, userDir, flows, quiet: true, logLevel: process.env.NODE_RED_LOG_LEVEL || 'warn' });
  process.stdout.write(JSON.stringify({ url: stack.url, odooUrl: stack.odooUrl, crmUrl: stack.crmUrl, userDir: stack.userDir }) + '\n');
})().catch((err) => {
  console.error('stack-runner: start failed', err && err.stack ? err.stack : err);
  stop(1);
});
