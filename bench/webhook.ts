/**
 * bench:webhook — HubSpot-signed webhook events accepted per second by a crm-trigger (signature
 * checked, event claimed and enqueued in the SQLite state store before the 2xx), with 50 concurrent
 * senders on loopback, against a plain `http in` -> `http response` flow in the same Node-RED as the
 * baseline. Node-RED (and the CRM sandbox the trigger fetches records from) run in a child process
 * started through scripts/stack.ts; the senders run here. Ends with one JSON line.
 *
 *   npm run build && npm run bench:webhook   [-- --seconds 5 --concurrency 50 --batch 10 --node-client]
 *   (uses `wrk` from Debian when installed: apt-get install wrk; --node-client forces the Node client)
 */
import { execFileSync, spawn } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const SECONDS = opt('seconds', 5);
const CONCURRENCY = opt('concurrency', 50);
const BATCH = opt('batch', 10);
const SECRET = 'bench-secret';
const TOKEN = 'bench-token';

const CHILD = `
const path = require('path');
(async () => {
  const root = process.env.BENCH_ROOT;
  const { startCrmSandbox } = require(path.join(root, 'sandbox', 'crm', 'server'));
  const { startStack } = require(path.join(root, 'scripts', 'stack'));
  const crm = await startCrmSandbox({ port: 0, quiet: true, rateLimit: false, token: process.env.CRM_TOKEN, secret: process.env.CRM_WEBHOOK_SECRET });
  process.env.CRM_URL = crm.url;
  const stack = await startStack({ port: 0, sandbox: false, userDir: process.env.BENCH_DIR, flows: [process.env.BENCH_FLOWS], quiet: true, logLevel: 'error' });
  process.send({ url: stack.url, companies: Object.values(crm.seed.companies) });
  process.on('message', async (m) => {
    if (m === 'stop') { await stack.stop(); await crm.close(); process.exit(0); }
  });
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface Result { requests: number; errors: number; seconds: number; p50: number; p99: number }

function run(url: string, makeBody: (i: number) => { body: string; headers: Record<string, string> }, seconds: number): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  let requests = 0;
  let errors = 0;
  let seq = 0;
  const lat: number[] = [];
  const end = Date.now() + seconds * 1000;
  const one = () => new Promise<void>((resolve) => {
    const { body, headers } = makeBody(seq++);
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode && res.statusCode < 300) requests++;
        else errors++;
        lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
  const started = Date.now();
  const sender = async () => { while (Date.now() < end) await one(); };
  return Promise.all(Array.from({ length: CONCURRENCY }, sender)).then(() => {
    agent.destroy();
    lat.sort((a, b) => a - b);
    return { requests, errors, seconds: (Date.now() - started) / 1000, p50: lat[Math.floor(lat.length * 0.5)] ?? 0, p99: lat[Math.floor(lat.length * 0.99)] ?? 0 };
  });
}


/** wrk (Debian's package, in C) when installed: a load generator far cheaper than a Node client, so the
 *  2-core machine spends its CPU on the server under test. Requests are signed beforehand (unique eventIds,
 *  fresh timestamps) and replayed by a Lua script, each wrk thread taking its own share. */
function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status !== undefined; // wrk --version exits 1 but exists
  }
}

const WRK_THREADS = 2;
const WRK_LUA = `
local reqs = {}
local idx = 0
local counter = 0
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args)
  local n = 0
  for line in io.lines(os.getenv("BENCH_REQS")) do
    if n % ${WRK_THREADS} == tid then
      local ts, sig, body = string.match(line, "^([^\t]*)\t([^\t]*)\t(.*)$")
      local h = { ["Content-Type"] = "application/json" }
      if ts ~= "" then h["X-HubSpot-Request-Timestamp"] = ts; h["X-HubSpot-Signature-v3"] = sig end
      table.insert(reqs, wrk.format("POST", nil, h, body))
    end
    n = n + 1
  end
end
function request()
  idx = idx + 1
  if idx > #reqs then idx = 1 end
  return reqs[idx]
