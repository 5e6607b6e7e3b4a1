/**
 * `npm run bench:flows`: the shipped flows end to end, on this machine, in one run.
 *
 * (a) Backfill (flow 01): 10,000 companies in the CRM sandbox, loaded into Odoo by the flow's backfill
 *     (pages of 100: one Odoo search per page, one create call for the new customers, the Odoo ids written
 *     back to the CRM). backfill_s is the time until every page is matched and written in Odoo;
 *     writeback_s until every CRM company carries its Odoo id.
 *     Baseline, measured in the same run: the same flow with BACKFILL_PAGE_SIZE=1, i.e. one record per CRM
 *     page, per Odoo search and per create call (how record-at-a-time integrations work), on 1,000 more
 *     companies; ratio = batched records/s / baseline records/s.
 * (b) Won deal → confirmed order with the deal updated (flow 02): 500 deals moved to "Closed Won" one
 *     after another; latency from the stage change in the CRM to the deal showing the confirmed order.
 *     Once as is, once with 100 ms added to every Odoo call (the sandbox's fault injection).
 *
 * The CRM sandbox's burst limit is off and the flows' CRM client limit raised (CRM_RATE_MAX): HubSpot's
 * 100 calls per 10 s would make both measurements a measurement of HubSpot's limit.
 * Closing line: {"bench":"flows","metric":"backfill_records_per_s",...}.
 *
 *   --records N (default 10000)   --baseline N (default 1000)   --deals N (default 500)
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { CrmApi, OdooRpc, freePort, sleep, waitFor } from '../scripts/demo';

const ROOT = path.resolve(__dirname, '..', '..');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

interface NodeRed { url: string; child: ChildProcess; stop(): Promise<void> }

async function startNodeRed(flows: string[], env: Record<string, string>): Promise<NodeRed> {
  const port = await freePort();
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-flows-'));
  const script = `require(${JSON.stringify(path.join(ROOT, 'dist', 'scripts', 'stack.js'))}).startStack({ port: ${port}, userDir: ${JSON.stringify(userDir)}, flows: ${JSON.stringify(flows)}, sandbox: false, quiet: true })
    .then((s) => { process.stdout.write('READY ' + s.url + '\\n'); process.once('SIGTERM', () => s.stop().then(() => process.exit(0))); })
    .catch((e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, ...env, PORT: String(port), NODE_RED_URL: `http://127.0.0.1:${port}` }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`Node-RED exited (${c}): ${out}`)));
  });
  return {
    url, child,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** A copy of a shipped flow file with tab environment variables changed (the baseline's page size). */
