/**
 * Fault injection: the controller on its own (validation, determinism, outage window) and through
 * the server on every protocol (latency, 5xx share, resets, 429 + Retry-After, concurrent update,
 * outage), plus the admin endpoints /sandbox/faults, /sandbox/health and /sandbox/reset.
 */
import assert from 'assert';
import { FaultController, validateFaults } from '../../../sandbox/odoo/faults';
import { startOdooSandbox, OdooSandbox } from '../../../sandbox/odoo/server';
import type { SandboxUser } from '../../../sandbox/odoo/types';
import { json2, jsonrpc, request, xmlrpc } from './http-helpers';

describe('FaultController', () => {
  it('is off by default and passes every call', () => {
    const f = new FaultController();
    assert.strictEqual(f.enabled(), false);
    for (let i = 0; i < 50; i++) assert.deepStrictEqual(f.decide(), { delayMs: 0, action: { kind: 'pass' } });
    assert.strictEqual(f.concurrentUpdate(), false);
    assert.strictEqual(f.stats.calls, 50);
  });
  it('validates settings', () => {
    for (const bad of [{ failRate: 1.5 }, { failRate: '0.1' }, { latencyMs: -1 }, { nope: 1 }, { failStatuses: [404] }, { outageMode: 'x' }, { outageMs: -2 }, [], null]) {
      assert.throws(() => validateFaults(bad), Error, JSON.stringify(bad));
    }
    assert.deepStrictEqual(validateFaults({ failRate: 0.2, failStatuses: [502], outageMs: -1 }), { failRate: 0.2, failStatuses: [502], outageMs: -1 });
  });
  it('draws shares deterministically from the seed', () => {
    const run = (seed: number): string[] => {
      const f = new FaultController({ failRate: 0.3, resetRate: 0.1, rateLimitRate: 0.1, seed });
      return Array.from({ length: 200 }, () => {
        const a = f.decide().action;
        return a.kind === 'status' ? String(a.status) : a.kind;
      });
    };
    const a = run(7);
    assert.deepStrictEqual(run(7), a);
    assert.notDeepStrictEqual(run(8), a);
    const count = (k: string) => a.filter((x) => x === k).length;
    // 200 draws: each outcome occurs, roughly in proportion (loose bounds, fixed seed).
    assert.ok(count('pass') > 80 && count('pass') < 160, `pass ${count('pass')}`);
    assert.ok(count('reset') > 5 && count('429') > 5 && count('503') + count('502') > 20);
  });
  it('outage window: refused until it ends, or until cleared', () => {
    let now = 1_000_000;
    const f = new FaultController(undefined, () => now);
    f.set({ outageMs: 500, outageMode: '503', retryAfterS: 2 });
    assert.deepStrictEqual(f.decide().action, { kind: 'status', status: 503, headers: { 'Retry-After': '2' }, reason: 'outage' });
    now += 499;
    assert.strictEqual(f.get().outageActive, true);
    now += 1;
    assert.strictEqual(f.decide().action.kind, 'pass');
    f.set({ outageMs: -1, outageMode: 'reset' });
    now += 1e9;
    assert.strictEqual(f.decide().action.kind, 'reset');
    assert.strictEqual(f.get().outageRemainingMs, null);
    f.clear();
    assert.strictEqual(f.decide().action.kind, 'pass');
    assert.strictEqual(f.stats.outageRejected, 2);
  });
  it('per-second limit answers 429 beyond N calls in a second', () => {
    let now = 5_000;
    const f = new FaultController({ rateLimitPerSecond: 3, retryAfterS: 4 }, () => now);
    const kinds = Array.from({ length: 5 }, () => f.decide().action);
    assert.deepStrictEqual(kinds.map((k) => k.kind), ['pass', 'pass', 'pass', 'status', 'status']);
    assert.deepStrictEqual((kinds[3] as { headers: Record<string, string> }).headers, { 'Retry-After': '4' });
    now += 1000;
    assert.strictEqual(f.decide().action.kind, 'pass');
  });
});

