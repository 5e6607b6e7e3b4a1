import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import Database from 'better-sqlite3';
import Redis from 'ioredis';
import { SqliteStateStore } from '../../../lib/state/sqlite';
import { RedisStateStore } from '../../../lib/state/redis';
import type { StateStore } from '../../../lib/state/types';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Backend {
  name: string;
  open(): Promise<StateStore>;
  /** A second, independent store on the same data (another process / instance). */
  openPeer(): Promise<StateStore>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = '';
  return {
    name: 'sqlite',
    async open() {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocb-state-'));
      return new SqliteStateStore({ path: path.join(dir, 'state.db') });
    },
    async openPeer() {
      return new SqliteStateStore({ path: path.join(dir, 'state.db') });
    },
    async cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function redisBackend(): Backend {
  let prefix = '';
  return {
    name: 'redis',
    async open() {
      prefix = `ocb-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}:`;
      return new RedisStateStore({ url: REDIS_URL, prefix });
    },
    async openPeer() {
      return new RedisStateStore({ url: REDIS_URL, prefix });
    },
    async cleanup() {
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      await r.quit();
    },
  };
}

for (const backend of [sqliteBackend(), redisBackend()]) {
  describe(`state store contract: ${backend.name}`, function () {
    let store: StateStore;
    let peer: StateStore | undefined;
    beforeEach(async () => {
      store = await backend.open();
    });
    afterEach(async () => {
      await store.close();
      if (peer) await peer.close();
      peer = undefined;
      await backend.cleanup();
    });

    it('claims a key once within its window, then again after expiry', async () => {
      const a = await store.claim('ns', 'k1', 150);
      assert.strictEqual(a.claimed, true);
      const b = await store.claim('ns', 'k1', 150);
      assert.strictEqual(b.claimed, false);
      assert.strictEqual(b.firstSeenAt, a.firstSeenAt);
      assert.strictEqual((await store.claim('other', 'k1', 150)).claimed, true, 'namespaces are separate');
      await sleep(200);
      assert.strictEqual((await store.claim('ns', 'k1', 150)).claimed, true);
    });

    it('concurrent claims of one key: exactly one wins (same store and a peer store)', async () => {
      peer = await backend.openPeer();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? store : (peer as StateStore)).claim('ns', 'race', 10_000)),
      );
      assert.strictEqual(results.filter((r) => r.claimed).length, 1);
    });

    it('content-hash mode: same hash is a repeat, a changed hash is claimed again', async () => {
      assert.strictEqual((await store.claim('ns', 'c', 10_000, 'h1')).claimed, true);
      const same = await store.claim('ns', 'c', 10_000, 'h1');
      assert.strictEqual(same.claimed, false);
      assert.strictEqual(same.previousHash, 'h1');
      const changed = await store.claim('ns', 'c', 10_000, 'h2');
      assert.strictEqual(changed.claimed, true);
      assert.strictEqual(changed.previousHash, 'h1');
      assert.strictEqual((await store.claim('ns', 'c', 10_000, 'h2')).claimed, false);
    });

    it('acceptOnce claims and enqueues together: replays and in-batch duplicates are not enqueued again', async () => {
      const item = (id: string) => ({ key: id, ttlMs: 10_000, item: { id, payload: { id }, dueAt: Date.now(), attempts: 0 } });
      assert.deepStrictEqual(await store.acceptOnce('seen', 'inbox', [item('e1'), item('e2'), item('e1')]), [true, true, false]);
      assert.strictEqual(await store.size('inbox'), 2);
      const taken = await store.take<{ id: string }>('inbox', 10, 10_000);
      assert.deepStrictEqual(taken.map((t) => t.payload.id).sort(), ['e1', 'e2']);
      for (const t of taken) await store.ack('inbox', t.id);
      // A replay after the item was processed: claimed already, so nothing comes back into the queue.
      assert.deepStrictEqual(await store.acceptOnce('seen', 'inbox', [item('e2'), item('e3')]), [false, true]);
      assert.strictEqual(await store.size('inbox'), 1);
      assert.strictEqual((await store.claim('seen', 'e3', 10_000)).claimed, false, 'the claim is recorded with the item');
    });

    it('acceptOnce across two stores: each key enqueued exactly once', async () => {
      peer = await backend.openPeer();
      const entry = (id: string) => ({ key: id, ttlMs: 10_000, item: { id, payload: id, dueAt: Date.now(), attempts: 0 } });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : (peer as StateStore)).acceptOnce('seen', 'race-inbox', [entry('x'), entry(`own-${i}`)])),
      );
      assert.strictEqual(results.filter((r) => r[0]).length, 1);
      assert.strictEqual(await store.size('race-inbox'), 21);
    });

    it('release forgets a claim', async () => {
      await store.claim('ns', 'r', 10_000);
      await store.release('ns', 'r');
      assert.strictEqual((await store.claim('ns', 'r', 10_000)).claimed, true);
    });

    it('get/set/delete with optional expiry', async () => {
      assert.strictEqual(await store.get('kv', 'missing'), undefined);
      await store.set('kv', 'a', { cursor: '2024-01-01', n: 3 });
      assert.deepStrictEqual(await store.get('kv', 'a'), { cursor: '2024-01-01', n: 3 });
      await store.set('kv', 'short', 1, 100);
      assert.strictEqual(await store.get('kv', 'short'), 1);
      await sleep(150);
      assert.strictEqual(await store.get('kv', 'short'), undefined);
      await store.delete('kv', 'a');
      assert.strictEqual(await store.get('kv', 'a'), undefined);
    });

    it('queue: take only due items, lease hides them, ack removes, expired lease makes them due again', async () => {
      const now = Date.now();
      await store.enqueue('q', [
        { id: 'a', payload: { n: 1 }, dueAt: now - 10, attempts: 1, meta: { history: [1] } },
        { id: 'b', payload: { n: 2 }, dueAt: now - 5, attempts: 0 },
        { id: 'later', payload: { n: 3 }, dueAt: now + 60_000, attempts: 0 },
      ]);
      assert.strictEqual(await store.size('q'), 3);
      const taken = await store.take<{ n: number }>('q', 10, 100);
      assert.deepStrictEqual(taken.map((i) => i.id), ['a', 'b']);
      assert.deepStrictEqual(taken[0].payload, { n: 1 });
      assert.deepStrictEqual(taken[0].meta, { history: [1] });
      assert.strictEqual(taken[0].attempts, 1);
      assert.deepStrictEqual(await store.take('q', 10, 100), [], 'leased items are invisible');
      await store.ack('q', 'a');
      assert.strictEqual(await store.size('q'), 2);
      await sleep(150);
      const again = await store.take('q', 10, 100);
      assert.deepStrictEqual(again.map((i) => i.id), ['b'], 'expired lease is due again');
      await store.reschedule('q', { ...again[0], dueAt: Date.now() + 60_000, attempts: 2 });
      assert.deepStrictEqual(await store.take('q', 10, 100), []);
      const future = await store.take('q', 10, 100, Date.now() + 120_000);
      assert.deepStrictEqual(future.map((i) => [i.id, i.attempts]).sort(), [['b', 2], ['later', 0]]);
    });

    it('queue: enqueue with the same id replaces the item (and its lease)', async () => {
      const now = Date.now();
      await store.enqueue('q', [{ id: 'x', payload: 1, dueAt: now - 1, attempts: 0 }]);
      await store.take('q', 1, 60_000);
      await store.enqueue('q', [{ id: 'x', payload: 2, dueAt: now - 1, attempts: 5 }]);
      assert.strictEqual(await store.size('q'), 1);
      const [item] = await store.take('q', 1, 60_000);
      assert.strictEqual(item.payload, 2);
      assert.strictEqual(item.attempts, 5);
    });

    it('queue: concurrent takers (two stores) each get disjoint items', async () => {
      peer = await backend.openPeer();
      const now = Date.now();
      await store.enqueue('q', Array.from({ length: 200 }, (_, i) => ({ id: `i${i}`, payload: i, dueAt: now - 1, attempts: 0 })));
      const batches = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : (peer as StateStore)).take('q', 15, 60_000)),
      );
      const ids = batches.flat().map((i) => i.id);
      assert.strictEqual(ids.length, 200);
      assert.strictEqual(new Set(ids).size, 200);
    });

    it('dead letters: add, list in failure order, remove', async () => {
      await store.addDeadLetter('q', { id: 'd2', payload: { a: 2 }, reason: 'later', failedAt: 2000 });
      await store.addDeadLetter('q', { id: 'd1', payload: { a: 1 }, reason: 'first', failedAt: 1000, meta: { attempts: 3 } });
      const list = await store.listDeadLetters<{ a: number }>('q');
      assert.deepStrictEqual(list.map((d) => d.id), ['d1', 'd2']);
      assert.deepStrictEqual(list[0], { id: 'd1', payload: { a: 1 }, reason: 'first', failedAt: 1000, meta: { attempts: 3 } });
      assert.strictEqual((await store.listDeadLetters('q', 1)).length, 1);
      assert.strictEqual(await store.removeDeadLetter('q', 'd1'), true);
      assert.strictEqual(await store.removeDeadLetter('q', 'd1'), false);
      assert.deepStrictEqual((await store.listDeadLetters('q')).map((d) => d.id), ['d2']);
    });

    it('survives reopening (data is durable, not in memory)', async () => {
      await store.enqueue('q', [{ id: 'p', payload: 'keep', dueAt: 1, attempts: 0 }]);
      await store.claim('ns', 'kept', 60_000);
      await store.close();
      store = await backend.openPeer();
      assert.strictEqual(await store.size('q'), 1);
      assert.strictEqual((await store.claim('ns', 'kept', 60_000)).claimed, false);
    });
  });
}

