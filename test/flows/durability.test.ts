/**
 * Issue 4 durability test: 1,000 messages are scheduled for retry while the step is failing, Node-RED is
 * killed with SIGKILL and restarted; once the fault clears all 1,000 are delivered, none twice.
 * Runs Node-RED as a child process (test/durability/runner.js over dist/, so `npm run build` first).
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { closeAllEmbeddedStores } from '../../nodes/shared/store';
import { tmpDir, waitFor, sleep } from '../durability/helpers';
import { getJson, postJson, startNodeRed, type NodeRedChild } from '../durability/process';

const N = 1000;

function durabilityFlow(deliveredFile: string): unknown[] {
  const z = 'dur-tab';
  return [
    { id: z, type: 'tab', label: 'durability' },
    { id: 'd-load-in', z, type: 'http in', url: '/load', method: 'post', wires: [['d-load-resp', 'd-split']] },
    { id: 'd-load-resp', z, type: 'http response', statusCode: '200', wires: [] },
    { id: 'd-split', z, type: 'function', outputs: 1, func: 'for (let i = 0; i < msg.payload.count; i++) node.send({ payload: { id: i } });\nreturn null;', wires: [['r1']] },
    {
      id: 'r1', z, type: 'retry', name: 'durable retry', maxAttempts: 0, maxTotalMs: 0, redeliveryDelay: 150, backOffMultiplier: 1.5,
      maximumRedeliveryDelay: 600, collisionAvoidanceFactor: 0.15, pollMs: 50, leaseMs: 2000, batch: 250, wires: [['d-step'], []],
    },
    // Fault on unless the flow was told otherwise since this process started (a restart starts faulty).
    {
      id: 'd-step', z, type: 'function', outputs: 1,
      func: "if (global.get('faultOff') !== true) { const e = new Error('connect ECONNREFUSED 127.0.0.1:8069'); e.code = 'ECONNREFUSED'; throw e; }\nmsg.payload = { id: msg.payload.id, attempt: msg._retry.attempt, at: Date.now() };\nreturn msg;",
      wires: [['d-deliver']],
    },
    { id: 'd-catch', z, type: 'catch', scope: ['d-step'], uncaught: false, wires: [['r1']] },
    // Deliveries appended as JSON lines (sequential, no network in between to blur the count).
    { id: 'd-deliver', z, type: 'file', filename: deliveredFile, filenameType: 'str', appendNewline: true, createDir: true, overwriteFile: 'false', encoding: 'none', wires: [[]] },
    { id: 'd-fault-in', z, type: 'http in', url: '/fault-off', method: 'post', wires: [['d-fault-set']] },
    { id: 'd-fault-set', z, type: 'change', rules: [{ t: 'set', p: 'faultOff', pt: 'global', to: 'true', tot: 'bool' }], wires: [['d-fault-resp']] },
    { id: 'd-fault-resp', z, type: 'http response', statusCode: '200', wires: [] },
  ];
}

describe('durability: 1,000 scheduled retries survive kill -9', function () {
  this.timeout(120_000);
  let dir: string;
  let nr: NodeRedChild | undefined;

  before(async () => {
    dir = tmpDir('durability');
    fs.writeFileSync(path.join(dir, 'flow.json'), JSON.stringify(durabilityFlow(deliveredFile())));
  });
  after(async () => {
    if (nr) await nr.kill();
    await closeAllEmbeddedStores();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deliveredFile = () => path.join(dir, 'delivered.jsonl');
  const delivered = (): Array<{ id: number; attempt: number }> =>
    fs.existsSync(deliveredFile())
      ? fs.readFileSync(deliveredFile(), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      : [];
  const env = () => ({ OCB_FLOW: path.join(dir, 'flow.json'), OCB_USERDIR: path.join(dir, 'user') });
  // -1 until the flow is running.
  const pending = async (): Promise<number> => {
    try {
      return (await getJson(`${nr!.url}/retry/r1/dead-letters?limit=1`)).pending as number;
    } catch {
      return -1;
    }
  };

  it('delivers every message exactly once after SIGKILL and restart', async () => {
    nr = await startNodeRed(env());
    await waitFor('flow running', async () => (await pending()) === 0, 20_000, 50);
    const load = await postJson(`${nr.url}/load`, { count: N });
    assert.strictEqual(load.status, 200);
    await waitFor('1,000 scheduled retries', async () => (await pending()) === N, 30_000, 100);
    // Let a few retry rounds run (some items are leased / in flight when the kill lands).
    await sleep(700);
    await nr.kill();
    assert.deepStrictEqual(delivered(), [], 'nothing delivered while faulty');

    nr = await startNodeRed(env());
    await waitFor('flow running again', async () => (await pending()) >= 0, 20_000, 50);
    assert.strictEqual(await pending(), N, 'all 1,000 still scheduled after kill -9');
    await sleep(300);
    assert.strictEqual((await postJson(`${nr.url}/fault-off`, {})).status, 200);
    await waitFor('1,000 deliveries', () => new Set(delivered().map((b) => b.id)).size === N, 60_000, 100);
    await waitFor('queue drained', async () => (await pending()) === 0, 10_000, 100);
    // Longer than a lease: an item taken before the kill would come back now if it were going to.
    await sleep(2500);
    const all = delivered();
    const counts = new Map<number, number>();
    for (const b of all) counts.set(b.id, (counts.get(b.id) ?? 0) + 1);
    const twice = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
    assert.deepStrictEqual(twice.map((id) => all.filter((b) => b.id === id)), [], 'none delivered twice');
    assert.strictEqual(counts.size, N);
    assert.strictEqual(all.length, N);
    assert.ok(all.every((b) => b.attempt >= 2), 'every delivery is a retry from the store');
    const dl = await getJson(`${nr.url}/retry/r1/dead-letters`);
    assert.deepStrictEqual(dl.deadLetters, []);
  });
});
