#!/usr/bin/env node
/*
 * Run by scripts/compat-nr5.sh with Node 22: the embedded stack (dist/scripts/stack.js) on Node-RED 5.
 * `node-red`, `express` and `better-sqlite3` are resolved from COMPAT_DIR (the v5 install, with a
 * better-sqlite3 built for Node 22); everything else from the project. Checks:
 *   1. GET /nodes lists every type of this package, enabled, with no load error;
 *   2. one shipped flow deploys with every node instantiated (no unknown types, no missing config);
 *   3. inject -> odoo-read (res.partner) -> change (global.compat) runs against the Odoo sandbox.
 * Prints one JSON line with the result; exit code 0 when everything passed.
 * With COMPAT_HOLD=1 the server stays up after the checks passed (for the browser part of
 * test/compat/nr5.test.ts): it prints `NR5_READY {result + url}` and stops (then prints the verdict)
 * when its stdin closes or on SIGTERM/SIGINT.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const ROOT = path.resolve(__dirname, '..', '..');
const COMPAT_DIR = process.env.COMPAT_DIR || path.join(ROOT, '.tmp', 'compat');
const REDIRECT = new Set(['node-red', 'express', 'better-sqlite3']);
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
  if (REDIRECT.has(name)) return originalResolve.call(this, request, parent, isMain, { paths: [COMPAT_DIR] });
  return originalResolve.call(this, request, parent, isMain, options);
};

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const types = Object.keys(pkg['node-red'].nodes);
const FLOW = process.env.COMPAT_FLOW || path.join(ROOT, 'flows', fs.readdirSync(path.join(ROOT, 'flows')).filter((f) => f.endsWith('.json')).sort()[0]);

async function api(base, method, p, body) {
  const res = await fetch(base + p, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

async function main() {
  const started = Date.now();
  const result = { node: process.version, nodeRed: require('node-red/package.json').version, ok: false, checks: {} };
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nr5-compat-'));
  process.env.ODOO_URL = '';
  process.env.CRM_URL = '';
  const { startStack } = require(path.join(ROOT, 'dist', 'scripts', 'stack.js'));
  const stack = await startStack({ port: 0, odooPort: 0, crmPort: 0, userDir, flows: [FLOW], quiet: true, logLevel: process.env.NODE_RED_LOG_LEVEL || 'warn' });
  const RED = require('node-red');
  try {
    // 1. node types
    const sets = await api(stack.url, 'GET', '/nodes');
    const ours = sets.filter((s) => s.module === pkg.name);
    const listed = ours.flatMap((s) => s.types);
    const broken = ours.filter((s) => !s.enabled || s.err).map((s) => `${s.name}: ${s.err || 'disabled'}`);
    const missing = types.filter((t) => !listed.includes(t));
    result.checks.nodes = { listed: listed.length, missing, broken };
    if (missing.length || broken.length) throw new Error(`node types: missing ${missing.join(', ')}; broken ${broken.join('; ')}`);

    // 2. the shipped flow is deployed and every node was instantiated
    const flow = JSON.parse(fs.readFileSync(FLOW, 'utf8'));
    const pending = () => flow.filter((n) => n.type !== 'tab' && n.type !== 'group' && n.type !== 'comment' && !n.d && !RED.nodes.getNode(n.id)).map((n) => `${n.type} ${n.id}`);
    // Flows start asynchronously after RED.start() in some versions: give them a moment.
    let notStarted = pending();
    for (let i = 0; i < 100 && notStarted.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      notStarted = pending();
    }
    result.checks.flow = { file: path.basename(FLOW), nodes: flow.length, notStarted };
    if (notStarted.length) throw new Error(`flow ${path.basename(FLOW)}: nodes not started: ${notStarted.join(', ')}`);

    // 3. inject -> odoo-read against the sandbox, added next to the shipped flow
    const current = await api(stack.url, 'GET', '/flows');
    const extra = [
      { id: 'compat-tab', type: 'tab', label: 'compat' },
      { id: 'compat-srv', type: 'odoo-server', name: 'compat', url: '${ODOO_URL}', db: 'demo', protocol: 'auto' },
      { id: 'compat-inject', type: 'inject', z: 'compat-tab', props: [{ p: 'payload' }], payload: '', payloadType: 'date', once: false, wires: [['compat-read']] },
      { id: 'compat-read', type: 'odoo-read', z: 'compat-tab', server: 'compat-srv', method: 'search_read', model: 'res.partner', modelType: 'str', domain: '[["is_company", "=", true]]', domainType: 'json', fields: 'name', fieldsType: 'str', limit: '3', wires: [['compat-set']] },
      { id: 'compat-set', type: 'change', z: 'compat-tab', rules: [{ t: 'set', p: 'compat', pt: 'global', to: 'payload', tot: 'msg' }], wires: [[]] },
      { id: 'compat-catch', type: 'catch', z: 'compat-tab', scope: ['compat-read'], wires: [['compat-err']] },
      { id: 'compat-err', type: 'change', z: 'compat-tab', rules: [{ t: 'set', p: 'compatError', pt: 'global', to: 'error.message', tot: 'msg' }], wires: [[]] },
    ];
    await api(stack.url, 'POST', '/flows', current.concat(extra));
    for (let i = 0; i < 100 && !RED.nodes.getNode('compat-inject'); i++) await new Promise((r) => setTimeout(r, 100));
    await api(stack.url, 'POST', '/inject/compat-inject');
    let payload;
    for (let i = 0; i < 100 && payload === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const ctx = await api(stack.url, 'GET', '/context/global').catch((e) => ({ apiError: String(e) }));
      if (process.env.COMPAT_DEBUG) console.error(JSON.stringify(ctx));
      // One context store: {<store>: {key: {msg, format}}} (the store is "memory" by default).
      const entry = Object.values(ctx).find((v) => v && typeof v === 'object' && ('compat' in v || 'compatError' in v)) || {};
      if (entry.compatError) throw new Error(`odoo-read failed: ${JSON.stringify(entry.compatError.msg || entry.compatError)}`);
      if (entry.compat) payload = entry.compat.msg !== undefined ? entry.compat.msg : entry.compat;
    }
    if (payload === undefined) throw new Error('odoo-read did not answer within 10 s');
    let records;
    try { records = JSON.parse(payload); } catch { records = payload; }
    result.checks.read = { records: Array.isArray(records) ? records.length : undefined, first: Array.isArray(records) ? records[0] : String(payload).slice(0, 200) };
    if (!Array.isArray(records) || records.length !== 3 || !records.every((r) => typeof r.id === 'number' && typeof r.name === 'string' && r.name)) {
      throw new Error(`unexpected odoo-read answer: ${String(payload).slice(0, 300)}`);
    }
    result.ok = true;
    if (process.env.COMPAT_HOLD === '1') {
      const stopped = new Promise((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
        process.stdin.once('end', resolve);
        process.stdin.once('close', resolve);
        process.stdin.resume();
      });
      console.log('NR5_READY ' + JSON.stringify({ ...result, ms: Date.now() - started, url: stack.url, odooUrl: stack.odooUrl, crmUrl: stack.crmUrl }));
      await stopped;
      process.stdin.pause();
    }
  } finally {
    result.ms = Date.now() - started;
    await stack.stop().catch(() => undefined);
    fs.rmSync(userDir, { recursive: true, force: true });
  }
  return result;
}

main().then((r) => {
  console.log(JSON.stringify(r));
  process.exit(r.ok ? 0 : 1);
}, (err) => {
  console.log(JSON.stringify({ ok: false, error: String(err && err.message ? err.message : err) }));
  process.exit(1);
});