function flowWithEnv(file: string, values: Record<string, string>): string {
  const nodes = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', file), 'utf8')) as Array<Record<string, any>>;
  for (const n of nodes) if (n.type === 'tab') for (const e of n.env ?? []) if (e.name in values) e.value = values[e.name];
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-flow-')), file);
  fs.writeFileSync(out, JSON.stringify(nodes));
  return out;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function backfill(crmDb: any, odoo: OdooRpc, _crm: CrmApi, env: Record<string, string>, flow: string, count: number, tag: string) {
  // New companies straight into the CRM's store (no subscriptions yet: nobody is told by webhook).
  for (let i = 0; i < count; i++) {
    crmDb.create('companies', {
      name: `${tag} Supply ${i}`, domain: `${tag.toLowerCase()}${i}.example`, phone: `+1 555-${String(i).padStart(7, '0')}`,
      address: `${i} Market Street`, city: 'Springfield', zip: String(10000 + (i % 89999)), country: i % 3 ? 'United States' : 'Germany',
    }, 'IMPORT', Date.now() - 3_600_000);
  }
  const before = await odoo.call<number>('res.partner', 'search_count', [[['is_company', '=', true]]]);
  const nr = await startNodeRed([flow], env);
  try {
    const t0 = Date.now();
    const started = await fetch(`${nr.url}/integration/customers/backfill`, { method: 'POST' });
    if (started.status !== 202) throw new Error(`backfill did not start: ${started.status}`);
    let failure: string | undefined;
    const run = await waitFor('the backfill', async () => {
      const s = (await (await fetch(`${nr.url}/integration/customers/backfill`)).json()) as Record<string, any>;
      if (s.error) failure = s.error;
      return s.finishedAt || s.error ? s : undefined;
    }, 15 * 60_000, 200);
    if (failure) throw new Error(`backfill failed: ${failure}`);
    const odooS = (Date.now() - t0) / 1000;
    const after = await odoo.call<number>('res.partner', 'search_count', [[['is_company', '=', true]]]);
    const target = crmDb.all('companies').length as number;
    // write-back done: every company linked, or the count stable for 2 s (a rejected write-back is a dead letter)
    let last = -1;
    let lastChange = Date.now();
    let doneAt = Date.now();
    await waitFor('the write-back', async () => {
      const n = crmDb.all('companies').filter((r: any) => r.properties.odoo_partner_id).length;
      if (n !== last) { last = n; lastChange = doneAt = Date.now(); }
      return n >= target || Date.now() - lastChange > 2000 || undefined;
    }, 15 * 60_000, 100);
    const writebackS = (doneAt - t0) / 1000;
    return { odooS, writebackS, created: after - before, run };
  } finally {
    await nr.stop();
  }
}

async function main(): Promise<void> {
  const records = arg('records', 10000);
  const baselineRecords = arg('baseline', 1000);
  const deals = arg('deals', 500);
  const { startOdooSandbox } = await import('../sandbox/odoo/server');
  const { startCrmSandbox } = await import('../sandbox/crm/server');
  const odooSb = await startOdooSandbox({ host: '127.0.0.1', port: 0, version: 19, quiet: true } as any);
  const crmSb = await startCrmSandbox({ host: '127.0.0.1', port: 0, quiet: true, rateLimit: false, webhooks: { batchDelayMs: 5 } } as any);
  const odoo = new OdooRpc(odooSb.url);
  const crm = new CrmApi(crmSb.url);
  const env = {
    ODOO_URL: odooSb.url, ODOO_DB: 'demo', ODOO_USERNAME: 'integration', ODOO_PASSWORD: 'integration', CRM_URL: crmSb.url,
    CRM_TOKEN: 'sandbox-token', CRM_WEBHOOK_SECRET: 'sandbox-secret', CRM_RATE_MAX: '1000000', NODE_RED_LOG_LEVEL: 'error',
  };
  const result: Record<string, unknown> = { bench: 'flows', metric: 'backfill_records_per_s', unit: 'records/s' };
  try {
    // (a) backfill, batched, then the record-at-a-time baseline
    const flow1 = path.join(ROOT, 'flows', '01-customer-sync.json');
    // The baseline first, on a fresh CRM (its 21 seeded companies plus 1,000), then the batched run on 10,000 more
    // (it reads every company again; the ones already linked are recognised and left alone).
    console.error(`baseline: ${baselineRecords} CRM companies, one record per call ...`);
    const b = await backfill(crmSb.db, odoo, crm, env, flowWithEnv('01-customer-sync.json', { BACKFILL_PAGE_SIZE: '1' }), baselineRecords, 'Base');
    const basePerS = (b.run.records as number) / b.odooS;
    console.error(`  ${b.odooS.toFixed(1)} s for ${b.run.records} records (${basePerS.toFixed(0)} records/s), created ${b.created}`);
    console.error(`backfill: ${records} more CRM companies, pages of 100 ...`);
    const a = await backfill(crmSb.db, odoo, crm, env, flow1, records, 'Bench');
    const perS = (a.run.records as number) / a.odooS;
    console.error(`  ${a.odooS.toFixed(1)} s for ${a.run.records} records (${perS.toFixed(0)} records/s), ${a.writebackS.toFixed(1)} s with the write-back; created ${a.created}, exceptions ${a.run.exceptions}`);
    Object.assign(result, {
      value: Math.round(perS), baseline: Math.round(basePerS), ratio: Math.round((perS / basePerS) * 10) / 10,
      backfill_s: Math.round(a.odooS * 10) / 10, writeback_s: Math.round(a.writebackS * 10) / 10, backfill_records: a.run.records, backfill_created: a.created,
      baseline_records: b.run.records, baseline_s: Math.round(b.odooS * 10) / 10,
      baseline_note: 'same flow with BACKFILL_PAGE_SIZE=1: one record per CRM page, per Odoo search and per create call',
    });

    // (b) won deal -> confirmed order, without and with 100 ms Odoo latency
    const nr = await startNodeRed([path.join(ROOT, 'flows', '02-won-deal-to-order.json')], env);
    try {
      await waitFor('the deal webhook subscription', async () => (await crm.request<Array<{ targetUrl: string }>>('GET', '/sandbox/webhooks', undefined, false)).some((s) => s.targetUrl.startsWith(nr.url) && s.targetUrl.endsWith('/crm/webhooks/deals')) || undefined);
      const [partner] = await odoo.searchRead('res.partner', [['ref', '=', 'C001']], ['id']);
      const companyId = (crmSb as any).seed.companies.C001 as string;
      // one unit per deal, spread over the best-stocked products so that 2 x N deals never run out of stock
      const [wh] = await odoo.searchRead('stock.warehouse', [['code', '=', 'WH']], ['id']);
      const stocked = (await odoo.searchRead<{ id: number; default_code: string; list_price: number; free_qty: number }>('product.product', [['default_code', '!=', false]], ['default_code', 'list_price', 'free_qty'], { context: { warehouse: wh.id, warehouse_id: wh.id } }))
        .filter((p) => p.free_qty >= 20).map((p) => ({ ...p, left: p.free_qty }));
      const nextProduct = () => {
        stocked.sort((x, y) => y.left - x.left);
        stocked[0].left -= 1;
        return stocked[0];
      };
      void partner;
      const run = async (n: number, label: string) => {
        const lat: number[] = [];
        for (let i = 0; i < n; i++) {
          const product = nextProduct();
          const d = (crmSb as any).createRecord('deals', { dealname: `${label} ${i}`, dealstage: 'contractsent', amount: product.list_price, deal_currency_code: 'USD' }, [{ type: 'companies', id: companyId, primary: true }], 'IMPORT');
          (crmSb as any).createRecord('line_items', { name: product.default_code, hs_sku: product.default_code, quantity: 1, price: product.list_price }, [{ type: 'deals', id: d.id }], 'IMPORT');
          const t0 = performance.now();
          (crmSb as any).updateRecord('deals', d.id, { dealstage: 'closedwon' }, 'CRM_UI');
          const state = await waitFor(`deal ${d.id}`, async () => {
            const p = (crmSb as any).db.get('deals', d.id)?.properties ?? {};
            return p.odoo_order_state === 'sale' || p.odoo_order_state === 'on hold' ? p : undefined;
          }, 30000, 2).catch(async (e) => {
            const exc = await (await fetch(`${nr.url}/integration/exceptions/orders`)).json();
            throw new Error(`${(e as Error).message}; exceptions: ${JSON.stringify(exc).slice(0, 600)}`);
          });
          if (state.odoo_order_state !== 'sale') throw new Error(`deal ${d.id} held: ${state.odoo_sync_error}`);
          lat.push(performance.now() - t0);
        }
        lat.sort((x, y) => x - y);
        return { p50: pct(lat, 50), p95: pct(lat, 95) };
      };
      console.error(`won deals: ${deals} deals, no added latency ...`);
      const plain = await run(deals, 'Bench deal');
      console.error(`  p50 ${plain.p50.toFixed(0)} ms, p95 ${plain.p95.toFixed(0)} ms`);
      odooSb.faults.set({ latencyMs: 100 });
      console.error(`won deals: ${deals} deals, 100 ms added to every Odoo call ...`);
      const slow = await run(deals, 'Slow deal');
      odooSb.faults.clear();
      console.error(`  p50 ${slow.p50.toFixed(0)} ms, p95 ${slow.p95.toFixed(0)} ms`);
      Object.assign(result, {
        p50_ms: Math.round(plain.p50), p95_ms: Math.round(plain.p95), deals,
        p50_ms_latency100: Math.round(slow.p50), p95_ms_latency100: Math.round(slow.p95),
      });
    } finally {
      await nr.stop();
    }
  } finally {
    await crmSb.close();
    await odooSb.close();
  }
  console.log(JSON.stringify(result));
}

main().then(() => process.exit(0), (err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
