/**
 * Robustness of every node's runtime: bad input reaches Catch (or the documented error output) with the
 * msg kept and an error naming the field; a red-ring status; done() exactly once (Complete on success);
 * nothing left running after close; webhook routes gone after unload/redeploy; configs from an older
 * export (only the contract properties) load and work with defaults.
 */
import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { closeAllEmbeddedStores } from '../../nodes/shared/store';
import { integrationUser, startTestSandbox } from '../unit/odoo-client/sandbox';
import type { OdooSandbox } from '../../sandbox/odoo/server';
import { startCrmSandbox, type CrmSandbox } from '../../sandbox/crm/server';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const helper = require('node-red-node-test-helper');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const supertest = require('supertest');
helper.init(require.resolve('node-red'));

/* eslint-disable @typescript-eslint/no-var-requires, @typescript-eslint/no-explicit-any */
const NODE_MODULES = [
  require('../../nodes/odoo-server'), require('../../nodes/odoo-read'), require('../../nodes/odoo-write'),
  require('../../nodes/odoo-call'), require('../../nodes/odoo-trigger'), require('../../nodes/crm-server'),
  require('../../nodes/crm-trigger'), require('../../nodes/crm-update'), require('../../nodes/state-store'),
  require('../../nodes/mapper'), require('../../nodes/dedupe'), require('../../nodes/retry'),
  require('@node-red/nodes/core/common/25-catch.js'), require('@node-red/nodes/core/common/24-complete.js'),
];
type AnyNode = any;