end
`;

function wrkMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60000 : n;
}

function runWrk(url: string, makeBody: (i: number) => { body: string; headers: Record<string, string> }, seconds: number, count: number): Result {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const { body, headers } = makeBody(i);
      lines.push(`${headers['x-hubspot-request-timestamp'] ?? ''}\t${headers['x-hubspot-signature-v3'] ?? ''}\t${body}`);
    }
    fs.writeFileSync(path.join(dir, 'reqs.txt'), lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'script.lua'), WRK_LUA);
    const out = execFileSync('wrk', ['-t', String(WRK_THREADS), '-c', String(CONCURRENCY), '-d', `${seconds}s`, '--latency', '-s', path.join(dir, 'script.lua'), url], {
      env: { ...process.env, BENCH_REQS: path.join(dir, 'reqs.txt') }, encoding: 'utf8', maxBuffer: 8 * 1024 * 1024,
    });
    const total = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(out)?.[1] ?? 0);
    const durMatch = /\d+ requests in ([\d.]+)(ms|s|m)/.exec(out);
    const dur = durMatch ? wrkMs(durMatch[1], durMatch[2]) / 1000 : seconds;
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const sockErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    const pct = (p: string) => { const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out); return m ? wrkMs(m[1], m[2]) : 0; };
    return { requests: total - non2xx, errors: non2xx + sockErrors, seconds: dur, p50: pct('50'), p99: pct('99') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const compiled = __filename.endsWith('.js');
  const root = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-webhook-'));
  const flowsFile = path.join(dir, 'bench-flows.json');
  fs.writeFileSync(flowsFile, JSON.stringify([
    { id: 'bench-tab', type: 'tab', label: 'bench' },
    { id: 'bench-crm', type: 'crm-server', provider: 'hubspot', url: '${CRM_URL}', rateMax: 0 },
    { id: 'bench-store', type: 'state-store', backend: 'embedded', path: path.join(dir, 'bench-state.db') },
    { id: 'bench-trig', z: 'bench-tab', type: 'crm-trigger', crm: 'bench-crm', mode: 'webhook', path: '/bench/hubspot', properties: 'name', store: 'bench-store', wires: [[]] },
    { id: 'bench-in', z: 'bench-tab', type: 'http in', url: '/bench/plain', method: 'post', wires: [['bench-res']] },
    { id: 'bench-res', z: 'bench-tab', type: 'http response', statusCode: '204', wires: [] },
  ]));
  const child = spawn(process.execPath, compiled ? ['-e', CHILD] : ['--import', 'tsx', '-e', CHILD], {
    env: { ...process.env, BENCH_ROOT: root, BENCH_DIR: dir, BENCH_FLOWS: flowsFile, CRM_TOKEN: TOKEN, CRM_WEBHOOK_SECRET: SECRET, NODE_RED_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; companies: string[] }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; companies: string[] }));
    child.once('exit', (code) => reject(new Error(`Node-RED child exited with ${code}`)));
  });
  const base = ready.url.replace('localhost', '127.0.0.1');
  const hookUrl = `${base}/bench/hubspot`;
  const note = (line: string) => process.stderr.write(`[bench:webhook] ${line}\n`);
  note(`Node-RED at ${base}`);
  // flows start after RED.start() resolves: wait until both routes answer
  for (let i = 0; i < 300; i++) {
    const a = await fetch(`${base}/bench/plain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }).then((r) => r.status, () => 0);
    const b = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }).then((r) => r.status, () => 0);
    if (a === 204 && b === 401) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let eventId = 5_000_000_000;
  // HubSpot batches up to 100 events per request; `perRequest` events go in each signed body.
  const signedBatch = (perRequest: number) => () => {
    const now = Date.now();
    const body = JSON.stringify(Array.from({ length: perRequest }, () => ({
      eventId: eventId++, subscriptionId: 1, portalId: 62515, appId: 1160452, occurredAt: now, subscriptionType: 'company.propertyChange',
      attemptNumber: 0, objectId: Number(ready.companies[eventId % ready.companies.length]), changeSource: 'CRM_UI', propertyName: 'name', propertyValue: `Bench ${eventId}`,
    })));
    const sig = crypto.createHmac('sha256', SECRET).update(`POST${hookUrl}${body}${now}`).digest('base64');
    return { body, headers: { 'x-hubspot-request-timestamp': String(now), 'x-hubspot-signature-v3': sig } };
  };
  const signed = signedBatch(1);
  const plainBody = () => {
    const now = Date.now();
    return { body: JSON.stringify([{ eventId: eventId++, occurredAt: now, subscriptionType: 'company.propertyChange', objectId: 1, propertyName: 'name', propertyValue: 'x' }]), headers: {} };
  };
  const useWrk = !args.includes('--node-client') && hasWrk();
  // enough pre-signed requests for ~20,000 requests/s during the whole measure
  const measure = (url: string, make: (i: number) => { body: string; headers: Record<string, string> }, seconds: number) =>
    useWrk ? Promise.resolve(runWrk(url, make, seconds, Math.max(20000, seconds * 20000))) : run(url, make, seconds);
  try {
    await run(`${base}/bench/plain`, plainBody, 1);
    await run(hookUrl, signed, 1);
    note(`warm-up done; load generator: ${useWrk ? `wrk (${WRK_THREADS} threads)` : 'node http client'}`);
    const baseline = await measure(`${base}/bench/plain`, plainBody, SECONDS);
    note(`baseline: ${baseline.requests} requests, ${baseline.errors} errors in ${baseline.seconds} s`);
    const trig = await measure(hookUrl, signed, SECONDS);
    note(`crm-trigger: ${trig.requests} events, ${trig.errors} errors in ${trig.seconds} s`);
    const batched = await measure(hookUrl, signedBatch(BATCH), SECONDS);
    note(`crm-trigger, ${BATCH} events per request: ${batched.requests * BATCH} events, ${batched.errors} errors in ${batched.seconds} s`);
    const value = trig.requests / trig.seconds;
    const baselineRate = baseline.requests / baseline.seconds;
    const out = {
      bench: 'webhook', metric: 'events_per_s', unit: 'events/s',
      value: Math.round(value), baseline: Math.round(baselineRate), ratio: Math.round((baselineRate / Math.max(value, 1e-9)) * 100) / 100,
      client: useWrk ? 'wrk' : 'node', concurrency: CONCURRENCY, seconds: SECONDS, events_per_request: 1,
      batched_events_per_s: Math.round((batched.requests * BATCH) / batched.seconds), batched_events_per_request: BATCH, batched_errors: batched.errors,
      errors: trig.errors, baseline_errors: baseline.errors,
      p50_ms: Math.round(trig.p50 * 100) / 100, p99_ms: Math.round(trig.p99 * 100) / 100,
      baseline_p50_ms: Math.round(baseline.p50 * 100) / 100, baseline_p99_ms: Math.round(baseline.p99 * 100) / 100,
      target: { min_events_per_s: 2000, max_ratio: 3 },
    };
    console.log(JSON.stringify(out));
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
