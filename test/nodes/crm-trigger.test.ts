import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const helper = require('node-red-node-test-helper');
import { startCrmSandbox, type CrmSandbox } from '../../sandbox/crm/server';
import { hubspotSignatureV3 } from '../../lib/crm/hubspot';
import { closeAllEmbeddedStores } from '../../nodes/shared/store';

helper.init(require.resolve('node-red'));

const serverNode = require('../../nodes/crm-server');
const triggerNode = require('../../nodes/crm-trigger');
const updateNode = require('../../nodes/crm-update');
const storeNode = require('../../nodes/state-store');

// The helper gives nodes an express app for RED.httpNode that its server does not mount: capture and mount it.
let httpNode: ((req: unknown, res: unknown, next: () => void) => void) | undefined;
function captureNode(RED: any) {
  httpNode = RED.httpNode;
  RED.nodes.registerType('capture-http', function (this: any, n: any) { RED.nodes.createNode(this, n); });
}

describe('crm-trigger / crm-update nodes (HubSpot sandbox)', function () {
  this.timeout(20000);
  let sb: CrmSandbox;
  let dir: string;
  let port: number;
  const base = () => helper.url().replace('localhost', '127.0.0.1').replace(/:\d+$/, `:${port}`);

  before(async () => {
    sb = await startCrmSandbox({ port: 0, quiet: true, rateLimit: false, webhooks: { retryDelaysMs: [50, 50], batchDelayMs: 5 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-trigger-'));
    await new Promise<void>((r) => helper.startServer(() => r()));
    port = Number(new URL(helper.url()).port);
    helper._app.use((req: unknown, res: unknown, next: () => void) => (httpNode ? httpNode(req, res, next) : next()));
  });
  afterEach(async () => {
    await helper.unload();
    await closeAllEmbeddedStores();
  });
  after(async () => {
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const flow = (dbFile: string, extra: Record<string, unknown> = {}) => [
    { id: 'crm', type: 'crm-server', provider: 'hubspot', url: sb.url },
    { id: 'store', type: 'state-store', backend: 'embedded', path: path.join(dir, dbFile) },
    { id: 'trig', type: 'crm-trigger', crm: 'crm', mode: 'webhook', path: '/hooks/hubspot', properties: 'name,dealname,dealstage,amount', associations: 'company', store: 'store', wires: [['out']], ...extra },
    { id: 'out', type: 'helper' },
    { id: 'cap', type: 'capture-http' },
  ];
  const creds = () => ({ crm: { token: sb.token, secret: sb.secret } });

  it('accepts signed batches, emits one hydrated canonical event per item, 401s bad signatures, drops replays', async () => {
    await helper.load([serverNode, triggerNode, storeNode, captureNode], flow('a.db'), creds());
    const out = helper.getNode('out');
    const got: any[] = [];
    out.on('input', (msg: any) => got.push(msg));
    const sub = sb.subscribe(`${base()}/hooks/hubspot`);
    try {
      sb.updateRecord('deals', sb.seed.deals.D001, { dealstage: 'closedwon' });
      sb.createRecord('companies', { name: 'Webhook Co' });
      await sb.flushWebhooks();
      for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      if (got.length !== 2) console.log(JSON.stringify(sb.deliveries()), helper.log().args.filter((a: any) => a[0].level <= 40).map((a: any) => a[0].msg));
      assert.strictEqual(got.length, 2);
      const stage = got.find((m) => m.payload.objectType === 'deal').payload;
      assert.strictEqual(stage.action, 'stage_changed');
      assert.strictEqual(stage.record.properties.dealstage, 'closedwon');
      assert.deepStrictEqual(stage.record.associations.company, [sb.seed.companies.C001]);
      assert.strictEqual(got.find((m) => m.payload.objectType === 'company').payload.record.properties.name, 'Webhook Co');
      assert.ok(sb.deliveries().every((d) => d.state === 'delivered'));

      // replay of a delivered batch (validly re-signed): 2xx, nothing emitted twice
      const events = sb.deliveries()[0].events;
      const body = JSON.stringify(events);
      const url = `${base()}/hooks/hubspot`;
      const ts = Date.now();
      const send = (headers: Record<string, string>, b = body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b });
      const replay = await send({ 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': hubspotSignatureV3(sb.secret, 'POST', url, body, ts) });
      assert.strictEqual(replay.status, 204);
      // wrong secret, tampered body, stale: 401 and nothing emitted
      const wrong = await send({ 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': hubspotSignatureV3('nope', 'POST', url, body, ts) });
      assert.strictEqual(wrong.status, 401);
      const tampered = await send({ 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': hubspotSignatureV3(sb.secret, 'POST', url, body, ts) }, body.replace('closedwon', 'closedlost'));
      assert.strictEqual(tampered.status, 401);
      const old = ts - 600_000;
      const stale = await send({ 'x-hubspot-request-timestamp': String(old), 'x-hubspot-signature-v3': hubspotSignatureV3(sb.secret, 'POST', url, body, old) });
      assert.strictEqual(stale.status, 401);
      // authentic but malformed: 400
      const bad = '{"eventId":';
      const malformed = await send({ 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': hubspotSignatureV3(sb.secret, 'POST', url, bad, ts) }, bad);
      assert.strictEqual(malformed.status, 400);
      // oversized: 413
      const huge = await send({ 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': 'x' }, 'x'.repeat(1024 * 1024 + 10));
      assert.strictEqual(huge.status, 413);
      await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(got.length, 2);
    } finally {
      sb.unsubscribe(sub.id);
    }
  });

  it('an accepted event that was not completed downstream is emitted again after a restart', async () => {
    const f = flow('b.db');
    // first run: a sink that never completes messages
    await helper.load([serverNode, triggerNode, storeNode, captureNode], [...f.slice(0, 2), { ...f[2], ackTimeout: 1 }, { id: 'out', type: 'helper' }, { id: 'cap', type: 'capture-http' }], creds());
    const url = `${base()}/hooks/hubspot`;
    const body = JSON.stringify([{ eventId: 777001, subscriptionId: 1, portalId: 1, appId: 1, occurredAt: Date.now(), subscriptionType: 'company.creation', attemptNumber: 0, objectId: Number(sb.seed.companies.C003), changeSource: 'CRM_UI' }]);
    const ts = Date.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': hubspotSignatureV3(sb.secret, 'POST', url, body, ts) }, body });
    assert.strictEqual(res.status, 204);
    await new Promise((r) => setTimeout(r, 200));
    await helper.unload();
    // second run, same store: the un-acked event comes back (after its lease), once
    await new Promise((r) => setTimeout(r, 1100));
    await helper.load([serverNode, triggerNode, storeNode, captureNode], f, creds());
    const got: any[] = [];
    helper.getNode('out').on('input', (m: any) => got.push(m));
    for (let i = 0; i < 100 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(got.length, 1);
    assert.strictEqual(got[0].payload.eventId, '777001');
    assert.strictEqual(got[0].payload.record.properties.name, 'Summit Electrical Contractors');
  });

  it('poll mode: emits changes since the stored cursor', async () => {
    await helper.load([serverNode, triggerNode, storeNode, captureNode], [
      ...flow('c.db').slice(0, 2),
      { id: 'trig', type: 'crm-trigger', crm: 'crm', mode: 'poll', objectTypes: 'deal', interval: 1, pageSize: 2, properties: 'dealname,dealstage', store: 'store', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], creds());
    const got: any[] = [];
    helper.getNode('out').on('input', (m: any) => got.push(m));
    await new Promise((r) => setTimeout(r, 300));
    sb.updateRecord('deals', sb.seed.deals.D002, { dealstage: 'contractsent' });
    sb.updateRecord('deals', sb.seed.deals.D004, { amount: 999 });
    sb.updateRecord('deals', sb.seed.deals.D005, { dealname: 'Harbor Tools - first order' });
    for (let i = 0; i < 150 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepStrictEqual(got.map((m) => m.payload.crmId).sort(), [sb.seed.deals.D002, sb.seed.deals.D004, sb.seed.deals.D005].sort());
    assert.ok(got.every((m) => m.payload.action === 'updated' && m.payload.record));
  });

  it('crm-update: update, note, upsert; typed error kept with the msg', async () => {
    await helper.load([serverNode, updateNode], [
      { id: 'crm', type: 'crm-server', provider: 'hubspot', url: sb.url },
      { id: 'n-up', type: 'crm-update', crm: 'crm', objectType: 'deal', operation: 'update', wires: [['out']] },
      { id: 'n-note', type: 'crm-update', crm: 'crm', objectType: 'deal', operation: 'note', wires: [['out']] },
      { id: 'n-ups', type: 'crm-update', crm: 'crm', objectType: 'company', operation: 'upsert', idProperty: 'odoo_partner_id', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { crm: { token: sb.token } });
    const got: any[] = [];
    helper.getNode('out').on('input', (m: any) => got.push(m));
    const wait = async (n: number) => { for (let i = 0; i < 100 && got.length < n; i++) await new Promise((r) => setTimeout(r, 20)); };
    helper.getNode('n-up').receive({ crmId: sb.seed.deals.D001, payload: { odoo_order_ref: 'S00777' } });
    await wait(1);
    assert.strictEqual(got[0].payload.record.properties.odoo_order_ref, 'S00777');
    helper.getNode('n-note').receive({ crmId: sb.seed.deals.D001, payload: 'Invoice INV/2024/0001 posted' });
    await wait(2);
    assert.ok(got[1].payload.noteId);
    helper.getNode('n-ups').receive({ payload: { odoo_partner_id: '9001', name: 'Node Upsert Co' } });
    await wait(3);
    assert.strictEqual(got[2].payload.created, true);
    const errors: any[] = [];
    const up = helper.getNode('n-up');
    up.on('call:error', (c: any) => errors.push(c));
    up.receive({ crmId: sb.seed.deals.D001, payload: { dealstage: 'bogus' }, keep: 'me' });
    for (let i = 0; i < 100 && !errors.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.strictEqual(errors.length, 1);
    const [err, msg] = errors[0].args;
    assert.strictEqual(err.code, 'CrmValidationError');
    assert.strictEqual(err.cause.retryable, false);
    assert.strictEqual(err.cause.field, 'dealstage');
    assert.strictEqual(msg.keep, 'me');
  });
});
