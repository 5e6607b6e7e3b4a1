import assert from 'assert';
import type { OdooSandbox } from '../../../sandbox/odoo/server';
import {
  OdooAccessError,
  OdooAuthError,
  OdooClient,
  OdooDomainError,
  OdooError,
  OdooMissingError,
  OdooTransientError,
  OdooUnknownFieldError,
  OdooUnknownMethodError,
  OdooUnknownModelError,
  OdooValidationError,
} from '../../../lib/odoo';
import { integrationUser, startTestSandbox } from './sandbox';

const TAG = `t${Date.now().toString(36)}`;

async function rejects<T extends OdooError>(p: Promise<unknown>, cls: new (...a: never[]) => T): Promise<T> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    const err = e as T;
    // Contract: own properties code (class name) and cause (plain object).
    assert.ok(Object.prototype.hasOwnProperty.call(err, 'code'));
    assert.ok(Object.prototype.hasOwnProperty.call(err, 'cause'));
    assert.strictEqual(err.code, cls.name);
    assert.strictEqual(typeof err.cause.retryable, 'boolean');
    assert.doesNotThrow(() => JSON.stringify(err.cause));
    return err;
  }
  assert.fail(`expected ${cls.name}, but the call succeeded`);
}

for (const protocol of ['xmlrpc', 'json2'] as const) {
  describe(`OdooClient over ${protocol}`, function () {
    let sb: OdooSandbox;
    let client: OdooClient;
    const mk = (extra: Partial<ConstructorParameters<typeof OdooClient>[0]> = {}) => {
      const u = integrationUser(sb);
      return new OdooClient({ url: sb.url, db: 'demo', username: u.login, password: protocol === 'json2' ? u.apiKey : u.password, protocol, timeoutMs: 5000, retry: { baseDelayMs: 5, maxDelayMs: 50 }, ...extra });
    };

    before(async () => {
      sb = await startTestSandbox(19);
      client = mk();
    });
    after(async () => {
      await client.close();
      await sb.close();
    });
    afterEach(() => sb.faults.clear());

    it('authenticates once and keeps the uid', async () => {
      const auth = await client.authenticate();
      assert.strictEqual(auth.protocol, protocol);
      assert.strictEqual(auth.uid, integrationUser(sb).uid);
      assert.match(auth.serverVersion, /^19/);
      await client.searchCount('res.partner', []);
      await client.searchCount('res.partner', []);
      assert.strictEqual(client.stats.authentications, 1);
    });

    it('creates, reads, writes and deletes', async () => {
      const id = (await client.executeKw('res.partner', 'create', [{ name: `${TAG} one`, email: 'one@example.com' }])) as number;
      assert.ok(Number.isInteger(id));
      const ids = await client.createMany('res.partner', [{ name: `${TAG} two` }, { name: `${TAG} three` }]);
      assert.strictEqual(ids.length, 2);
      await client.write('res.partner', [id], { phone: '+32 2 555 00 00' });
      const rows = await client.read('res.partner', [id], ['name', 'phone']);
      assert.strictEqual(rows[0].phone, '+32 2 555 00 00');
      const found = await client.searchRead('res.partner', [['name', 'like', TAG]], { fields: ['name'], order: 'id asc' });
      assert.deepStrictEqual(found.map((r) => r.id), [id, ...ids]);
      const ns = (await client.executeKw('res.partner', 'name_search', [`${TAG} thr`])) as unknown[][];
      assert.deepStrictEqual(ns.map((r) => r[0]), [ids[1]]);
      // The integration user may not delete contacts (as in Odoo without "Contact Creation" rights).
      await rejects(client.unlink('res.partner', ids), OdooAccessError);
      const admin = sb.users.find((u) => u.login === 'admin') ?? integrationUser(sb);
      const adm = mk({ username: admin.login, password: protocol === 'json2' ? admin.apiKey : admin.password });
      await adm.unlink('res.partner', ids);
      await adm.close();
      await rejects(client.read('res.partner', ids, ['name']), OdooMissingError);
    });

    it('fields_get answers the field descriptions', async () => {
      const f = await client.fieldsGet('res.partner', ['type', 'string']);
      assert.strictEqual(f.email.type, 'char');
    });

    it('classifies bad credentials as OdooAuthError', async () => {
      const bad = mk({ password: 'wrong-password' });
      const e = await rejects(bad.searchCount('res.partner', []), OdooAuthError);
      assert.strictEqual(e.retryable, false);
      await bad.close();
    });

    it('re-authenticates once when the session stops working', async () => {
      const c = mk();
      await c.authenticate();
      (c as unknown as { uid: number }).uid = 987654; // as if the user had changed server-side
      if (protocol === 'json2') (c as unknown as { uid: number }).uid = 987654;
      const n = await c.searchCount('res.partner', []);
      assert.ok(typeof n === 'number');
      if (protocol === 'xmlrpc') assert.strictEqual(c.stats.authentications, 2);
      await c.close();
    });

    it('classifies access, validation, missing, unknown model/field/method and domain errors', async () => {
      const acc = await rejects(client.executeKw('res.partner', '_private_thing', [[1]]), OdooAccessError);
      assert.strictEqual(acc.model, 'res.partner');
      assert.strictEqual(acc.method, '_private_thing');
      const val = await rejects(client.executeKw('res.partner', 'create', [{ email: 'no-name@example.com' }]), OdooValidationError);
      assert.ok(val.odooMessage && !/Traceback/.test(val.odooMessage));
      await rejects(client.executeKw('res.partner', 'write', [[99999999], { name: 'x' }]), OdooMissingError);
      await rejects(client.executeKw('no.such.model', 'search_read', [[]]), OdooUnknownModelError);
      await rejects(client.executeKw('res.partner', 'read', [[1]], { fields: ['no_such_field'] }).catch(async (e) => {
        // Unknown field in read, or the record may not exist in this database: create one to read.
        if (e instanceof OdooMissingError) {
          const id = await client.executeKw('res.partner', 'create', [{ name: `${TAG} f` }]);
          return client.executeKw('res.partner', 'read', [[id]], { fields: ['no_such_field'] });
        }
        throw e;
      }), OdooUnknownFieldError);
      const dom = await rejects(client.searchRead('res.partner', [['no_such_field', '=', 1]]), OdooDomainError);
      assert.ok(!/Traceback/.test(dom.odooMessage ?? ''), 'no traceback in odooMessage');
      assert.ok(/no_such_field/.test(dom.odooMessage ?? ''));
      await rejects(client.executeKw('res.partner', 'no_such_method', [[1]]), OdooUnknownMethodError);
    });

    it('pages search_read by id cursor', async () => {
      const ids = await client.createMany('res.partner', Array.from({ length: 23 }, (_, i) => ({ name: `${TAG} page ${i}` })));
      const pages: number[][] = [];
      for await (const page of client.searchReadPages('res.partner', [['name', 'like', `${TAG} page`]], { fields: ['name'], pageSize: 10 })) {
        pages.push(page.map((r) => Number(r.id)));
      }
      assert.deepStrictEqual(pages.map((p) => p.length), [10, 10, 3]);
      assert.deepStrictEqual(pages.flat(), ids);
      const off: number[] = [];
      for await (const page of client.searchReadPages('res.partner', [['name', 'like', `${TAG} page`]], { fields: ['name'], pageSize: 7, order: 'name desc', limit: 20 })) {
        off.push(...page.map((r) => Number(r.id)));
      }
      assert.strictEqual(off.length, 20);
      assert.strictEqual(new Set(off).size, 20);
    });

    it('createMany sends one call for the whole batch', async () => {
      const before = client.stats.calls;
      const ids = await client.createMany('res.partner', Array.from({ length: 40 }, (_, i) => ({ name: `${TAG} bulk ${i}` })));
      assert.strictEqual(ids.length, 40);
      assert.strictEqual(client.stats.calls - before, 1);
    });

    it('retries 5xx bursts and connection resets of reads', async () => {
      sb.faults.set({ failRate: 0.4, resetRate: 0.2, seed: 7 });
      const c = mk({ retry: { attempts: 8, baseDelayMs: 1, maxDelayMs: 5 } });
      for (let i = 0; i < 15; i++) assert.ok(typeof (await c.searchCount('res.partner', [])) === 'number');
      assert.ok(c.stats.retries > 0, 'some calls were retried');
      await c.close();
    });

    it('honours 429 Retry-After', async () => {
      sb.faults.set({ rateLimitRate: 1, retryAfterS: 1 });
      const c = mk({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 200 } });
      await c.authenticate().catch(() => undefined);
      // Retry-After (1000 ms) is longer than the client will wait: thrown at once, with the wait.
      const e = await rejects(c.searchCount('res.partner', []), OdooTransientError);
      assert.strictEqual(e.cause.status, 429);
      assert.strictEqual(e.retryAfterMs, 1000);
      assert.strictEqual(e.cause.attempts, 1);
      await c.close();
      sb.faults.clear();
      sb.faults.set({ rateLimitRate: 0.5, retryAfterS: 0, seed: 3 });
      const c2 = mk({ retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 100 } });
      for (let i = 0; i < 6; i++) await c2.searchCount('res.partner', []);
      assert.ok(c2.stats.retries > 0);
      await c2.close();
    });

    it('does not repeat a create after a connection reset (it may have been applied)', async () => {
      await client.authenticate();
      sb.faults.set({ resetRate: 1 });
      const e = await rejects(client.executeKw('res.partner', 'create', [{ name: `${TAG} reset` }]), OdooTransientError);
      assert.strictEqual(e.cause.networkCode, 'ECONNRESET');
      assert.strictEqual(e.cause.attempts, 1);
      assert.strictEqual(e.retryable, true);
    });

    it('fails with OdooTransientError during an outage and recovers after it', async () => {
      await client.authenticate();
      sb.faults.set({ outageMs: -1, outageMode: 'reset' });
      const e = await rejects(client.searchCount('res.partner', []), OdooTransientError);
      assert.strictEqual(e.cause.attempts, 4);
      sb.faults.clear();
      assert.ok(typeof (await client.searchCount('res.partner', [])) === 'number');
      // A 503 outage certainly did nothing: even a create is retried through a short one.
      sb.faults.set({ outageMs: 30, outageMode: '503', retryAfterS: 0 });
      const c = mk({ retry: { attempts: 10, baseDelayMs: 10, maxDelayMs: 40 } });
      await c.authenticate().catch(() => undefined);
      const id = await c.executeKw('res.partner', 'create', [{ name: `${TAG} after outage` }]);
      assert.ok(Number.isInteger(id));
      await c.close();
    });

    it('retries concurrent-update errors and reports them as transient when they persist', async () => {
      await client.authenticate();
      sb.faults.set({ concurrentUpdateRate: 1, concurrentUpdateKind: protocol === 'json2' ? 'lock' : 'serialization' });
      const e = await rejects(client.executeKw('res.partner', 'create', [{ name: `${TAG} cu` }]), OdooTransientError);
      assert.strictEqual(e.cause.attempts, 4);
      if (protocol === 'json2') assert.strictEqual(e.cause.status, 409);
      sb.faults.set({ concurrentUpdateRate: 0.5, seed: 11 });
      const id = await client.executeKw('res.partner', 'create', [{ name: `${TAG} cu ok` }]);
      assert.ok(Number.isInteger(id));
    });

    it('times out a call that gets no answer', async () => {
      const c = mk({ timeoutMs: 150, retry: { attempts: 1 } });
      await c.authenticate();
      sb.faults.set({ latencyMs: 600 });
      const e = await rejects(c.searchCount('res.partner', []), OdooTransientError);
      assert.strictEqual(e.cause.networkCode, 'ETIMEDOUT');
      await c.close();
    });

    it('caps the calls in flight and queues the rest', async () => {
      const c = mk({ maxInFlight: 2 });
      await c.authenticate();
      sb.faults.set({ latencyMs: 40 });
      const calls = Array.from({ length: 6 }, () => c.searchCount('res.partner', []));
      await new Promise((r) => setImmediate(r));
      assert.strictEqual(c.stats.inFlight, 2);
      assert.strictEqual(c.stats.queued, 4);
      await Promise.all(calls);
      assert.strictEqual(c.stats.inFlight, 0);
      await c.close();
    });

    it('close() fails the waiting calls with OdooClosedError', async () => {
      const c = mk({ maxInFlight: 1 });
      await c.authenticate();
      sb.faults.set({ latencyMs: 50 });
      const a = c.searchCount('res.partner', []);
      const b = c.searchCount('res.partner', []);
      await new Promise((r) => setImmediate(r));
      await c.close();
      const results = await Promise.allSettled([a, b]);
      assert.ok(results.some((r) => r.status === 'rejected' && (r.reason as OdooError).code === 'OdooClosedError'));
    });
  });
}