// The helper gives nodes an express app for RED.httpNode that its server does not mount: capture and mount it.
let httpNode: ((req: unknown, res: unknown, next: () => void) => void) | undefined;
function captureNode(RED: any) {
  httpNode = RED.httpNode;
  RED.nodes.registerType('capture-http', function (this: any, n: any) { RED.nodes.createNode(this, n); });
}
const NODES = [...NODE_MODULES, captureNode];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    if (cond()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Records every status a node sets (the node code calls node.status on the instance). */
function spyStatus(n: AnyNode): any[] {
  const calls: any[] = [];
  const orig = n.status.bind(n);
  n.status = (s: any) => {
    calls.push(s);
    orig(s);
  };
  return calls;
}

function collect(id: string): any[] {
  const got: any[] = [];
  helper.getNode(id).on('input', (m: any) => got.push(m));
  return got;
}

const rejections: unknown[] = [];
const onRejection = (r: unknown) => rejections.push(r);

describe('node robustness (bad input, done, close, old configs)', function () {
  this.timeout(30000);
  let odoo: OdooSandbox;
  let crm: CrmSandbox;
  let dir: string;
  let port: number;

  /** Requests to the helper's HTTP server, where RED.httpNode is mounted (helper.request() is the admin app). */
  const http = () => supertest(`http://127.0.0.1:${port}`);
  const odooServer = () => ({ id: 'srv', type: 'odoo-server', url: odoo.url, db: 'demo', protocol: 'xmlrpc', timeout: 5 });
  const crmServer = () => ({ id: 'crm', type: 'crm-server', provider: 'hubspot', url: crm.url });
  const creds = () => ({
    srv: { username: integrationUser(odoo).login, password: integrationUser(odoo).password },
    crm: { token: crm.token, secret: crm.secret },
  });
  /** A node under test `x` with Catch, Complete and output helpers around it. */
  const harness = (def: Record<string, unknown>, outputs = 1) => [
    odooServer(),
    crmServer(),
    { id: 'x', ...def, wires: Array.from({ length: outputs }, (_, i) => [`out${i + 1}`]) },
    ...Array.from({ length: outputs }, (_, i) => ({ id: `out${i + 1}`, type: 'helper' })),
    { id: 'c', type: 'catch', scope: ['x'], uncaught: false, wires: [['caught']] },
    { id: 'k', type: 'complete', scope: ['x'], wires: [['completed']] },
    { id: 'caught', type: 'helper' },
    { id: 'completed', type: 'helper' },
    { id: 'cap', type: 'capture-http' },
  ];

  before(async () => {
    process.on('unhandledRejection', onRejection);
    odoo = await startTestSandbox(19);
    crm = await startCrmSandbox({ port: 0, quiet: true, rateLimit: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robustness-'));
    helper.settings({ userDir: dir });
    await new Promise<void>((r) => helper.startServer(() => r()));
    port = Number(new URL(helper.url()).port);
    helper._app.use((req: unknown, res: unknown, next: () => void) => (httpNode ? httpNode(req, res, next) : next()));
  });
  afterEach(async () => {
    await helper.unload();
    await closeAllEmbeddedStores();
    assert.deepStrictEqual(rejections, [], 'no unhandled promise rejection');
  });
  after(async () => {
    process.removeListener('unhandledRejection', onRejection);
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await crm.close();
    await odoo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  interface BadCase {
    name: string;
    node: Record<string, unknown>;
    msg: Record<string, unknown>;
    error: RegExp;
    code?: RegExp;
  }

  const odooRead = { type: 'odoo-read', server: 'srv', model: 'res.partner' };
  const odooWrite = { type: 'odoo-write', server: 'srv', model: 'res.partner' };
  const odooCall = { type: 'odoo-call', server: 'srv', model: 'res.partner', method: 'search_count' };
  const crmUpdate = { type: 'crm-update', crm: 'crm', objectType: 'company', operation: 'update' };
  const bad: BadCase[] = [
    { name: 'odoo-read: msg.domain invalid JSON', node: odooRead, msg: { domain: '[["name", "="' }, error: /^msg\.domain: .*not valid JSON/, code: /OdooRequestError/ },
    { name: 'odoo-read: msg.domain not a list', node: odooRead, msg: { domain: { name: 'x' } }, error: /^msg\.domain: a domain is a list/ },
    { name: 'odoo-read: msg.domain bad term', node: odooRead, msg: { domain: [['name', 'equals', 'x']] }, error: /^msg\.domain: invalid domain: .*unknown operator/ },
    { name: 'odoo-read: msg.ids not ints', node: odooRead, msg: { ids: [1, 'two'] }, error: /^msg\.ids: .*positive integers/ },
    { name: 'odoo-read: msg.ids boolean', node: odooRead, msg: { ids: true }, error: /^msg\.ids: .*positive integers.*boolean/ },
    { name: 'odoo-read: msg.model empty and no model property', node: { ...odooRead, model: '' }, msg: { model: '' }, error: /^property model: a model name is required/ },
    { name: 'odoo-read: msg.model ill-typed', node: odooRead, msg: { model: 42 }, error: /^msg\.model: a model name is required.*number 42/ },
    { name: 'odoo-read: msg.limit negative', node: odooRead, msg: { limit: -1 }, error: /^msg\.limit: must be a non-negative integer/ },
    { name: 'odoo-read: msg.context not an object', node: odooRead, msg: { context: 'en_US' }, error: /^msg\.context: must be an object/ },
    { name: 'odoo-read: read without ids', node: { ...odooRead, method: 'read' }, msg: {}, error: /^msg\.ids: method read needs/ },
    { name: 'odoo-read: unknown method', node: { ...odooRead, method: 'search_all' }, msg: {}, error: /^property method: unknown method "search_all"/ },
    { name: 'odoo-read: unknown model (Odoo error, typed)', node: odooRead, msg: { model: 'no.such.model' }, error: /no\.such\.model/, code: /^Odoo/ },
    { name: 'odoo-write: create without msg.payload', node: odooWrite, msg: {}, error: /^msg\.payload: create needs an object of field values.*undefined/ },
    { name: 'odoo-write: create with a string payload', node: odooWrite, msg: { payload: 'Acme' }, error: /^msg\.payload: create needs/ },
    { name: 'odoo-write: array with a non-object', node: odooWrite, msg: { payload: [{ name: 'a' }, 5] }, error: /^msg\.payload\[1\]: create needs/ },
    { name: 'odoo-write: unlink ids not ints', node: { ...odooWrite, operation: 'unlink' }, msg: { ids: 'a,b' }, error: /^msg\.ids: / },
    { name: 'odoo-write: write array with msg.ids', node: { ...odooWrite, operation: 'write' }, msg: { ids: [1], payload: [{ name: 'a' }] }, error: /^msg\.payload: with msg\.ids/ },
    { name: 'odoo-write: unknown operation', node: { ...odooWrite, operation: 'delete' }, msg: { payload: { name: 'x' } }, error: /^property operation: unknown operation "delete"/ },
    { name: 'odoo-write: upsert without matchOn', node: { ...odooWrite, operation: 'upsert' }, msg: { payload: { name: 'x' } }, error: /^matchOn: upsert needs match keys/ },
    { name: 'odoo-call: msg.kwargs an array', node: odooCall, msg: { kwargs: [1] }, error: /^msg\.kwargs: must be an object/ },
    { name: 'odoo-call: msg.method ill-typed', node: odooCall, msg: { method: 5 }, error: /^msg\.method: a method name is required/ },
    { name: 'odoo-call: msg.args a function', node: odooCall, msg: { args: () => 1 }, error: /^msg\.args: must be an array/ },
    { name: 'odoo-call: property args invalid JSON', node: { ...odooCall, args: '[1,' }, msg: {}, error: /^property args: not valid JSON/ },
    { name: 'odoo-call: msg.context not an object', node: odooCall, msg: { context: 3 }, error: /^msg\.context: must be an object/ },
    { name: 'odoo-trigger: input poll of an unknown model', node: { type: 'odoo-trigger', server: 'srv', model: 'no.such.model', interval: 3600 }, msg: {}, error: /no\.such\.model/, code: /^Odoo/ },
    { name: 'odoo-trigger: invalid domain property', node: { type: 'odoo-trigger', server: 'srv', model: 'res.partner', domain: 'not json', interval: 3600 }, msg: {}, error: /^property domain: .*not valid JSON/ },
    { name: 'crm-update: update without crmId', node: crmUpdate, msg: { payload: { name: 'x' } }, error: /^msg\.crmId: update needs/ },
    { name: 'crm-update: crmId an object', node: crmUpdate, msg: { crmId: { id: 1 }, payload: { name: 'x' } }, error: /^msg\.crmId: must be a record id/ },
    { name: 'crm-update: no payload', node: crmUpdate, msg: { crmId: '1' }, error: /^msg\.payload: update needs an object of properties/ },
    { name: 'crm-update: unknown msg.operation', node: crmUpdate, msg: { operation: 'delete', crmId: '1', payload: { a: 1 } }, error: /^msg\.operation: unknown operation "delete"/ },
    { name: 'crm-update: unknown msg.objectType', node: crmUpdate, msg: { objectType: 'widget', crmId: '1', payload: { a: 1 } }, error: /^msg\.objectType: must be one of/ },
    { name: 'crm-update: note without text', node: { ...crmUpdate, operation: 'note' }, msg: { crmId: '1', payload: '' }, error: /^msg\.payload: note needs the text/ },
    { name: 'crm-update: record that does not exist (CRM error, typed)', node: crmUpdate, msg: { crmId: '999999999', payload: { name: 'x' } }, error: /./, code: /^Crm/ },
    { name: 'dedupe: key template resolving to empty', node: { type: 'dedupe', key: '{{payload.orderId}}' }, msg: { payload: {} }, error: /^key \{\{payload\.orderId\}\}: (resolves to empty|dedupe\.errors\.nokey)/, code: /DedupeKeyError/ },
    { name: 'dedupe: path key missing', node: { type: 'dedupe', keyType: 'path', key: 'payload.id' }, msg: { payload: 'x' }, error: /^key msg\.payload\.id: (resolves to empty|dedupe\.errors\.nokey)/ },
    { name: 'dedupe: release with an ill-typed key', node: { type: 'dedupe' }, msg: { dedupe: { release: true, key: 5 } }, error: /^msg\.dedupe\.key: must be a non-empty string/ },
    { name: 'retry: control action not a string', node: { type: 'retry' }, msg: { topic: 'deadletter', action: 5 }, error: /^msg\.action: must be "list", "replay" or "discard"/, code: /RetryControlError/ },
    { name: 'retry: unknown control action', node: { type: 'retry' }, msg: { topic: 'deadletter', action: 'explode' }, error: /^msg\.action: (unknown dead-letter action explode|retry\.errors\.action)/ },
    { name: 'retry: replay without a target', node: { type: 'retry' }, msg: { topic: 'deadletter', action: 'replay' }, error: /^msg\.ids: (replay needs|retry\.errors\.untargeted)/ },
    { name: 'retry: filter not an object', node: { type: 'retry' }, msg: { topic: 'deadletter', action: 'discard', filter: 'all' }, error: /^msg\.filter: must be an object/ },
    { name: 'retry: ids not a list', node: { type: 'retry' }, msg: { topic: 'deadletter', action: 'discard', ids: 'abc' }, error: /^msg\.ids: must be a list/ },
  ];

  describe('bad input reaches Catch with the msg kept, the field named, a red ring, no Complete', () => {
    for (const c of bad) {
      it(c.name, async () => {
        await helper.load(NODES, harness(c.node, c.node.type === 'dedupe' || c.node.type === 'retry' ? 2 : 1), creds());
        const statuses = spyStatus(helper.getNode('x'));
        const caught = collect('caught');
        const completed = collect('completed');
        const out = collect('out1');
        const marker = `m-${Math.random()}`;
        helper.getNode('x').receive({ ...c.msg, keep: marker });
        await until('a message at Catch', () => caught.some((m) => m.keep === marker));
        await sleep(50); // a second done() or send would show up here
        const mine = caught.filter((m) => m.keep === marker);
        assert.strictEqual(mine.length, 1, 'exactly one error per message');
        const m = mine[0];
        // Node-RED's Catch gets err.toString(): "<code>: <message>".
        assert.match(String(m.error.message).replace(/^[A-Za-z]+: /, ''), c.error);
        assert.ok(typeof m.error.code === 'string' && m.error.code.length, 'msg.error.code set');
        if (c.code) assert.match(m.error.code, c.code);
        assert.strictEqual(typeof m.error.cause?.retryable, 'boolean', 'cause.retryable (typed-error contract)');
        for (const [k, v] of Object.entries(c.msg)) if (k !== 'args') assert.deepStrictEqual(m[k], v, `msg.${k} kept`);
        assert.strictEqual(completed.length, 0, 'Complete does not fire for a failed message');
        assert.strictEqual(out.length, 0, 'nothing sent on output 1');
        const red = statuses.filter((s) => s.fill === 'red' && s.shape === 'ring');
        assert.ok(red.length > 0, `red ring status, got ${JSON.stringify(statuses)}`);
        assert.ok(red.every((s) => typeof s.text === 'string' && s.text.length > 0 && s.text.length <= 48), 'short reason');
        // The runtime keeps running: the same node still handles the next message.
        helper.getNode('x').receive({ ...c.msg, keep: `${marker}-2` });
        await until('the next message at Catch', () => caught.some((m2) => m2.keep === `${marker}-2`));
      });
    }
  });

  describe('mapper: bad rules and bad payloads go to the error output with the reason', () => {
    it('invalid rule JSON: output 2 with msg.error, red ring, Complete fires once', async () => {
      await helper.load(NODES, harness({ type: 'mapper', rules: '[{"target": "name", ' }, 2), creds());
      const statuses = spyStatus(helper.getNode('x'));
      const errOut = collect('out2');
      const completed = collect('completed');
      helper.getNode('x').receive({ payload: { a: 1 }, keep: 1 });
      await until('output 2', () => errOut.length === 1);
      await until('complete', () => completed.length === 1);
      assert.match(errOut[0].error.message, /rules are not valid JSON|mapper\.errors\.rulesJson/);
      assert.strictEqual(errOut[0].keep, 1);
      assert.ok(statuses.some((s) => s.fill === 'red' && s.shape === 'ring' && /configuration error|mapper\.status\.config/.test(s.text)));
    });

    it('a required field missing from msg.payload: output 2 naming the field', async () => {
      const rules = JSON.stringify([{ target: 'name', source: 'path', path: 'payload.company.name', required: true }]);
      await helper.load(NODES, harness({ type: 'mapper', rules }, 2), creds());
      const errOut = collect('out2');
      const completed = collect('completed');
      helper.getNode('x').receive({ keep: 2 });
      await until('output 2', () => errOut.length === 1);
      await until('complete', () => completed.length === 1);
      assert.match(errOut[0].error.message, /name/);
      assert.ok(Array.isArray(errOut[0].error.issues) && errOut[0].error.issues.length === 1);
      assert.strictEqual(errOut[0].keep, 2);
    });
  });

  describe('success paths: Complete sees each message exactly once, status turns green', () => {
    const cases: Array<{ name: string; node: Record<string, unknown>; msg: () => Record<string, unknown>; outputs?: number; check?: (m: any) => void }> = [
      { name: 'odoo-read', node: { ...odooRead, limit: 2, fields: 'name' }, msg: () => ({}), check: (m) => assert.strictEqual(m.payload.length, 2) },
      { name: 'odoo-write', node: odooWrite, msg: () => ({ payload: { name: `robust ${Date.now()}` } }), check: (m) => assert.ok(Number.isInteger(m.payload)) },
      { name: 'odoo-call', node: odooCall, msg: () => ({ args: [[]] }), check: (m) => assert.ok(m.payload > 0) },
      { name: 'odoo-trigger (input polls)', node: { type: 'odoo-trigger', server: 'srv', model: 'res.partner', interval: 3600 }, msg: () => ({}) },
      { name: 'crm-update', node: crmUpdate, msg: () => ({ crmId: crm.seed.companies.C001, payload: { city: 'Robust City' } }), check: (m) => assert.strictEqual(m.payload.record.properties.city, 'Robust City') },
      { name: 'mapper', node: { type: 'mapper', rules: JSON.stringify([{ target: 'name', source: 'path', path: 'payload.n' }]) }, outputs: 2, msg: () => ({ payload: { n: 'A' } }), check: (m) => assert.deepStrictEqual(m.payload, { name: 'A' }) },
      { name: 'dedupe', node: { type: 'dedupe', keyType: 'path', key: 'payload.id' }, outputs: 2, msg: () => ({ payload: { id: `k${Math.random()}` } }) },
      { name: 'retry', node: { type: 'retry' }, outputs: 2, msg: () => ({ payload: 1 }) },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await helper.load(NODES, harness(c.node, c.outputs ?? 1), creds());
        const statuses = spyStatus(helper.getNode('x'));
        const completed = collect('completed');
        const caught = collect('caught');
        const out = collect('out1');
        helper.getNode('x').receive({ ...c.msg(), keep: 'ok' });
        await until('Complete', () => completed.some((m) => m.keep === 'ok'));
        await until('green status', () => statuses.some((s) => s.fill === 'green'));
        await sleep(50);
        assert.strictEqual(completed.filter((m) => m.keep === 'ok').length, 1, 'done() exactly once');
        assert.deepStrictEqual(caught.filter((m) => m.keep === 'ok'), []);
        if (c.node.type !== 'odoo-trigger') {
          assert.strictEqual(out.filter((m) => m.keep === 'ok').length, 1);
          c.check?.(out.find((m) => m.keep === 'ok'));
        }
      });
    }
  });

  describe('close: nothing left running, webhook routes removed', () => {
    const routes = (p: string) =>
      ((httpNode as any)?._router?.stack ?? []).filter((l: any) => l.route && l.route.path === p && l.route.methods.post).length;
    const flow = () => [
      odooServer(),
      crmServer(),
      { id: 'cap', type: 'capture-http' },
      { id: 'op', type: 'odoo-trigger', server: 'srv', model: 'res.partner', interval: 1 },
      { id: 'ow', type: 'odoo-trigger', server: 'srv', model: 'res.partner', mode: 'webhook', path: '/robust/odoo' },
      { id: 'cw', type: 'crm-trigger', crm: 'crm', mode: 'webhook', path: '/robust/crm' },
      { id: 'cp', type: 'crm-trigger', crm: 'crm', mode: 'poll', interval: 1, objectTypes: 'company' },
      { id: 're', type: 'retry', pollMs: 50 },
      { id: 'de', type: 'dedupe' },
      { id: 'ma', type: 'mapper', rules: '[]' },
      { id: 'wr', type: 'odoo-write', server: 'srv', model: 'res.partner' },
    ];
    const credentials = () => ({ ...creds(), ow: { secret: 's3cret' } });

    it('after unload no timers of ours remain and the webhook paths answer 404', async () => {
      await sleep(50);
      // Every timer created while the flow runs, with the stack that created it: after unload, none
      // created by our code (nodes/, lib/) may still be pending and holding the event loop.
      const made: Array<{ t: NodeJS.Timeout; stack: string }> = [];
      const oST = global.setTimeout;
      const oSI = global.setInterval;
      const track = (orig: any) => (...a: any[]) => {
        const t = orig(...a);
        made.push({ t, stack: new Error().stack ?? '' });
        return t;
      };
      (global as any).setTimeout = track(oST);
      (global as any).setInterval = track(oSI);
      try {
        await helper.load(NODES, flow(), credentials());
      await sleep(1300); // the pollers have run at least once and rescheduled
      const req = http();
      await req.post('/robust/odoo?secret=s3cret').send({ _model: 'res.partner', id: 1, name: 'x' }).expect(200);
      await req.post('/robust/crm').send([]).expect(401);
      assert.strictEqual(routes('/robust/odoo'), 1);
      assert.strictEqual(routes('/robust/crm'), 1);
      await helper.unload();
      await closeAllEmbeddedStores();
      await sleep(50);
      assert.strictEqual(routes('/robust/odoo'), 0);
      assert.strictEqual(routes('/robust/crm'), 0);
      await req.post('/robust/odoo?secret=s3cret').send({ id: 1 }).expect(404);
      await req.post('/robust/crm').send([]).expect(404);
      } finally {
        global.setTimeout = oST;
        global.setInterval = oSI;
      }
      const root = path.resolve(__dirname, '../..');
      const ours = made.filter((m) => m.stack.split('\n').slice(2).some((l) => l.includes(`${root}/nodes/`) || l.includes(`${root}/lib/`)));
      assert.ok(ours.length > 0, 'the tracking saw the nodes\' timers');
      const live = ours.filter((m) => !(m.t as any)._destroyed && m.t.hasRef());
      assert.deepStrictEqual(live.map((m) => m.stack.split('\n').slice(2, 5).join(' | ')), [], 'timers of ours still active after unload');
    });

    it('a redeploy registers each webhook route once', async () => {
      await helper.load(NODES, flow(), credentials());
      await helper.unload();
      await helper.load(NODES, flow(), credentials());
      assert.strictEqual(routes('/robust/odoo'), 1);
      assert.strictEqual(routes('/robust/crm'), 1);
      await http().post('/robust/odoo?secret=s3cret').send({ _model: 'res.partner', id: 1 }).expect(200);
    });

    it('a webhook route of one node survives the close of another node on the same path', async () => {
      await helper.load(NODES, [
        odooServer(), { id: 'cap', type: 'capture-http' },
        { id: 'a', type: 'odoo-trigger', server: 'srv', model: 'res.partner', mode: 'webhook', path: '/robust/shared' },
        { id: 'b', type: 'odoo-trigger', server: 'srv', model: 'res.partner', mode: 'webhook', path: '/robust/shared' },
      ], { ...creds(), a: { secret: 's3cret' }, b: { secret: 's3cret' } });
      // Node b closed on its own, as in a partial ("modified nodes") redeploy.
      assert.strictEqual(routes('/robust/shared'), 2);
      await helper.getNode('b').close(true);
      assert.strictEqual(routes('/robust/shared'), 1);
      await http().post('/robust/shared?secret=s3cret').send({ _model: 'res.partner', id: 1 }).expect(200);
    });
  });

  describe('configs from an older export (only the contract properties) load and work with defaults', () => {
    const minimal = (def: Record<string, unknown>) => ({ z: 'flow1', ...def });
    it('odoo-read / odoo-write / odoo-call with only server and model (method, operation, paging defaulted)', async () => {
      await helper.load(NODES, [
        { id: 'srv', type: 'odoo-server', url: odoo.url, db: 'demo' }, // no protocol, timeout, context
        minimal({ id: 'r', type: 'odoo-read', server: 'srv', model: 'res.partner', wires: [['o']] }),
        minimal({ id: 'w', type: 'odoo-write', server: 'srv', model: 'res.partner', wires: [['o']] }),
        minimal({ id: 'k', type: 'odoo-call', server: 'srv', model: 'res.partner', method: 'search_count', wires: [['o']] }),
        { id: 'o', type: 'helper' },
      ], creds());
      const o = collect('o');
      helper.getNode('r').receive({ limit: 1, tag: 'r' });
      helper.getNode('w').receive({ payload: { name: 'old export' }, tag: 'w' });
      helper.getNode('k').receive({ args: [[]], tag: 'k' });
      await until('three results', () => o.length === 3);
      assert.ok(Array.isArray(o.find((m) => m.tag === 'r').payload));
      assert.ok(Number.isInteger(o.find((m) => m.tag === 'w').payload), 'operation defaults to create');
      assert.ok(o.find((m) => m.tag === 'k').payload > 0);
    });

    it('odoo-trigger with only server and model polls (mode, interval, since defaulted)', async () => {
      await helper.load(NODES, [odooServer(), minimal({ id: 't', type: 'odoo-trigger', server: 'srv', model: 'res.partner', wires: [['o']] }), { id: 'o', type: 'helper' }], creds());
      const statuses = spyStatus(helper.getNode('t'));
      await until('a poll', () => statuses.some((s) => s.fill === 'green'));
      assert.ok(statuses.every((s) => s.fill !== 'red'), JSON.stringify(statuses));
    });

    it('crm-update with only crm: operation update, objectType from msg', async () => {
      await helper.load(NODES, [crmServer(), minimal({ id: 'u', type: 'crm-update', crm: 'crm', wires: [['o']] }), { id: 'o', type: 'helper' }], creds());
      const o = collect('o');
      helper.getNode('u').receive({ objectType: 'company', crmId: crm.seed.companies.C001, payload: { city: 'Old Town' } });
      await until('updated', () => o.length === 1);
      assert.strictEqual(o[0].payload.operation, 'update');
    });

    it('crm-trigger with only crm: webhook mode without a path says so, no crash', async () => {
      await helper.load(NODES, [crmServer(), minimal({ id: 't', type: 'crm-trigger', crm: 'crm', wires: [[]] })], creds());
      const t = helper.getNode('t');
      assert.ok(t, 'node created');
    });

    it('dedupe, retry, mapper and state-store with no properties at all', async () => {
      await helper.load(NODES, [
        minimal({ id: 'st', type: 'state-store' }),
        minimal({ id: 'd', type: 'dedupe', wires: [['o'], []] }),
        minimal({ id: 'd2', type: 'dedupe', store: 'st', keyType: 'path', key: 'payload', wires: [['o'], []] }),
        minimal({ id: 'r', type: 'retry', wires: [['o'], []] }),
        minimal({ id: 'm', type: 'mapper', wires: [['o'], []] }),
        { id: 'o', type: 'helper' },
      ], {});
      const o = collect('o');
      helper.getNode('d').receive({ payload: 1, tag: 'd' });
      helper.getNode('d2').receive({ payload: 'p', tag: 'd2' });
      helper.getNode('r').receive({ payload: 2, tag: 'r' });
      helper.getNode('m').receive({ payload: { a: 1 }, tag: 'm' });
      await until('four messages', () => o.length === 4);
      assert.deepStrictEqual(o.map((m) => m.tag).sort(), ['d', 'd2', 'm', 'r']);
      assert.strictEqual(o.find((m) => m.tag === 'd').dedupe.duplicate, false);
      assert.ok(o.find((m) => m.tag === 'r')._retry, 'retry marker with default policy');
    });
  });
});
