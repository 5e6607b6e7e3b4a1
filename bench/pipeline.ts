/**
 * npm run bench:pipeline — messages per second through mapper -> dedupe -> a no-op step in one Node-RED
 * runtime, with the embedded (SQLite) store and with Redis, against a baseline of the same work built
 * from core change + function nodes (same field mapping, an in-memory dedupe map, no durability).
 * Prints one line per variant and a final JSON line.
 * Env: BENCH_N (messages per variant, default 20000), REDIS_URL.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startStack } from '../scripts/stack';

const N = Number(process.env.BENCH_N ?? 20_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHUNK = 500;

const rules = [
  { target: 'external_id', source: 'template', template: 'hubspot:{{payload.objectId}}' },
  { target: 'name', source: 'path', path: 'payload.properties.name', transforms: ['trim'], required: true },
  { target: 'email', source: 'path', path: 'payload.properties.email', transforms: ['trim', 'lower'] },
  { target: 'address.city', source: 'path', path: 'payload.properties.city' },
  { target: 'address.street', source: 'path', path: 'payload.properties.street' },
  { target: 'address.country_code', source: 'map', path: 'payload.properties.country', map: { germany: 'DE', france: 'FR' }, ignoreCase: true },
];

const BASELINE_MAP = `
const p = msg.payload.properties;
const country = { germany: 'DE', france: 'FR' }[String(p.country).trim().toLowerCase()];
if (!p.name || !country) { return [null, msg]; }
msg.payload = {
  external_id: msg.external_id,
  name: String(p.name).trim(),
  email: String(p.email).trim().toLowerCase(),
  address: { city: p.city, street: p.street, country_code: country },
};
return [msg, null];`;

const BASELINE_DEDUPE = `
const seen = context.get('seen') || new Map();
context.set('seen', seen);
const key = msg.payload.external_id;
if (seen.has(key)) return [null, msg];
seen.set(key, Date.now());
return [msg, null];`;

function flow(prefix: string): unknown[] {
  const z = 'bench-tab';
  const noop = (id: string) => ({ id, z, type: 'function', func: 'return null;', outputs: 1, wires: [[]] });
  return [
    { id: z, type: 'tab', label: 'bench' },
    { id: 'b-redis-store', type: 'state-store', backend: 'redis', url: REDIS_URL, prefix },
    // embedded
    { id: 'e-map', z, type: 'mapper', rules, schema: 'none', property: 'payload', wires: [['e-dedupe'], []] },
    { id: 'e-dedupe', z, type: 'dedupe', keyType: 'path', key: 'payload.external_id', ttl: 1, ttlUnits: 'hours', mode: 'key', duplicates: 'output', namespace: `bench-${prefix}`, wires: [['e-noop'], []] },
    noop('e-noop'),
    // redis
    { id: 'r-map', z, type: 'mapper', rules, schema: 'none', property: 'payload', wires: [['r-dedupe'], []] },
    { id: 'r-dedupe', z, type: 'dedupe', store: 'b-redis-store', keyType: 'path', key: 'payload.external_id', ttl: 1, ttlUnits: 'hours', mode: 'key', duplicates: 'output', wires: [['r-noop'], []] },
    noop('r-noop'),
    // baseline: change (template-like key) + function (mapping) + function (in-memory dedupe)
    { id: 'c-change', z, type: 'change', rules: [{ t: 'set', p: 'external_id', pt: 'msg', to: '"hubspot:" & payload.objectId', tot: 'jsonata' }], wires: [['c-map']] },
    { id: 'c-map', z, type: 'function', func: BASELINE_MAP, outputs: 2, wires: [['c-dedupe'], []] },
    { id: 'c-dedupe', z, type: 'function', func: BASELINE_DEDUPE, outputs: 2, wires: [['c-noop'], []] },
    noop('c-noop'),
  ];
}

interface RedNode {
  receive(msg: unknown): void;
  on(ev: string, fn: (...a: unknown[]) => void): void;
}

async function run(RED: { nodes: { getNode(id: string): RedNode | null } }, entry: string, end: string, tag: string): Promise<number> {
  const first = RED.nodes.getNode(entry);
  const last = RED.nodes.getNode(end);
  if (!first || !last) throw new Error(`bench flow not started (${entry}/${end})`);
  let arrived = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  last.on('input', () => {
    if (++arrived === N) resolveDone();
  });
  const mk = (i: number) => ({
    payload: {
      objectId: `${tag}-${i}`,
      properties: { name: ` Customer ${i} `, email: ` Buyer${i}@Example.COM `, city: 'Hamburg', street: `Hafenstrasse ${i}`, country: i % 2 ? 'Germany' : 'France' },
    },
  });
  const t0 = process.hrtime.bigint();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      // Keep at most a few chunks in flight so the measurement is throughput, not queue growth.
      if (sent - arrived < CHUNK * 4) {
        const until = Math.min(N, sent + CHUNK);
        for (; sent < until; sent++) first.receive(mk(sent));
      }
      if (sent < N) setImmediate(pump);
      else resolve();
    };
    pump();
  });
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return N / seconds;
}

async function main(): Promise<void> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocb-bench-'));
  const prefix = `ocb-bench-${process.pid}-${Date.now()}:`;
  const flowFile = path.join(userDir, 'bench-flow.json');
  fs.writeFileSync(flowFile, JSON.stringify(flow(prefix)));
  const stack = await startStack({ sandbox: false, flows: [flowFile], userDir, port: 0, quiet: true, logLevel: 'error' });
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const RED = require('node-red');
  try {
    for (let i = 0; i < 200 && !RED.nodes.getNode('c-noop'); i++) await new Promise((r) => setTimeout(r, 50));
    const tag = Date.now().toString(36);
    // Baseline first, so any JIT warm-up cost falls on the baseline, not on the nodes measured.
    const baseline = await run(RED, 'c-change', 'c-noop', `${tag}-base`);
    const embedded = await run(RED, 'e-map', 'e-noop', `${tag}-emb`);
    const redis = await run(RED, 'r-map', 'r-noop', `${tag}-red`);
    const us = (r: number) => Math.round((1e6 / r) * 10) / 10;
    console.log(`baseline (core change+function, in-memory dedupe): ${Math.round(baseline)} msg/s, ${us(baseline)} µs/msg`);
    console.log(`mapper -> dedupe (embedded SQLite, FULL sync, group commit): ${Math.round(embedded)} msg/s, ${us(embedded)} µs/msg`);
    console.log(`mapper -> dedupe (Redis): ${Math.round(redis)} msg/s, ${us(redis)} µs/msg`);
    console.log(
      JSON.stringify({
        bench: 'pipeline',
        metric: 'msgs_per_s_embedded',
        unit: 'msg/s',
        value: Math.round(embedded),
        baseline: Math.round(baseline),
        ratio: Math.round((embedded / baseline) * 100) / 100,
        redis_msgs_per_s: Math.round(redis),
        redis_ratio: Math.round((redis / baseline) * 100) / 100,
        us_per_msg_embedded: us(embedded),
        us_per_msg_redis: us(redis),
        us_per_msg_baseline: us(baseline),
        messages: N,
      }),
    );
  } finally {
    await stack.stop();
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const Redis = require('ioredis');
      const r = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
      await r.quit();
    } catch {
      /* best effort */
    }
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
