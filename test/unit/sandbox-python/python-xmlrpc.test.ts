/**
 * An independent client: Python's standard xmlrpc.client (check.py) against the sandbox.
 */
import assert from 'assert';
import { spawn } from 'child_process';
import path from 'path';
import { startOdooSandbox, OdooSandbox } from '../../../sandbox/odoo/server';

function runPython(args: string[]): Promise<{ code: number | null; out: string; err: string; spawnError?: Error }> {
  return new Promise((resolve) => {
    const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve({ code: null, out, err, spawnError: e }));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const STEPS = ['version', 'authenticate', 'search_read', 'create', 'write', 'unlink', 'action_confirm', 'fault wrong password', 'fault unknown model',
  'fault private method', 'fault bad domain', 'fault missing record', 'fault confirm twice', 'fault none result', 'fault integration unlink'];

for (const version of [19, 17] as const) {
  describe(`Python xmlrpc.client against the sandbox (Odoo ${version})`, function () {
    let sb: OdooSandbox;
    before(async () => {
      sb = await startOdooSandbox({ port: 0, version, quiet: true });
    });
    after(async () => {
      await sb?.close();
    });

    it('authenticates, reads, creates, writes, unlinks, confirms an order and gets Odoo-shaped faults', async function () {
      const r = await runPython([path.join(__dirname, 'check.py'), sb.url, String(version)]);
      if (r.spawnError) throw new Error(`python3 could not be started: ${r.spawnError.message}`);
      assert.strictEqual(r.code, 0, `check.py failed:\n${r.out}\n${r.err}`);
      const lines = r.out.trim().split('\n');
      for (const step of STEPS) assert.ok(lines.includes(`OK ${step}`), `missing "OK ${step}" in:\n${r.out}`);
      assert.strictEqual(lines[lines.length - 1], 'ALL OK');
    });

    if (version !== 19) return;
    it('the check fails when the server does not answer as expected (wrong version expected)', async function () {
      const r = await runPython([path.join(__dirname, 'check.py'), sb.url, '16']);
      assert.strictEqual(r.code, 1);
      assert.match(r.out, /FAIL version/);
    });
  });
}
