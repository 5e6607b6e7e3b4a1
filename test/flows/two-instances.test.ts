/**
 * Issue 4 two-instance test: two Node-RED processes share one Redis store and both receive the same
 * 1,000 webhook events. Exactly 1,000 pass dedupe, and each event's retry (the step fails its first
 * attempt) is executed by exactly one of the two instances.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { deleteRedisPrefix, tmpDir, uniquePrefix, waitFor, sleep, REDIS_URL } from '../durability/helpers';
import { getJson, pool, postJson, startNodeRed, type NodeRedChild } from '../durability/process';

const N = 1000;

function sharedFlow(): unknown[] {
  const z = 'two-tab';
  const file = (id: string, envName: string, wires: string[][] = [[]]) => ({
    id, z, type: 'file', filename: envName, filenameType: 'env', appendNewline: true, createDir: true, overwriteFile: 'false', encoding: 'none', wires,
  });
  return [
    { id: z, type: 'tab', label: 'two instances' },
    { id: 't-store', type: 'state-store', backend: 'redis', url: '${REDIS_URL}', prefix: '${OCB_PREFIX}' },
    { id: 't-in', z, type: 'http in', url: '/webhook', method: 'post', wires: [['t-resp', 't-dedupe']] },
    { id: 't-resp', z, type: 'http response', statusCode: '200', wires: [] },
    { id: 't-dedupe', z, type: 'dedupe', store: 't-store', keyType: 'path', key: 'payload.eventId', ttl: 1, ttlUnits: 'hours', mode: 'key', duplicates: 'drop', wires: [['t-passed', 't-retry'], []] },
    { id: 't-passed', z, type: 'function', outputs: 1, func: "return { payload: { eventId: msg.payload.eventId, instance: env.get('INSTANCE') } };", wires: [['t-passed-file']] },
    file('t-passed-file', 'OCB_PASSED'),
    {
      id: 't-retry', z, type: 'retry', store: 't-store', maxAttempts: 5, maxTotalMs: 60000, redeliveryDelay: 200, backOffMultiplier: 2,
      maximumRedeliveryDelay: 1000, collisionAvoidanceFactor: 0.15, pollMs: 40, leaseMs: 10000, batch: 25, wires: [['t-step'], []],
    },
    {
      id: 't-step', z, type: 'function', outputs: 1,
      func: "if (msg._retry.attempt === 1) { const e = new Error('Service Unavailable'); e.code = 'OdooServerError'; e.cause = { type: 'server', retryable: true, status: 503 }; throw e; }\nreturn { payload: { eventId: msg.payload.eventId, attempt: msg._retry.attempt, instance: env.get('INSTANCE') } };",
      wires: [['t-exec-file']],
    },
    { id: 't-catch', z, type: 'catch', scope: ['t-step'], uncaught: false, wires: [['t-retry']] },
    file('t-exec-file', 'OCB_EXEC'),
  ];
}

const readLines = (file: string): any[] =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

describe('two Node-RED instances on one Redis', function () {
  this.timeout(120_000);
  let dir: string;
  let prefix: string;
  const instances: NodeRedChild[] = [];

  before(() => {
    dir = tmpDir('two');
    prefix = uniquePrefix('two');
    fs.writeFileSync(path.join(dir, 'flow.json'), JSON.stringify(sharedFlow()));
  });
  after(async () => {
    for (const nr of instances) await nr.kill();
    await deleteRedisPrefix(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const files = (name: string) => ({ passed: path.join(dir, `${name}-passed.jsonl`), exec: path.join(dir, `${name}-exec.jsonl`) });

  it('1,000 events sent to both: 1,000 pass dedupe, each retry runs on exactly one instance', async () => {
    const names = ['a', 'b'];
    const started = await Promise.all(
      names.map((name) =>
        startNodeRed({
          OCB_FLOW: path.join(dir, 'flow.json'),
          OCB_USERDIR: path.join(dir, `user-${name}`),
          INSTANCE: name,
          REDIS_URL,
          OCB_PREFIX: prefix,
          OCB_PASSED: files(name).passed,
          OCB_EXEC: files(name).exec,
        }),
      ),
    );
    instances.push(...started);
    for (const nr of instances) {
      await waitFor('flow running', async () => {
        try {
          return (await getJson(`${nr.url}/retry/t-retry/dead-letters?limit=1`)).pending === 0;
        } catch {
          return false;
        }
      }, 20_000, 50);
    }

    // Every event goes to both instances, interleaved, so the same key often arrives at both together.
    const sends: Array<{ url: string; eventId: string }> = [];
    for (let i = 0; i < N; i++) {
      const eventId = `evt-${i}`;
      const order = i % 2 ? [1, 0] : [0, 1];
      for (const k of order) sends.push({ url: `${instances[k].url}/webhook`, eventId });
    }
    await pool(sends, 32, async (s) => {
      const r = await postJson(s.url, { eventId: s.eventId, provider: 'hubspot', objectId: 1 });
      assert.strictEqual(r.status, 200);
    });

    const all = (kind: 'passed' | 'exec') => names.flatMap((n) => readLines(files(n)[kind]));
    await waitFor('1,000 retries executed', () => new Set(all('exec').map((e) => e.eventId)).size === N, 60_000, 100);
    await waitFor('shared queue drained', async () => (await getJson(`${instances[0].url}/retry/t-retry/dead-letters?limit=1`)).pending === 0, 10_000, 100);
    await sleep(1000);

    const passed = all('passed');
    assert.strictEqual(passed.length, N, 'exactly 1,000 passed dedupe');
    assert.strictEqual(new Set(passed.map((p) => p.eventId)).size, N);

    const exec = all('exec');
    assert.strictEqual(exec.length, N, 'each retry executed exactly once');
    assert.strictEqual(new Set(exec.map((e) => e.eventId)).size, N);
    assert.ok(exec.every((e) => e.attempt === 2));
    const perInstance = names.map((n) => readLines(files(n).exec).length);
    assert.ok(perInstance.every((c) => c > 0), `both instances executed retries: ${perInstance.join('/')}`);
    const dead = await getJson(`${instances[1].url}/retry/t-retry/dead-letters`);
    assert.deepStrictEqual(dead.deadLetters, []);
  });
});
