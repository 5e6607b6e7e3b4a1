import assert from 'assert';
import fs from 'fs';
import helper from 'node-red-node-test-helper';
import dedupeNode = require('../../nodes/dedupe');
import stateStoreNode = require('../../nodes/state-store');
import { closeAllEmbeddedStores } from '../../nodes/shared/store';
import { deleteRedisPrefix, storeConfigNode, tmpDir, uniquePrefix, waitFor, sleep } from '../durability/helpers';

helper.init(require.resolve('node-red'));
const catchNode = require('@node-red/nodes/core/common/25-catch.js');

type AnyNode = { receive(msg: unknown): void; on(ev: string, fn: (msg: any) => void): void };

for (const backend of ['embedded', 'redis'] as const) {
  describe(`dedupe node (${backend})`, function () {
    let dir: string;
    let prefix: string;
    beforeEach(() => {
      dir = tmpDir('dedupe');
      prefix = uniquePrefix('dedupe');
      helper.settings({ userDir: dir });
    });
    afterEach(async () => {
      await helper.unload();
      await closeAllEmbeddedStores();
      await deleteRedisPrefix(prefix);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    function flow(extra: Record<string, unknown> = {}) {
      return [
        storeConfigNode('st', backend, prefix),
        { id: 'd', type: 'dedupe', store: 'st', keyType: 'template', key: '{{payload.provider}}:{{payload.id}}', ttl: 1, ttlUnits: 'hours', wires: [['first'], ['repeat']], ...extra },
        { id: 'first', type: 'helper' },
        { id: 'repeat', type: 'helper' },
        { id: 'c', type: 'catch', scope: ['d'], wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ];
    }

    function collect(id: string): any[] {
      const out: any[] = [];
      (helper.getNode(id) as AnyNode).on('input', (m) => out.push(m));
      return out;
    }

    it('first sight to output 1, repeats to output 2 with firstSeenAt', async () => {
      await helper.load([dedupeNode, stateStoreNode, catchNode], flow());
      const first = collect('first');
      const repeat = collect('repeat');
      const d = helper.getNode('d') as AnyNode;
      d.receive({ payload: { provider: 'hubspot', id: 1 } });
      d.receive({ payload: { provider: 'hubspot', id: 2 } });
      d.receive({ payload: { provider: 'hubspot', id: 1 } });
      await waitFor('3 messages', () => first.length + repeat.length === 3);
      assert.deepStrictEqual(first.map((m) => m.payload.id), [1, 2]);
      assert.strictEqual(repeat.length, 1);
      assert.strictEqual(repeat[0].dedupe.key, 'hubspot:1');
      assert.strictEqual(repeat[0].dedupe.duplicate, true);
      assert.strictEqual(repeat[0].dedupe.firstSeenAt, first[0].dedupe.firstSeenAt);
    });

    it('the same key arriving together passes exactly once', async () => {
      await helper.load([dedupeNode, stateStoreNode, catchNode], flow());
      const first = collect('first');
      const repeat = collect('repeat');
      const d = helper.getNode('d') as AnyNode;
      for (let i = 0; i < 100; i++) d.receive({ payload: { provider: 'p', id: i % 10 } });
      await waitFor('100 messages', () => first.length + repeat.length === 100);
      assert.strictEqual(first.length, 10);
      assert.deepStrictEqual(new Set(first.map((m) => m.payload.id)).size, 10);
    });

    it('drop mode sends nothing for repeats', async () => {
      await helper.load([dedupeNode, stateStoreNode, catchNode], flow({ duplicates: 'drop' }));
      const first = collect('first');
      const repeat = collect('repeat');
      const d = helper.getNode('d') as AnyNode;
      d.receive({ payload: { provider: 'p', id: 1 } });
      d.receive({ payload: { provider: 'p', id: 1 } });
      d.receive({ payload: { provider: 'p', id: 3 } });
      await waitFor('2 firsts', () => first.length === 2);
      await sleep(50);
      assert.strictEqual(repeat.length, 0);
    });

    it('content mode: unchanged update is a repeat, changed content passes', async () => {
      await helper.load([dedupeNode, stateStoreNode, catchNode], flow({ keyType: 'path', key: 'payload.id', mode: 'content', hashFields: 'payload.name, payload.email' }));
      const first = collect('first');
      const repeat = collect('repeat');
      const d = helper.getNode('d') as AnyNode;
      const send = async (p: Record<string, unknown>) => {
        const n = first.length + repeat.length;
        d.receive({ payload: p });
        await waitFor('output', () => first.length + repeat.length === n + 1);
      };
      await send({ id: 7, name: 'ACME', email: 'a@x', updatedAt: 1 });
      await send({ id: 7, name: 'ACME', email: 'a@x', updatedAt: 2 });
      await send({ id: 7, name: 'ACME Ltd', email: 'a@x', updatedAt: 3 });
      await send({ id: 7, name: 'ACME Ltd', email: 'a@x', updatedAt: 4 });
      assert.deepStrictEqual(first.map((m) => m.payload.updatedAt), [1, 3]);
      assert.deepStrictEqual(repeat.map((m) => m.payload.updatedAt), [2, 4]);
      assert.ok(first[1].dedupe.previousHash && first[1].dedupe.previousHash !== first[1].dedupe.hash);
    });

    it('release (removeOnFailure) lets the same key pass again', async () => {
      await helper.load([dedupeNode, stateStoreNode, catchNode], flow());
      const first = collect('first');
      const d = helper.getNode('d') as AnyNode;
      d.receive({ payload: { provider: 'p', id: 9 } });
      await waitFor('first', () => first.length === 1);
      d.receive({ payload: { provider: 'p', id: 9 }, dedupe: { release: true } });
      await sleep(50);
      assert.strictEqual(first.length, 1, 'a release is not forwarded');
      d.receive({ payload: { provider: 'p', id: 9 } });
      await waitFor('second pass', () => first.length === 2);
    });

    it('a message without a key fails to Catch with the message kept', async () => {
      await helper.load([dedupeNode, stateStoreNode, catchNode], flow());
      const caught = collect('caught');
      (helper.getNode('d') as AnyNode).receive({ payload: { other: 1 } });
      await waitFor('catch', () => caught.length === 1);
      assert.strictEqual(caught[0].error.code, 'DedupeKeyError');
      assert.deepStrictEqual(caught[0].payload, { other: 1 });
    });
  });
}

describe('dedupe node: implicit store', function () {
  let dir: string;
  afterEach(async () => {
    await helper.unload();
    await closeAllEmbeddedStores();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('uses an SQLite file in the user directory that survives a redeploy', async () => {
    dir = tmpDir('dedupe-implicit');
    helper.settings({ userDir: dir });
    const f = [
      { id: 'd', type: 'dedupe', keyType: 'path', key: 'payload', ttl: 1, ttlUnits: 'hours', wires: [['first'], ['repeat']] },
      { id: 'first', type: 'helper' },
      { id: 'repeat', type: 'helper' },
    ];
    await helper.load(dedupeNode, f);
    const first: unknown[] = [];
    (helper.getNode('first') as AnyNode).on('input', (m) => first.push(m));
    (helper.getNode('d') as AnyNode).receive({ payload: 'evt-1' });
    await waitFor('first', () => first.length === 1);
    assert.ok(fs.existsSync(`${dir}/odoo-crm-bridge-state.db`));
    await helper.unload();
    await closeAllEmbeddedStores();
    await helper.load(dedupeNode, f);
    const repeat: unknown[] = [];
    (helper.getNode('repeat') as AnyNode).on('input', (m) => repeat.push(m));
    (helper.getNode('d') as AnyNode).receive({ payload: 'evt-1' });
    await waitFor('repeat after reload', () => repeat.length === 1);
  });
});
