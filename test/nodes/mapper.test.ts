import assert from 'assert';
import helper from 'node-red-node-test-helper';
import type { NodeAPI, Node } from 'node-red';
import mapperNode = require('../../nodes/mapper');
import { waitFor } from '../durability/helpers';

helper.init(require.resolve('node-red'));
const catchNode = require('@node-red/nodes/core/common/25-catch.js');

type AnyNode = { receive(msg: unknown): void; on(ev: string, fn: (msg: any) => void): void };

// Test double for the odoo-server config node: exposes .client.executeKw like the real one.
let fieldsGetCalls = 0;
let fieldsGetFails = false;
function fakeOdooServer(RED: NodeAPI) {
  function FakeServer(this: Node & { client: unknown }, config: any) {
    RED.nodes.createNode(this, config);
    this.client = {
      async executeKw(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) {
        assert.strictEqual(method, 'fields_get');
        assert.deepStrictEqual(args, []);
        assert.deepStrictEqual(kwargs, { attributes: ['type', 'required', 'selection', 'string', 'relation', 'readonly'] });
        fieldsGetCalls++;
        if (fieldsGetFails) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', cause: { type: 'network', retryable: true } });
        return {
          name: { type: 'char', string: 'Name', required: true },
          email: { type: 'char', string: 'Email' },
          type: { type: 'selection', string: 'Address Type', selection: [['contact', 'Contact'], ['invoice', 'Invoice'], ['delivery', 'Delivery']] },
        };
      },
    };
  }
  RED.nodes.registerType('odoo-server', FakeServer as any);
}

describe('mapper node', function () {
  afterEach(async () => {
    await helper.unload();
  });
  function collect(id: string): any[] {
    const out: any[] = [];
    (helper.getNode(id) as AnyNode).on('input', (m) => out.push(m));
    return out;
  }

  const customerRules = [
    { target: 'external_id', source: 'template', template: 'hubspot:{{payload.objectId}}' },
    { target: 'name', source: 'path', path: 'payload.properties.name', transforms: ['trim'], required: true },
    { target: 'email', source: 'jsonata', expression: '$lowercase(payload.properties.email)' },
    { target: 'address.street', source: 'path', path: 'payload.properties.address' },
    { target: 'address.city', source: 'path', path: 'payload.properties.city' },
    { target: 'address.country_code', source: 'map', path: 'payload.properties.country', map: { germany: 'DE' }, ignoreCase: true },
  ];

  it('valid records to output 1 (canonical customer, JSONata through Node-RED), invalid to output 2 with issues', async () => {
    await helper.load([mapperNode], [
      { id: 'm', type: 'mapper', rules: customerRules, schema: 'customer', property: 'customer', wires: [['ok'], ['bad']] },
      { id: 'ok', type: 'helper' },
      { id: 'bad', type: 'helper' },
    ]);
    const ok = collect('ok');
    const bad = collect('bad');
    const m = helper.getNode('m') as AnyNode;
    m.receive({ payload: { objectId: 5, properties: { name: ' ACME ', email: 'SALES@ACME.EXAMPLE', address: 'Main 1', city: 'Kiel', country: 'Germany' } } });
    m.receive({ payload: { objectId: 6, properties: { name: '', email: 'nope', address: 'Main 1', city: 'Kiel', country: 'Atlantis' } } });
    await waitFor('2 outputs', () => ok.length + bad.length === 2);
    assert.deepStrictEqual(ok[0].customer, {
      external_id: 'hubspot:5',
      name: 'ACME',
      email: 'sales@acme.example',
      is_company: true,
      address: { street: 'Main 1', city: 'Kiel', country_code: 'DE' },
    });
    assert.strictEqual(ok[0].payload.objectId, 5, 'input payload untouched when output goes elsewhere');
    assert.strictEqual(bad.length, 1);
    assert.deepStrictEqual(bad[0].error.issues.map((i: any) => [i.field, i.received, i.reason]), [
      ['name', '', 'required'],
      ['address.country_code', 'Atlantis', 'no mapping for "Atlantis"'],
    ]);
    assert.match(bad[0].error.message, /^2 mapping issues: name: required/);
  });

  it('schema from Odoo fields_get through the server config node, cached', async () => {
    fieldsGetCalls = 0;
    fieldsGetFails = false;
    await helper.load([mapperNode, fakeOdooServer, catchNode], [
      { id: 'srv', type: 'odoo-server' },
      {
        id: 'm', type: 'mapper', schema: 'odoo', server: 'srv', model: 'res.partner', odooMode: 'create',
        rules: [
          { target: 'name', source: 'path', path: 'payload.n' },
          { target: 'type', source: 'path', path: 'payload.t' },
        ],
        wires: [['ok'], ['bad']],
      },
      { id: 'ok', type: 'helper' },
      { id: 'bad', type: 'helper' },
    ]);
    const ok = collect('ok');
    const bad = collect('bad');
    const m = helper.getNode('m') as AnyNode;
    m.receive({ payload: { n: 'ACME', t: 'invoice' } });
    m.receive({ payload: { n: 'ACME', t: 'private' } });
    m.receive({ payload: { t: 'contact' } });
    await waitFor('3 outputs', () => ok.length + bad.length === 3);
    assert.deepStrictEqual(ok[0].payload, { name: 'ACME', type: 'invoice' });
    assert.deepStrictEqual(bad.map((b) => b.error.issues.map((i: any) => i.field)), [['type'], ['name']]);
    assert.match(bad[0].error.issues[0].reason, /expected one of "contact", "invoice", "delivery"/);
    assert.strictEqual(fieldsGetCalls, 1);
  });

  it('Odoo unreachable while reading fields: typed error to Catch, message kept', async () => {
    fieldsGetCalls = 0;
    fieldsGetFails = true;
    await helper.load([mapperNode, fakeOdooServer, catchNode], [
      { id: 'srv', type: 'odoo-server' },
      { id: 'm', type: 'mapper', schema: 'odoo', server: 'srv', model: 'res.country', rules: [{ target: 'name', source: 'constant', value: 'x' }], wires: [['ok'], ['bad']] },
      { id: 'ok', type: 'helper' },
      { id: 'bad', type: 'helper' },
      { id: 'c', type: 'catch', scope: ['m'], wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const caught = collect('caught');
    (helper.getNode('m') as AnyNode).receive({ payload: { keep: 1 } });
    await waitFor('caught', () => caught.length === 1);
    assert.strictEqual(caught[0].error.code, 'ECONNREFUSED');
    assert.strictEqual(caught[0].error.cause.retryable, true);
    assert.deepStrictEqual(caught[0].payload, { keep: 1 });
  });

  it('bad rule table: every message to output 2 with the configuration error, nothing thrown', async () => {
    await helper.load([mapperNode], [
      { id: 'm', type: 'mapper', rules: [{ target: 'a', source: 'teleport' }], schema: 'none', wires: [['ok'], ['bad']] },
      { id: 'ok', type: 'helper' },
      { id: 'bad', type: 'helper' },
    ]);
    const bad = collect('bad');
    (helper.getNode('m') as AnyNode).receive({ payload: 1 });
    await waitFor('bad', () => bad.length === 1);
    assert.match(bad[0].error.message, /unknown source "teleport"/);
  });
});