describe('OdooClient protocol auto', function () {
  let sb19: OdooSandbox;
  let sb17: OdooSandbox;
  before(async () => {
    sb19 = await startTestSandbox(19);
    sb17 = await startTestSandbox(17);
  });
  after(async () => {
    await sb19.close();
    await sb17.close();
  });

  it('uses JSON-2 on 19 with an API key', async () => {
    const u = integrationUser(sb19);
    const c = new OdooClient({ url: sb19.url, db: 'demo', username: u.login, password: u.apiKey });
    assert.strictEqual((await c.authenticate()).protocol, 'json2');
    await c.close();
  });

  it('falls back to XML-RPC on 19 when the password is not an API key', async () => {
    const u = integrationUser(sb19);
    const c = new OdooClient({ url: sb19.url, db: 'demo', username: u.login, password: u.password });
    assert.strictEqual((await c.authenticate()).protocol, 'xmlrpc');
    await c.close();
  });

  it('uses XML-RPC on 17', async () => {
    const u = integrationUser(sb17);
    const c = new OdooClient({ url: sb17.url, db: 'demo', username: u.login, password: u.apiKey });
    const auth = await c.authenticate();
    assert.strictEqual(auth.protocol, 'xmlrpc');
    assert.match(auth.serverVersion, /^17/);
    assert.strictEqual(typeof (await c.searchCount('res.partner', [])), 'number');
    await c.close();
  });

  it('a refused server gives OdooTransientError ECONNREFUSED', async () => {
    const c = new OdooClient({ url: 'http://127.0.0.1:1', db: 'demo', username: 'x', password: 'y', retry: { attempts: 2, baseDelayMs: 1 } });
    const e = await rejects(c.authenticate(), OdooTransientError);
    assert.strictEqual(e.cause.networkCode, 'ECONNREFUSED');
    await c.close();
  });
});
