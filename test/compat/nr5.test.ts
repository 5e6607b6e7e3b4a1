/**
 * Node-RED 5 on Node 22: runs scripts/compat-nr5.sh (installs node-red@5 and Node 22 from the npm
 * registry into .tmp/compat on the first run, a few minutes; later runs reuse it, ~15 s) and checks
 * its JSON verdict. Needs the build (dist/) and registry access.
 */
import assert from 'assert';
import { execFile } from 'child_process';
import path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

describe('compatibility: Node-RED 5 on Node 22', function () {
  this.timeout(15 * 60 * 1000);

  it('loads every node type, deploys a shipped flow and runs inject -> odoo-read against the sandbox', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', [path.join(ROOT, 'scripts', 'compat-nr5.sh')], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024, timeout: 14 * 60 * 1000 }, (err, out, errOut) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: out, stderr: errOut });
      });
    });
    const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    assert.ok(last, `no verdict from compat-nr5.sh (exit ${code}):\n${stderr.slice(-3000)}`);
    const verdict = JSON.parse(last);
    assert.strictEqual(verdict.ok, true, `${verdict.error ?? JSON.stringify(verdict)}\n${stderr.slice(-3000)}`);
    assert.match(verdict.node, /^v22\./);
    assert.match(verdict.nodeRed, /^5\./);
    assert.deepStrictEqual(verdict.checks.nodes.missing, []);
    assert.deepStrictEqual(verdict.checks.nodes.broken, []);
    assert.deepStrictEqual(verdict.checks.flow.notStarted, []);
    assert.strictEqual(verdict.checks.read.records, 3);
    assert.strictEqual(code, 0);
  });
});