describe('fault injection through the server', function () {
  let sb: OdooSandbox;
  let admin: SandboxUser;
  const version = () => request(sb.url, '/web/version');
  const xmlVersion = () => request(sb.url, '/xmlrpc/2/common', { body: "<?xml version='1.0'?><methodCall><methodName>version</methodName></methodCall>" });
  const jsonVersion = () => request(sb.url, '/jsonrpc', { body: JSON.stringify({ params: { service: 'common', method: 'version', args: [] } }) });
  const j2Count = () => request(sb.url, '/json/2/res.partner/search_count', { body: '{"domain": []}', headers: { Authorization: `bearer ${admin.apiKey}` } });

  before(async () => {
    sb = await startOdooSandbox({ port: 0, quiet: true, faults: { latencyMs: 1 } });
    admin = sb.users.find((u) => u.login === 'admin') as SandboxUser;
  });
  afterEach(() => {
    sb.faults.clear();
    sb.faults.resetStats();
  });
  after(async () => {
    await sb?.close();
  });

  it('takes its initial settings from the start options', () => {
    // Set by the `faults` start option (and cleared by afterEach for the other tests).
    assert.strictEqual(sb.faults.get().latencyMs, 1);
  });

  it('adds latency', async () => {
    sb.faults.set({ latencyMs: 120 });
    const t0 = Date.now();
    const r = await xmlVersion();
    assert.strictEqual(r.status, 200);
    assert.ok(Date.now() - t0 >= 100, 'the call was delayed');
    assert.strictEqual(sb.faults.stats.delayed, 1);
  });

  it('fails a share of calls with 5xx, repeatably for a seed, on every protocol', async () => {
    sb.faults.set({ failRate: 0.5, failStatuses: [503], seed: 42 });
    const first: number[] = [];
    for (let i = 0; i < 16; i++) first.push((await version()).status);
    sb.faults.set({ seed: 42 });
    const second: number[] = [];
    for (let i = 0; i < 16; i++) second.push((await version()).status);
    assert.deepStrictEqual(second, first);
    assert.ok(first.includes(503) && first.includes(200), first.join(','));
    assert.strictEqual(sb.faults.stats.failed5xx, first.filter((s) => s === 503).length * 2);

    sb.faults.set({ failRate: 1, failStatuses: [502] });
    for (const call of [xmlVersion, jsonVersion, j2Count]) {
      const r = await call();
      assert.strictEqual(r.status, 502);
      assert.match(r.body, /502 Bad Gateway/);
    }
  });

  it('resets connections', async () => {
    sb.faults.set({ resetRate: 1 });
    await assert.rejects(xmlVersion(), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message));
    await assert.rejects(j2Count(), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message));
    assert.strictEqual(sb.faults.stats.resets, 2);
    sb.faults.clear();
    assert.strictEqual((await xmlVersion()).status, 200);
  });

  it('answers 429 with Retry-After, as a share or beyond a per-second limit', async () => {
    sb.faults.set({ rateLimitRate: 1, retryAfterS: 7 });
    for (const call of [xmlVersion, jsonVersion, j2Count]) {
      const r = await call();
      assert.strictEqual(r.status, 429);
      assert.strictEqual(r.headers['retry-after'], '7');
    }
    sb.faults.clear();
    sb.faults.set({ rateLimitPerSecond: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await version()).status);
    // Five quick calls span at most two one-second windows, so at least one is over the limit.
    assert.ok(statuses.includes(429) && statuses.filter((s) => s === 200).length >= 2, statuses.join(','));
  });

  it("fails object calls with Odoo's concurrent-update error, changing nothing", async () => {
    const [before] = (await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'read', [[1], ['name']]])).result;
    sb.faults.set({ concurrentUpdateRate: 1 });
    // common is not affected
    assert.strictEqual((await xmlVersion()).status, 200);
    const x = await xmlrpc(sb.url, '/xmlrpc/2/object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'write', [[1], { name: 'Changed' }]]);
    assert.ok(x.fault);
    assert.strictEqual((x as { faultCode: unknown }).faultCode, 1);
    assert.match(String((x as { faultString: unknown }).faultString), /\npsycopg2\.errors\.SerializationFailure: could not serialize access due to concurrent update\n/);
    const j = await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'write', [[1], { name: 'Changed' }]]);
    assert.strictEqual(j.error.data.name, 'psycopg2.errors.SerializationFailure');
    const k = await json2(sb.url, 'res.partner', 'write', { ids: [1], vals: { name: 'Changed' } }, admin.apiKey);
    assert.strictEqual(k.status, 500);
    assert.strictEqual(k.json.name, 'psycopg2.errors.SerializationFailure');
    assert.strictEqual(sb.faults.stats.concurrentUpdates, 3);

    sb.faults.set({ concurrentUpdateKind: 'lock' });
    const lock = await json2(sb.url, 'res.partner', 'write', { ids: [1], vals: { name: 'Changed' } }, admin.apiKey);
    assert.strictEqual(lock.status, 409);
    assert.strictEqual(lock.json.name, 'odoo.exceptions.LockError');
    const lockX = await xmlrpc(sb.url, '/xmlrpc/2/object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'write', [[1], { name: 'Changed' }]]);
    assert.strictEqual((lockX as { faultCode: unknown }).faultCode, 2);

    sb.faults.clear();
    const [after] = (await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'read', [[1], ['name']]])).result;
    assert.deepStrictEqual(after, before);
  });

  it('outage window: every API call refused (503 or reset), admin endpoints still answer', async () => {
    sb.faults.set({ outageMs: -1, outageMode: '503', retryAfterS: 3 });
    for (const call of [xmlVersion, jsonVersion, j2Count, version]) {
      const r = await call();
      assert.strictEqual(r.status, 503);
      assert.strictEqual(r.headers['retry-after'], '3');
    }
    assert.strictEqual((await request(sb.url, '/sandbox/health')).status, 200);
    sb.faults.clear();
    assert.strictEqual((await version()).status, 200);

    sb.faults.set({ outageMs: 300 });
    await assert.rejects(version(), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message));
    await new Promise((r) => setTimeout(r, 400));
    assert.strictEqual((await version()).status, 200);
  });

  it('admin endpoint /sandbox/faults: POST sets, GET shows config and stats, DELETE clears, bad input is 400', async () => {
    const set = await request(sb.url, '/sandbox/faults', { body: JSON.stringify({ failRate: 1, failStatuses: [503] }) });
    assert.strictEqual(set.status, 200);
    assert.strictEqual(JSON.parse(set.body).config.failRate, 1);
    assert.strictEqual((await version()).status, 503);
    const got = JSON.parse((await request(sb.url, '/sandbox/faults')).body);
    assert.strictEqual(got.config.enabled, true);
    assert.strictEqual(got.stats.failed5xx, 1);
    for (const bad of ['{"failRate": 2}', '{"bogus": 1}', '{nope', '[1]']) {
      const r = await request(sb.url, '/sandbox/faults', { body: bad });
      assert.strictEqual(r.status, 400, bad);
      assert.ok(JSON.parse(r.body).error);
    }
    assert.strictEqual(sb.faults.get().failRate, 1, 'a rejected update changes nothing');
    const del = await request(sb.url, '/sandbox/faults', { method: 'DELETE' });
    assert.strictEqual(JSON.parse(del.body).config.enabled, false);
    assert.strictEqual((await version()).status, 200);
    await request(sb.url, '/sandbox/faults', { body: JSON.stringify({ rateLimitRate: 1 }) });
    const cleared = await request(sb.url, '/sandbox/faults', { body: JSON.stringify({ clear: true, latencyMs: 0 }) });
    assert.strictEqual(JSON.parse(cleared.body).config.rateLimitRate, 0);
  });

  it('/sandbox/health and /sandbox/reset (seed reloaded, credentials kept)', async () => {
    const h = JSON.parse((await request(sb.url, '/sandbox/health')).body);
    assert.deepStrictEqual([h.status, h.db, h.version], ['ok', 'demo', 19]);
    const id = (await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'create', [{ name: 'Before reset' }]])).result;
    assert.strictEqual(typeof id, 'number');
    const oldDb = sb.database;
    const keysBefore = sb.users.map((u) => `${u.login}:${u.apiKey}`).sort();
    const r = await request(sb.url, '/sandbox/reset', { method: 'POST', body: '' });
    assert.strictEqual(r.status, 200);
    assert.notStrictEqual(sb.database, oldDb);
    const found = await json2(sb.url, 'res.partner', 'search', { domain: [['name', '=', 'Before reset']] }, admin.apiKey);
    assert.deepStrictEqual([found.status, found.json], [200, []]);
    assert.deepStrictEqual(sb.users.map((u) => `${u.login}:${u.apiKey}`).sort(), keysBefore);
    assert.strictEqual((await request(sb.url, '/sandbox/reset')).status, 405);
  });
});
