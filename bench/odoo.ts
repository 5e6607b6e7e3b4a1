/**
 * npm run bench:odoo — upsert 5,000 customer records into the Odoo sandbox through a real Node-RED
 * runtime (in-process, node-red-node-test-helper; the sandbox runs in the same process):
 *   (a) odoo-write, operation upsert, batches of 500 records per message (one pooled client,
 *       protocol auto with an API key, so JSON-2 on the Odoo 19 sandbox);
 *   (b) the baseline: one message per record, each logging in again over XML-RPC with a new client
 *       (no keep-alive), then a search and a create/write — what today's Odoo nodes do.
 * Prints records/s for both and the ratio; the last line is the JSON result.
 * The baseline stops after BASELINE_MAX_S seconds (rate measured over what it did) to keep the run short.
 */
import path from 'path';
import os from 'os';
import fs from 'fs';
import xmlrpc from 'xmlrpc';
import { startOdooSandbox } from '../sandbox/odoo/server';
import serverNode = require('../nodes/odoo-server');
import writeNode = require('../nodes/odoo-write');

// eslint-disable-next-line @typescript-eslint/no-var-requires
const helper = require('node-red-node-test-helper');

const TOTAL = Number(process.env.BENCH_RECORDS ?? 5000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const BASELINE_CONCURRENCY = 4;
const BASELINE_MAX_S = Number(process.env.BENCH_BASELINE_MAX_S ?? 40);

/* eslint-disable @typescript-eslint/no-explicit-any */

function customers(prefix: string, n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    ref: `${prefix}-${i}`,
    name: `Customer ${prefix} ${i}`,
    email: `buyer${i}@${prefix.toLowerCase()}.example`,
    phone: `+32 2 555 ${String(i).padStart(4, '0')}`,
    is_company: true,
    customer_rank: 1,
  }));
}

function call(client: xmlrpc.Client, method: string, params: unknown[]): Promise<any> {
  return new Promise((resolve, reject) => client.methodCall(method, params, (err, v) => (err ? reject(err) : resolve(v))));
}

/** Today's nodes: a new client and a login per message, one record per call. */
function baselineNode(RED: any) {
  function Baseline(this: any, config: any) {
    RED.nodes.createNode(this, config);
    const node = this;
    node.on('input', async (msg: any, send: any, done: any) => {
      try {
        const base = new URL(config.url);
        const opts = { host: base.hostname, port: Number(base.port), agent: false as unknown as undefined };
        const common = xmlrpc.createClient({ ...opts, path: '/xmlrpc/2/common' } as any);
        const uid = await call(common, 'authenticate', [config.db, config.username, config.password, {}]);
        const object = xmlrpc.createClient({ ...opts, path: '/xmlrpc/2/object' } as any);
        const rec = msg.payload;
        const found = await call(object, 'execute_kw', [config.db, uid, config.password, 'res.partner', 'search', [[['ref', '=', rec.ref]]], { limit: 1 }]);
        if (found.length) await call(object, 'execute_kw', [config.db, uid, config.password, 'res.partner', 'write', [found, rec]]);
        else msg.payload = await call(object, 'execute_kw', [config.db, uid, config.password, 'res.partner', 'create', [rec]]);
        send(msg);
        done();
      } catch (e) {
        done(e);
      }
    });
  }
  RED.nodes.registerType('bench-baseline-odoo', Baseline);
}

async function main(): Promise<void> {
  const sandbox = await startOdooSandbox({ port: 0, version: 19, quiet: true });
  const user = sandbox.users.find((u) => u.login === 'integration') ?? sandbox.users[0];
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-odoo-'));
  helper.init(require.resolve('node-red'));
  helper.settings({ userDir });
  await helper.startServer();
  const run = Date.now().toString(36).toUpperCase();
  try {
    await helper.load(
      [serverNode, writeNode, baselineNode],
      [
        // Odoo 19 with an API key: `auto` picks JSON-2.
        { id: 'srv', type: 'odoo-server', url: sandbox.url, db: 'demo', protocol: 'auto', timeout: 30 },
        { id: 'w', type: 'odoo-write', server: 'srv', operation: 'upsert', model: 'res.partner', matchOn: 'ref', wires: [['wout']] },
        { id: 'wout', type: 'helper' },
        { id: 'b', type: 'bench-baseline-odoo', url: sandbox.url, db: 'demo', username: user.login, password: user.password, wires: [['bout']] },
        { id: 'bout', type: 'helper' },
      ],
      { srv: { username: user.login, password: user.apiKey } },
    );
    const w = helper.getNode('w');
    const b = helper.getNode('b');
    const errors: unknown[] = [];
    for (const id of ['w', 'b']) helper.getNode(id).on('call:error', (c: any) => errors.push(c?.args?.[0]));

    // (a) batched upsert through odoo-write
    const recsA = customers(`BA${run}`, TOTAL);
    const wout = helper.getNode('wout');
    let pending: ((m: any) => void) | undefined;
    wout.on('input', (m: any) => pending?.(m));
    const t0 = process.hrtime.bigint();
    let created = 0;
    for (let i = 0; i < recsA.length; i += BATCH) {
      const out = await new Promise<any>((resolve, reject) => {
        pending = resolve;
        const t = setTimeout(() => reject(new Error('odoo-write batch timed out')), 60000);
        const orig = resolve;
        pending = (m) => {
          clearTimeout(t);
          orig(m);
        };
        w.receive({ payload: recsA.slice(i, i + BATCH) });
      });
      created += out.payload.created.length;
    }
    const batchedS = Number(process.hrtime.bigint() - t0) / 1e9;
    if (created !== TOTAL) throw new Error(`batched: created ${created} of ${TOTAL}`);
    const batched = TOTAL / batchedS;
    console.log(`(a) odoo-write upsert, batches of ${BATCH}: ${TOTAL} records in ${batchedS.toFixed(2)} s = ${batched.toFixed(0)} records/s`);

    // (b) one message per record, new login each time
    const recsB = customers(`BB${run}`, TOTAL);
    const bout = helper.getNode('bout');
    const waiters = new Map<string, () => void>();
    bout.on('input', (m: any) => waiters.get(m.ref)?.());
    const t1 = process.hrtime.bigint();
    const deadline = Date.now() + BASELINE_MAX_S * 1000;
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < recsB.length && Date.now() < deadline) {
        const rec = recsB[next++];
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('baseline message timed out')), 30000);
          waiters.set(rec.ref as string, () => {
            clearTimeout(t);
            waiters.delete(rec.ref as string);
            resolve();
          });
          b.receive({ payload: rec, ref: rec.ref });
        });
        done++;
      }
    };
    await Promise.all(Array.from({ length: BASELINE_CONCURRENCY }, worker));
    const baselineS = Number(process.hrtime.bigint() - t1) / 1e9;
    const perRecord = done / baselineS;
    console.log(`(b) one message per record, login each time (${BASELINE_CONCURRENCY} in parallel): ${done} records in ${baselineS.toFixed(2)} s = ${perRecord.toFixed(0)} records/s${done < TOTAL ? ` (stopped after ${BASELINE_MAX_S} s)` : ''}`);
    if (errors.length) console.log(`errors: ${errors.length}`);
    const ratio = batched / perRecord;
    console.log(`ratio batched / per-record: ${ratio.toFixed(1)}x (target >= 20)`);
    console.log(JSON.stringify({ bench: 'odoo', metric: 'upsert_records_per_s', unit: 'records/s', value: Math.round(batched), baseline: Math.round(perRecord), ratio: Number(ratio.toFixed(1)) }));
  } finally {
    await helper.unload();
    await helper.stopServer();
    await sandbox.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
