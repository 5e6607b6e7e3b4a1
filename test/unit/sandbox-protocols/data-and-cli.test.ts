/** --data load/save round trip, and the `npm run sandbox` CLI (flags, banner, CRM sandbox, save on SIGTERM). */
import assert from 'assert';
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from '../../../sandbox/cli';
import { startOdooSandbox } from '../../../sandbox/odoo/server';
import type { SandboxUser } from '../../../sandbox/odoo/types';
import { json2, jsonrpc, xmlrpc } from './http-helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('sandbox data file', function () {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-sandbox-data-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves on close and loads on the next start (records, sequences and API keys)', async () => {
    const file = path.join(dir, 'odoo.json');
    const a = await startOdooSandbox({ port: 0, quiet: true, dataFile: file });
    const admin = a.users.find((u) => u.login === 'admin') as SandboxUser;
    const created = await json2(a.url, 'res.partner', 'create', { vals_list: [{ name: 'Persisted Partner' }] }, admin.apiKey);
    assert.strictEqual(created.status, 200);
    const [id] = created.json;
    assert.ok(!fs.existsSync(file), 'nothing written before close');
    await a.close();
    assert.ok(fs.existsSync(file));
    JSON.parse(fs.readFileSync(file, 'utf8'));

    const b = await startOdooSandbox({ port: 0, quiet: true, dataFile: file });
    try {
      assert.deepStrictEqual(b.users.map((u) => u.apiKey), a.users.map((u) => u.apiKey));
      const found = await json2(b.url, 'res.partner', 'read', { ids: [id], fields: ['name'] }, admin.apiKey);
      assert.deepStrictEqual(found.json, [{ id, name: 'Persisted Partner' }]);
      const next = await jsonrpc(b.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'create', [{ name: 'After reload' }]]);
      assert.ok(next.result > id, 'ids continue after the loaded ones');
    } finally {
      await b.close();
    }
  });
});

describe('sandbox CLI', function () {
  this.timeout(60000);

  it('parses flags', () => {
    const o = parseArgs(['--odoo-version', '17', '--port=0', '--data', 'x.json', '--latency-ms', '5', '--fail-rate', '0.1', '--fail-status', '502,504',
      '--reset-rate', '0.05', '--rate-limit', '10', '--rate-limit-rate', '0.2', '--retry-after', '3', '--concurrent-update-rate', '0.5',
      '--concurrent-update-kind', 'lock', '--outage-ms', '1000', '--outage-mode', '503', '--fault-seed', '9', '--no-crm'], {});
    assert.strictEqual(o.version, 17);
    assert.strictEqual(o.port, 0);
    assert.strictEqual(o.dataFile, path.resolve('x.json'));
    assert.strictEqual(o.crm, false);
    assert.deepStrictEqual(o.faults, {
      latencyMs: 5, failRate: 0.1, failStatuses: [502, 504], resetRate: 0.05, rateLimitPerSecond: 10, rateLimitRate: 0.2, retryAfterS: 3,
      concurrentUpdateRate: 0.5, concurrentUpdateKind: 'lock', outageMs: 1000, outageMode: '503', seed: 9,
    });
    const d = parseArgs([], { ODOO_SANDBOX_PORT: '9001', CRM_SANDBOX_PORT: '9002' });
    assert.deepStrictEqual([d.version, d.port, d.crmPort, d.crm, d.dataFile], [19, 9001, 9002, true, undefined]);
    assert.throws(() => parseArgs(['--odoo-version', '16'], {}), /17, 18 or 19/);
    assert.throws(() => parseArgs(['--port', 'abc'], {}), /--port needs a number/);
    assert.throws(() => parseArgs(['--bogus'], {}), /unknown option --bogus/);
  });

  it('prints URL, database, users and keys, starts the CRM sandbox, and saves --data on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-sandbox-cli-'));
    const file = path.join(dir, 'data.json');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sandbox', 'cli.ts'), '--port', '0', '--crm-port', '0', '--data', file, '--odoo-version', '18'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 45000;
      const crmBuilt = fs.existsSync(path.join(ROOT, 'sandbox', 'crm', 'server.ts'));
      const started = () => /integration \/ integration \/ \S+/.test(out) && (!crmBuilt || /CRM[^\n]*http:\/\/127\.0\.0\.1:\d+/i.test(out));
      while (!started()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`CLI did not start:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] as string;
      assert.ok(url, out);
      assert.match(out, /database: demo/);
      assert.match(out, /Odoo 18\.0 sandbox/);
      assert.match(out, /admin \/ admin \/ [0-9a-f]{16,}/);
      const key = /integration \/ integration \/ (\S+)/.exec(out)?.[1] as string;
      const uid = await xmlrpc(url, '/xmlrpc/2/common', 'authenticate', ['demo', 'integration', key, {}]);
      assert.ok(!uid.fault && typeof uid.value === 'number');
      const made = await xmlrpc(url, '/xmlrpc/2/object', 'execute_kw', ['demo', uid.fault ? 0 : uid.value, key, 'res.partner', 'create', [{ name: 'Saved by SIGTERM' }]]);
      assert.ok(!made.fault, JSON.stringify(made));
      child.kill('SIGTERM');
      assert.strictEqual(await exited, 0, err);
      assert.ok(fs.readFileSync(file, 'utf8').includes('Saved by SIGTERM'));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
