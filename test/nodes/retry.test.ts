import assert from 'assert';
import fs from 'fs';
import helper from 'node-red-node-test-helper';
import retryNode = require('../../nodes/retry');
import stateStoreNode = require('../../nodes/state-store');
import { closeAllEmbeddedStores } from '../../nodes/shared/store';
import { deleteRedisPrefix, storeConfigNode, tmpDir, uniquePrefix, waitFor, sleep } from '../durability/helpers';

helper.init(require.resolve('node-red'));
const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const functionNode = require('@node-red/nodes/core/function/10-function.js');

type AnyNode = { receive(msg: unknown): void; on(ev: string, fn: (msg: any) => void): void; pendingCount(): Promise<number> };

// The step fails according to msg.payload.fail: one entry per attempt ({message, code, cause}), then succeeds.
const STEP = `
const n = (context.get(msg.payload.id) || 0) + 1;
context.set(msg.payload.id, n);
const f = (msg.payload.fail || [])[n - 1];
if (f) {
  const e = new Error(f.message);
  if (f.code) e.code = f.code;
  if (f.cause) e.cause = f.cause;
  throw e;
}
msg.attemptsSeen = n;
return msg;
`;

const NET = { message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' };
const BUSY = { message: 'Too Many Requests', code: 'OdooRateLimitError', cause: { type: 'rate_limit', retryable: true, status: 429, retryAfterMs: 60 } };
const INVALID = { message: 'Missing required field name', code: 'OdooValidationError', cause: { type: 'validation', retryable: false } };

for (const backend of ['embedded', 'redis'] as const) {
  describe(`retry node (${backend})`, function () {
    let dir: string;
    let prefix: string;
    beforeEach(() => {
      dir = tmpDir('retry');
      prefix = uniquePrefix('retry');
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
        {
          id: 'r', type: 'retry', store: 'st', maxAttempts: 4, maxTotalMs: 60000, redeliveryDelay: 20, backOffMultiplier: 2,
          maximumRedeliveryDelay: 200, collisionAvoidanceFactor: 0, pollMs: 20, leaseMs: 5000, wires: [['step'], ['dead']], ...extra,
        },
        { id: 'step', type: 'function', func: STEP, outputs: 1, wires: [['ok']] },
        { id: 'c', type: 'catch', scope: ['step'], wires: [['r']] },
        { id: 'ok', type: 'helper' },
        { id: 'dead', type: 'helper' },
      ];
    }
    const load = (extra?: Record<string, unknown>) => helper.load([retryNode, stateStoreNode, catchNode, functionNode], flow(extra));
    function collect(id: string): any[] {
      const out: any[] = [];
      (helper.getNode(id) as unknown as AnyNode).on('input', (m) => out.push(m));
      return out;
    }

    it('retries transient errors through the store until the step succeeds, once', async () => {
      await load();
      const ok = collect('ok');
      const dead = collect('dead');
      const r = helper.getNode('r') as unknown as AnyNode;
      r.receive({ payload: { id: 'a', fail: [NET, BUSY] } });
      r.receive({ payload: { id: 'b', fail: [] } });
      await waitFor('both delivered', () => ok.length === 2);
      await waitFor('queue empty', async () => (await r.pendingCount()) === 0);
      await sleep(100);
      assert.strictEqual(ok.length, 2, 'no second delivery');
      assert.strictEqual(dead.length, 0);
      const a = ok.find((m) => m.payload.id === 'a');
      assert.strictEqual(a.attemptsSeen, 3);
      assert.strictEqual(a._retry.attempt, 3);
      assert.deepStrictEqual(a._retry.history.map((h: any) => [h.attempt, h.code, h.retryable]), [[1, 'ECONNREFUSED', true], [2, 'OdooRateLimitError', true]]);
      assert.strictEqual(a._retry.history[0].delayMs, 20);
      assert.ok(a._retry.history[1].delayMs >= 60, 'Retry-After honoured as a lower bound');
      assert.strictEqual(a.error, undefined, 'a redelivered message carries no stale error');
    });

    it('permanent errors go to the dead-letter output at once and are stored', async () => {
      await load();
      const ok = collect('ok');
      const dead = collect('dead');
      const r = helper.getNode('r') as unknown as AnyNode;
      r.receive({ payload: { id: 'p', fail: [INVALID] } });
      await waitFor('dead letter', () => dead.length === 1);
      assert.strictEqual(ok.length, 0);
      const d = dead[0];
      assert.strictEqual(d.retry.attempts, 1);
      assert.strictEqual(d.retry.reason, 'error marked not retryable');
      assert.strictEqual(d.error.code, 'OdooValidationError');
      assert.deepStrictEqual(d.retry.history.map((h: any) => [h.attempt, h.message, h.code]), [[1, 'Error: Missing required field name', 'OdooValidationError']]);
      const res = await helper.request().get('/retry/r/dead-letters').expect(200);
      assert.strictEqual(res.body.deadLetters.length, 1);
      assert.strictEqual(res.body.deadLetters[0].id, d.retry.id);
      assert.strictEqual(res.body.deadLetters[0].meta.code, 'OdooValidationError');
      assert.deepStrictEqual(res.body.deadLetters[0].payload.payload, { id: 'p', fail: [INVALID] });
    });

    it('exhausted retries are dead letters with the whole history', async () => {
      await load({ maxAttempts: 3 });
      const dead = collect('dead');
      (helper.getNode('r') as unknown as AnyNode).receive({ payload: { id: 'x', fail: [NET, NET, NET, NET] } });
      await waitFor('dead letter', () => dead.length === 1);
      assert.strictEqual(dead[0].retry.attempts, 3);
      assert.match(dead[0].retry.reason, /Max\. retries \(3 attempts\) reached: network error ECONNREFUSED/);
      assert.deepStrictEqual(dead[0].retry.history.map((h: any) => h.attempt), [1, 2, 3]);
    });

    it('dead letters: replay one through the admin endpoint, discard by filter, answer control messages', async () => {
      await load({ maxAttempts: 1 });
      const ok = collect('ok');
      const dead = collect('dead');
      const r = helper.getNode('r') as unknown as AnyNode;
      // maxAttempts 1: the first failure is final. The replayed attempt succeeds (fail list exhausted).
      r.receive({ payload: { id: 'k1', fail: [NET] } });
      r.receive({ payload: { id: 'k2', fail: [INVALID] } });
      r.receive({ payload: { id: 'k3', fail: [NET] } });
      await waitFor('3 dead letters', () => dead.length === 3);
      const byId = Object.fromEntries(dead.map((m) => [m.payload.id, m.retry.id]));
      await helper.request().post('/retry/r/replay').send({}).expect(400);
      const rep = await helper.request().post('/retry/r/replay').send({ ids: [byId.k1] }).expect(200);
      assert.deepStrictEqual(rep.body, { replayed: 1, ids: [byId.k1] });
      await waitFor('replayed delivery', () => ok.length === 1);
      assert.strictEqual(ok[0].payload.id, 'k1');
      assert.strictEqual(ok[0]._retry.history.length, 1, 'history kept across the replay');
      const dis = await helper.request().post('/retry/r/discard').send({ filter: { code: 'OdooValidationError' } }).expect(200);
      assert.deepStrictEqual(dis.body.ids, [byId.k2]);
      const before = dead.length;
      r.receive({ topic: 'deadletter', action: 'list' });
      await waitFor('list answer', () => dead.length === before + 1);
      assert.deepStrictEqual(dead[before].payload.map((l: any) => l.id), [byId.k3]);
      r.receive({ topic: 'deadletter', action: 'replay', filter: { all: true } });
      await waitFor('replay answer', () => dead.length === before + 2);
      assert.deepStrictEqual(dead[before + 1].payload, { action: 'replay', count: 1, ids: [byId.k3] });
      await waitFor('k3 delivered', () => ok.length === 2);
      const list = await helper.request().get('/retry/r/dead-letters').expect(200);
      assert.deepStrictEqual(list.body, { pending: 0, deadLetters: [] });
    });

    it('scheduled retries survive a redeploy (new node instance, same store)', async () => {
      await load({ redeliveryDelay: 400, maximumRedeliveryDelay: 400 });
      const r = helper.getNode('r') as unknown as AnyNode;
      for (let i = 0; i < 5; i++) r.receive({ payload: { id: `s${i}`, fail: [NET] } });
      await waitFor('5 scheduled', async () => (await r.pendingCount()) === 5);
      await helper.unload();
      if (backend === 'embedded') await closeAllEmbeddedStores();
      helper.settings({ userDir: dir });
      await load({ redeliveryDelay: 400, maximumRedeliveryDelay: 400 });
      const ok = collect('ok');
      await waitFor('5 delivered after reload', () => ok.length === 5);
      assert.deepStrictEqual(ok.map((m) => m.payload.id).sort(), ['s0', 's1', 's2', 's3', 's4']);
    });
  });
}