describe('sqlite store: group commit', function () {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocb-gc-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('commits a burst in one transaction, visible to another connection once the promises resolve', async () => {
    const file = path.join(dir, 'gc.db');
    const store = new SqliteStateStore({ path: file });
    const raw = new Database(file, { readonly: true });
    let seenBeforeResolve = -1;
    const claims = Array.from({ length: 500 }, (_, i) => store.claim('ns', `k${i}`, 60_000));
    // Nothing is committed synchronously: the batch runs on the next turn.
    seenBeforeResolve = (raw.prepare('SELECT COUNT(*) AS n FROM claims').get() as { n: number }).n;
    const results = await Promise.all(claims);
    const after = (raw.prepare('SELECT COUNT(*) AS n FROM claims').get() as { n: number }).n;
    assert.strictEqual(seenBeforeResolve, 0);
    assert.strictEqual(after, 500);
    assert.ok(results.every((r) => r.claimed));
    raw.close();
    await store.close();
  });

  it('a failing operation rejects alone; the rest of its batch commits', async () => {
    const store = new SqliteStateStore({ path: path.join(dir, 'gc2.db') });
    const bad = store.enqueue('q', [{ id: 'x', payload: 1, dueAt: Number.NaN as unknown as number, attempts: 0 }]);
    const good = store.set('kv', 'a', 1);
    // NaN binds as NULL and violates NOT NULL.
    await assert.rejects(bad);
    await good;
    assert.strictEqual(await store.get('kv', 'a'), 1);
    assert.strictEqual(await store.size('q'), 0);
    await store.close();
  });
});
