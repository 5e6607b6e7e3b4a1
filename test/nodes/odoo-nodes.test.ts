import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import serverNode = require('../../nodes/odoo-server');
import readNode = require('../../nodes/odoo-read');
import writeNode = require('../../nodes/odoo-write');
import callNode = require('../../nodes/odoo-call');
import triggerNode = require('../../nodes/odoo-trigger');
import { closeAllEmbeddedStores } from '../../nodes/shared/store';
import type { OdooSandbox } from '../../sandbox/odoo/server';
import { OdooClient } from '../../lib/odoo';
import { integrationUser, startTestSandbox } from '../unit/odoo-client/sandbox';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const helper = require('node-red-node-test-helper');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const supertest = require('supertest');
helper.init(require.resolve('node-red'));
let capturedRED: any;
function captureRED(RED: any) {
  capturedRED = RED;
}
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const joinNode = require('@node-red/nodes/core/sequence/17-split.js');

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyNode = any;
const NODES = [serverNode, readNode, writeNode, callNode, triggerNode, catchNode, joinNode, captureRED];
const T = `n${Date.now().toString(36)}`;

function next(node: AnyNode, count = 1, timeoutMs = 5000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const got: any[] = [];
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${count} message(s), got ${got.length}`)), timeoutMs);
    node.on('input', (m: any) => {
      got.push(m);
      if (got.length === count) {
        clearTimeout(t);
        resolve(got);
      }
    });
  });
}

describe('Odoo nodes', function () {
  this.timeout(20000);
  let sb: OdooSandbox;
  let dir: string;
  let direct: OdooClient;
  const creds = () => ({ srv: { username: integrationUser(sb).login, password: integrationUser(sb).password } });
  const server = (extra: Record<string, unknown> = {}) => ({ id: 'srv', type: 'odoo-server', url: sb.url, db: 'demo', protocol: 'xmlrpc', timeout: 5, ...extra });

  before(async () => {
    sb = await startTestSandbox(19);
    const u = integrationUser(sb);
    direct = new OdooClient({ url: sb.url, db: 'demo', username: u.login, password: u.password, protocol: 'xmlrpc' });
    await helper.startServer();
  });
  after(async () => {
    await direct.close();
    await helper.stopServer();
    await sb.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-nodes-'));
    helper.settings({ userDir: dir });
  });
  afterEach(async () => {
    sb.faults.clear();
    await helper.unload();
    await closeAllEmbeddedStores();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('odoo-server', () => {
    it('exposes one lazily created client and resolves ${ENV} credentials', async () => {
      process.env.TEST_ODOO_LOGIN = integrationUser(sb).login;
      await helper.load(NODES, [server({ context: '{"lang":"en_US","company":1}' })], { srv: { username: '${TEST_ODOO_LOGIN}', password: integrationUser(sb).password } });
      const s = helper.getNode('srv') as AnyNode;
      assert.strictEqual(s.client, s.client);
      assert.deepStrictEqual(s.client.options.context, { lang: 'en_US', allowed_company_ids: [1] });
      assert.strictEqual((await s.client.authenticate()).uid, integrationUser(sb).uid);
    });

    it('test endpoint answers for unsaved values, the deployed node and bad credentials', async () => {
      await helper.load(NODES, [server()], creds());
      const r1 = await helper.request().post('/odoo-server/test').send({ id: 'srv', url: sb.url, db: 'demo', protocol: 'auto', username: integrationUser(sb).login, password: '__PWRD__' }).expect(200);
      assert.strictEqual(r1.body.ok, true);
      assert.strictEqual(r1.body.uid, integrationUser(sb).uid);
      assert.match(r1.body.serverVersion, /^19/);
      assert.strictEqual(r1.body.db, 'demo');
      const r2 = await helper.request().post('/odoo-server/test').send({ id: 'srv' }).expect(200);
      assert.strictEqual(r2.body.ok, true);
      assert.strictEqual(r2.body.protocol, 'xmlrpc');
      const r3 = await helper.request().post('/odoo-server/test').send({ url: sb.url, db: 'demo', protocol: 'xmlrpc', username: 'integration', password: 'wrong' }).expect(200);
      assert.strictEqual(r3.body.ok, false);
      assert.strictEqual(r3.body.code, 'OdooAuthError');
      const r4 = await helper.request().post('/odoo-server/test').send({ url: 'http://127.0.0.1:1', db: 'demo', username: 'x', password: 'y', timeout: 1 }).expect(200);
      assert.strictEqual(r4.body.ok, false);
      assert.strictEqual(r4.body.code, 'OdooTransientError');
    });
  });

  describe('odoo-read', () => {
    before(async () => {
      await direct.createMany('res.partner', Array.from({ length: 12 }, (_, i) => ({ name: `${T} read ${String(i).padStart(2, '0')}`, email: `r${i}@${T}.example`, is_company: i % 2 === 0 })));
    });

    it('search_read with domain, fields, order, limit, offset and msg overrides', async () => {
      await helper.load(NODES, [server(), { id: 'r', type: 'odoo-read', server: 'srv', model: 'res.partner', domain: JSON.stringify([['name', 'like', `${T} read`]]), fields: 'name, email', order: 'name asc', limit: '5', offset: '1', wires: [['out']] }, { id: 'out', type: 'helper' }], creds());
      const out = helper.getNode('out') as AnyNode;
      const r = helper.getNode('r') as AnyNode;
      let p = next(out);
      r.receive({ payload: 'x', keep: 42 });
      let [m] = await p;
      assert.strictEqual(m.keep, 42);
      assert.deepStrictEqual(m.payload.map((x: any) => x.name), [1, 2, 3, 4, 5].map((i) => `${T} read ${String(i).padStart(2, '0')}`));
      assert.deepStrictEqual(Object.keys(m.payload[0]).sort(), ['email', 'id', 'name']);
      p = next(out);
      r.receive({ domain: [['name', 'like', `${T} read`], ['is_company', '=', true]], fields: ['name'], limit: 2, offset: 0, order: 'name desc' });
      [m] = await p;
      assert.deepStrictEqual(m.payload.map((x: any) => x.name), [`${T} read 10`, `${T} read 08`]);
      p = next(out);
      r.receive({ model: 'res.users', domain: [], fields: ['login'], limit: 100, offset: 0 });
      [m] = await p;
      assert.ok(m.payload.some((u: any) => u.login === integrationUser(sb).login));
    });

    it('read, search_count, name_search and fields_get', async () => {
      const ids = (await direct.searchRead('res.partner', [['name', 'like', `${T} read`]], { fields: ['id'], order: 'id asc' })).map((r) => r.id);
      const flow = (method: string) => [server(), { id: 'r', type: 'odoo-read', server: 'srv', method, model: 'res.partner', domain: JSON.stringify([['name', 'like', `${T} read`]]), fields: method === 'fields_get' ? 'email, name' : 'name', wires: [['out']] }, { id: 'out', type: 'helper' }];
      for (const [method, msg, check] of [
        ['read', { ids: ids.slice(0, 2) }, (p: any) => assert.deepStrictEqual(p.map((x: any) => x.id), ids.slice(0, 2))],
        ['search_count', {}, (p: any) => assert.strictEqual(p, 12)],
        ['name_search', { payload: `${T} read 03` }, (p: any) => assert.deepStrictEqual(p, [[ids[3], `${T} read 03`]])],
        ['fields_get', {}, (p: any) => assert.deepStrictEqual(Object.keys(p).sort(), ['email', 'name'])],
      ] as Array<[string, any, (p: any) => void]>) {
        await helper.load(NODES, flow(method), creds());
        const p = next(helper.getNode('out'));
        (helper.getNode('r') as AnyNode).receive(msg);
        const [m] = await p;
        check(m.payload);
        await helper.unload();
      }
    });

    it('paging per page and per record reassembles through a join node', async () => {
      for (const paging of ['page', 'record']) {
        await helper.load(NODES, [
          server(),
          { id: 'r', type: 'odoo-read', server: 'srv', model: 'res.partner', domain: JSON.stringify([['name', 'like', `${T} read`]]), fields: 'name', paging, pageSize: 5, wires: [['out', 'j']] },
          { id: 'j', type: 'join', mode: 'auto', wires: [['joined']] },
          { id: 'out', type: 'helper' },
          { id: 'joined', type: 'helper' },
        ], creds());
        const parts = next(helper.getNode('out'), paging === 'page' ? 3 : 12);
        const joined = next(helper.getNode('joined'));
        (helper.getNode('r') as AnyNode).receive({ payload: 1 });
        const msgs = await parts;
        if (paging === 'page') assert.deepStrictEqual(msgs.map((m) => m.payload.length), [5, 5, 2]);
        assert.strictEqual(msgs[msgs.length - 1].parts.count, msgs.length);
        const [all] = await joined;
        assert.strictEqual(all.payload.length, 12);
        assert.strictEqual(new Set(all.payload.map((x: any) => x.id)).size, 12);
        await helper.unload();
      }
    });

    it('a bad domain and an unknown field reach Catch as typed errors with the msg kept', async () => {
      await helper.load(NODES, [
        server(),
        { id: 'r', type: 'odoo-read', server: 'srv', model: 'res.partner', domain: '[]', wires: [['out']] },
        { id: 'c', type: 'catch', scope: ['r'], wires: [['caught']] },
        { id: 'out', type: 'helper' },
        { id: 'caught', type: 'helper' },
      ], creds());
      const caught = helper.getNode('caught') as AnyNode;
      let p = next(caught);
      (helper.getNode('r') as AnyNode).receive({ payload: 'p', domain: [['no_such_field', '=', 1]], keep: 'me' });
      let [m] = await p;
      assert.strictEqual(m.keep, 'me');
      assert.strictEqual(m.error.code, 'OdooDomainError');
      assert.strictEqual(m.error.cause.retryable, false);
      assert.strictEqual(m.error.cause.model, 'res.partner');
      assert.strictEqual(m.error.cause.method, 'search_read');
      p = next(caught);
      (helper.getNode('r') as AnyNode).receive({ domain: '[["a", "=="' });
      [m] = await p;
      assert.strictEqual(m.error.code, 'OdooRequestError');
      assert.match(m.error.message, /domain/);
    });
  });

  describe('odoo-write', () => {
    const flow = (props: Record<string, unknown>) => [
      server(),
      { id: 'w', type: 'odoo-write', server: 'srv', model: 'res.partner', wires: [['out']], ...props },
      { id: 'c', type: 'catch', scope: ['w'], wires: [['caught']] },
      { id: 'out', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ];

    it('create (one and batch), write (msg.ids and per-record ids), unlink', async () => {
      await helper.load(NODES, flow({ operation: 'create' }), creds());
      let p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ payload: { name: `${T} w1` } });
      let [m] = await p;
      assert.ok(Number.isInteger(m.payload));
      const one = m.payload;
      p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ payload: [{ name: `${T} w2` }, { name: `${T} w3` }] });
      [m] = await p;
      assert.strictEqual(m.payload.length, 2);
      const two = m.payload as number[];
      await helper.unload();

      await helper.load(NODES, flow({ operation: 'write' }), creds());
      p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ payload: { phone: '123' }, ids: [one, ...two] });
      [m] = await p;
      assert.deepStrictEqual(m.payload, [one, ...two]);
      p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ payload: [{ id: two[0], phone: '9' }, { id: two[1], phone: '9' }] });
      await p;
      const rows = await direct.read('res.partner', [one, ...two], ['phone']);
      assert.deepStrictEqual(rows.map((r) => r.phone), ['123', '9', '9']);
      await helper.unload();

      const admin = sb.users.find((u) => u.login === 'admin') ?? integrationUser(sb);
      await helper.load(NODES, flow({ operation: 'unlink', model: 'res.users' }), { srv: { username: admin.login, password: admin.password } });
      p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ model: 'res.partner', ids: two });
      [m] = await p;
      assert.deepStrictEqual(m.payload, two);
      assert.strictEqual(await direct.searchCount('res.partner', [['id', 'in', two]]), 0);
    });

    it('upsert by matchOn property and msg.matchOn', async () => {
      await helper.load(NODES, flow({ operation: 'upsert', matchOn: 'ref' }), creds());
      let p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ payload: [{ ref: `${T}-a`, name: 'A' }, { ref: `${T}-b`, name: 'B', email: `b@${T}.example` }] });
      let [m] = await p;
      assert.strictEqual(m.payload.created.length, 2);
      p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ payload: [{ ref: `${T}-a`, name: 'A' }, { ref: `${T}-b`, name: 'B2' }] });
      [m] = await p;
      assert.deepStrictEqual([m.payload.created.length, m.payload.updated.length, m.payload.unchanged.length], [0, 1, 1]);
      p = next(helper.getNode('out'));
      (helper.getNode('w') as AnyNode).receive({ matchOn: ['email'], payload: { email: `B@${T}.EXAMPLE`, name: 'B3' } });
      [m] = await p;
      assert.strictEqual(m.payload.updated.length, 1);
    });

    it('validation and access errors reach Catch typed; bad payload too', async () => {
      await helper.load(NODES, flow({ operation: 'create' }), creds());
      const caught = helper.getNode('caught') as AnyNode;
      let p = next(caught);
      (helper.getNode('w') as AnyNode).receive({ payload: { email: 'no-name@example.com' }, id0: 'kept' });
      let [m] = await p;
      assert.strictEqual(m.id0, 'kept');
      assert.strictEqual(m.error.code, 'OdooValidationError');
      assert.strictEqual(m.error.cause.type, 'validation');
      assert.ok(!/Traceback/.test(m.error.cause.odooMessage));
      p = next(caught);
      (helper.getNode('w') as AnyNode).receive({ payload: 'not an object' });
      [m] = await p;
      assert.strictEqual(m.error.code, 'OdooRequestError');
    });

    it('transient failures reach Catch with cause.retryable true', async () => {
      await helper.load(NODES, flow({ operation: 'create' }), creds());
      await (helper.getNode('srv') as AnyNode).client.authenticate();
      sb.faults.set({ resetRate: 1 });
      const p = next(helper.getNode('caught'));
      (helper.getNode('w') as AnyNode).receive({ payload: { name: `${T} transient` } });
      const [m] = await p;
      assert.strictEqual(m.error.code, 'OdooTransientError');
      assert.strictEqual(m.error.cause.retryable, true);
      assert.strictEqual(m.error.cause.networkCode, 'ECONNRESET');
    });
  });

  describe('odoo-call', () => {
    it('calls a method with properties, msg overrides, msg.ids and kwargs', async () => {
      const [id] = await direct.createMany('res.partner', [{ name: `${T} call` }]);
      await helper.load(NODES, [
        server(),
        { id: 'k', type: 'odoo-call', server: 'srv', model: 'res.partner', method: 'read', kwargs: '{"fields": ["name"]}', wires: [['out']] },
        { id: 'c', type: 'catch', scope: ['k'], wires: [['caught']] },
        { id: 'out', type: 'helper' },
        { id: 'caught', type: 'helper' },
      ], creds());
      let p = next(helper.getNode('out'));
      (helper.getNode('k') as AnyNode).receive({ ids: [id] });
      let [m] = await p;
      assert.deepStrictEqual(m.payload, [{ id, name: `${T} call` }]);
      p = next(helper.getNode('out'));
      (helper.getNode('k') as AnyNode).receive({ method: 'search_count', args: [[['id', '=', id]]], kwargs: {} });
      [m] = await p;
      assert.strictEqual(m.payload, 1);
      p = next(helper.getNode('caught'));
      (helper.getNode('k') as AnyNode).receive({ method: 'no_such_method', ids: [id] });
      [m] = await p;
      assert.strictEqual(m.error.code, 'OdooUnknownMethodError');
      p = next(helper.getNode('caught'));
      (helper.getNode('k') as AnyNode).receive({ method: '_private', ids: [id] });
      [m] = await p;
      assert.strictEqual(m.error.code, 'OdooAccessError');
    });
  });

  describe('odoo-trigger', () => {
    it('polls by (write_date, id): same-second records neither skipped nor repeated, across restarts; tracks fields', async () => {
      const flow = [
        server(),
        { id: 't', type: 'odoo-trigger', server: 'srv', mode: 'poll', model: 'res.partner', domain: JSON.stringify([['name', 'like', `${T} trig`]]), fields: 'name,phone', interval: 3600, since: 'now', trackFields: '', output: 'record', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ];
      await helper.load(NODES, flow, creds());
      const t = helper.getNode('t') as AnyNode;
      const out = helper.getNode('out') as AnyNode;
      const got: any[] = [];
      out.on('input', (m: any) => got.push(m));
      t.receive({}); // initial poll: cursor at "now"
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(got.length, 0);
      const ids = await direct.createMany('res.partner', [{ name: `${T} trig 1` }, { name: `${T} trig 2` }, { name: `${T} trig 3` }]);
      t.receive({});
      await new Promise((r) => setTimeout(r, 300));
      assert.deepStrictEqual(got.map((m) => m.payload.id), ids);
      assert.strictEqual(got[0].topic, 'res.partner');
      t.receive({});
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(got.length, 3, 'nothing repeated');
      await helper.unload();
      // Restart: the cursor comes from the store.
      await helper.load(NODES, flow, creds());
      const got2: any[] = [];
      (helper.getNode('out') as AnyNode).on('input', (m: any) => got2.push(m));
      await direct.write('res.partner', [ids[1]], { phone: '42' });
      (helper.getNode('t') as AnyNode).receive({});
      await new Promise((r) => setTimeout(r, 400));
      assert.deepStrictEqual(got2.map((m) => m.payload.id), [ids[1]]);
      assert.strictEqual(got2[0].payload.phone, '42');
    });

    it('field tracking emits only when tracked fields change, with previous values; batch output', async () => {
      const [id] = await direct.createMany('res.partner', [{ name: `${T} track`, phone: '1' }]);
      await helper.load(NODES, [
        server(),
        { id: 't', type: 'odoo-trigger', server: 'srv', mode: 'poll', model: 'res.partner', domain: JSON.stringify([['id', '=', id]]), fields: 'name,phone,email', interval: 3600, since: 'all', trackFields: 'phone', output: 'batch', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ], creds());
      const got: any[] = [];
      (helper.getNode('out') as AnyNode).on('input', (m: any) => got.push(m));
      const t = helper.getNode('t') as AnyNode;
      const poll = async () => { t.receive({}); await new Promise((r) => setTimeout(r, 300)); };
      await poll();
      assert.strictEqual(got.length, 1);
      assert.deepStrictEqual(got[0].payload.map((r: any) => r.id), [id]);
      assert.deepStrictEqual(got[0].previous, { [id]: null });
      await direct.write('res.partner', [id], { email: `x@${T}.example` });
      await poll();
      assert.strictEqual(got.length, 1, 'untracked change not reported');
      await direct.write('res.partner', [id], { phone: '2' });
      await poll();
      assert.strictEqual(got.length, 2);
      assert.deepStrictEqual(got[1].previous, { [id]: { phone: '1' } });
    });

    it('webhook mode checks the secret and emits the record', async () => {
      process.env.TEST_HOOK_SECRET = 's3cret';
      await helper.load(NODES, [
        server(),
        { id: 't', type: 'odoo-trigger', server: 'srv', mode: 'webhook', model: 'res.partner', path: '/odoo/test-hook', output: 'record', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ], { ...creds(), t: { secret: '${TEST_HOOK_SECRET}' } });
      const url = '/odoo/test-hook';
      const post = (u: string, b: unknown, headers: Record<string, string> = {}) => supertest(capturedRED.httpNode).post(u).set(headers).send(b);
      const body = { _model: 'res.partner', _id: 7, _action: 'Send Webhook Notification(#12)', id: 7, name: 'Hooked', email: false };
      assert.strictEqual((await post(url, body)).status, 401);
      assert.strictEqual((await post(url + '?secret=wrong', body)).status, 401);
      const p = next(helper.getNode('out'));
      const ok = await post(url + '?secret=s3cret', body);
      assert.strictEqual(ok.status, 200);
      const [m] = await p;
      assert.deepStrictEqual(m.payload, { id: 7, name: 'Hooked', email: false });
      assert.strictEqual(m.topic, 'res.partner');
      assert.deepStrictEqual(m.odoo, { model: 'res.partner', id: 7, action: 'Send Webhook Notification(#12)' });
      const p2 = next(helper.getNode('out'));
      assert.strictEqual((await post(url, body, { 'X-Webhook-Secret': 's3cret' })).status, 200);
      await p2;
    });
  });
});
