/**
 * Node-RED 5 on Node 22: runs scripts/compat-nr5.sh (installs node-red@5 and Node 22 from the npm
 * registry into .tmp/compat on the first run, a few minutes; later runs reuse it) with COMPAT_HOLD=1,
 * so the Node-RED 5 server stays up after its runtime checks (node loading, a shipped flow, inject ->
 * odoo-read). While it is up, Debian's Chromium (playwright-core, headless, never a downloaded browser)
 * opens the Node-RED 5 editor and the edit dialog of every palette node of this package.
 * Screenshots go to test-artifacts/screenshots/nr5-*.png. Needs the build (dist/).
 */
import assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import readline from 'readline';
import type { Page } from 'playwright-core';
import { addFromPalette as addToWorkspace, screenshot, startBrowser, type RunningBrowser } from '../editor/harness';

const ROOT = path.resolve(__dirname, '..', '..');
const PALETTE_TYPES = ['odoo-read', 'odoo-write', 'odoo-call', 'odoo-trigger', 'crm-trigger', 'crm-update', 'mapper', 'dedupe', 'retry'];

declare const RED: any; // the editor's global, inside page.evaluate

interface Ready {
  ok: boolean;
  node: string;
  nodeRed: string;
  url: string;
  checks: { nodes: { missing: string[]; broken: string[] }; flow: { notStarted: string[] }; read: { records: number } };
}

describe('compatibility: Node-RED 5 on Node 22', function () {
  this.timeout(15 * 60 * 1000);
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let ready: Ready | undefined;
  let exited: Promise<number>;
  let browser: RunningBrowser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    child = spawn('bash', [path.join(ROOT, 'scripts', 'compat-nr5.sh')], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, COMPAT_HOLD: '1' },
    });
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20000);
    });
    const rl = readline.createInterface({ input: child.stdout! });
    ready = await new Promise<Ready | undefined>((resolve) => {
      rl.on('line', (line) => {
        stdout += line + '\n';
        if (line.startsWith('NR5_READY ')) resolve(JSON.parse(line.slice('NR5_READY '.length)));
      });
      void exited.then(() => resolve(undefined));
    });
  });

  after(async () => {
    if (browser) await browser.stop();
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin!.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(t);
    }
  });

  it('loads every node type, deploys a shipped flow and runs inject -> odoo-read against the sandbox', async () => {
    const verdict = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    assert.ok(ready, `Node-RED 5 did not come up: ${verdict ?? '(no verdict)'}\n${stderr.slice(-3000)}`);
    assert.strictEqual(ready.ok, true);
    assert.match(ready.node, /^v22\./);
    assert.match(ready.nodeRed, /^5\./);
    assert.deepStrictEqual(ready.checks.nodes.missing, []);
    assert.deepStrictEqual(ready.checks.nodes.broken, []);
    assert.deepStrictEqual(ready.checks.flow.notStarted, []);
    assert.strictEqual(ready.checks.read.records, 3);
  });

  describe('the Node-RED 5 editor in Chromium', function () {
    this.timeout(120000);

    before(async function () {
      if (!ready) this.skip();
      browser = await startBrowser();
      page = browser.page;
      page.on('pageerror', (e) => pageErrors.push(String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e)));
      // Hermetic: nothing leaves the machine (the editor may try to reach the Node-RED catalogue).
      await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/]|\[::1\][:/])/, (route) => route.abort());
      await page.goto(ready!.url);
      await page.locator('.red-ui-palette-node[data-palette-type="inject"]').waitFor({ state: 'visible', timeout: 60000 });
      await page.waitForFunction(() => RED.nodes && RED.workspaces.active(), undefined, { timeout: 30000 });
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && page) {
        await screenshot(page, `nr5-failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => undefined);
      }
    });

    async function addFromPalette(type: string, x: number, y: number): Promise<string> {
      assert.strictEqual(await page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).count(), 1, `${type} is not in the palette`);
      return addToWorkspace(page, type, x, y);
    }

    it('registers every node type of the package in the editor, in the Odoo palette category', async () => {
      const state = await page.evaluate((types) => types.map((t: string) => {
        const def = RED.nodes.getType(t);
        return { t, registered: !!def, category: def?.category, inPalette: document.querySelectorAll(`.red-ui-palette-node[data-palette-type="${t}"]`).length };
      }), PALETTE_TYPES);
      const bad = state.filter((s: { registered: boolean; category: string; inPalette: number }) => !s.registered || s.category !== 'Odoo' || s.inPalette !== 1);
      assert.deepStrictEqual(bad, [], `palette problems: ${JSON.stringify(bad)}`);
      assert.deepStrictEqual(pageErrors, [], 'page errors while loading the editor');
      await screenshot(page, 'nr5-00-editor');
    });

    it('opens the edit dialog of every palette node and renders its form', async () => {
      const failures: string[] = [];
      // A fresh tab keeps the drops clear of the deployed flows.
      await page.evaluate(() => RED.workspaces.add());
      let y = 80;
      for (const type of PALETTE_TYPES) {
        const errorsBefore = pageErrors.length;
        try {
          const id = await addFromPalette(type, 300, y);
          y += 60;
          await page.locator(`g[id="${id}"] .red-ui-flow-node`).dblclick();
          const tray = page.locator('.red-ui-tray').last();
          await page.locator('#node-dialog-ok').waitFor({ state: 'visible', timeout: 10000 });
          await tray.locator('.red-ui-tray-body').waitFor({ state: 'visible' });
          await page.locator('#node-dialog-ok').click({ trial: true }); // waits until the tray has stopped sliding in
          await tray.locator('#node-input-name').waitFor({ state: 'visible', timeout: 5000 });
          // The node's own form, beyond the name: its template's inputs were rendered into the tray.
          const inputs: string[] = await tray.locator('[id^="node-input-"]').evaluateAll((els) => els.map((e) => e.id).filter((i) => i !== 'node-input-name'));
          if (inputs.length === 0) throw new Error('the form has no input besides the name');
          await screenshot(page, `nr5-dialog-${type}`);
          await page.click('#node-dialog-cancel');
          await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
          const errors = pageErrors.slice(errorsBefore);
          if (errors.length) throw new Error(`page errors: ${errors.join(' || ')}`);
        } catch (err) {
          const errors = pageErrors.slice(errorsBefore);
          failures.push(`${type}: ${(err as Error).message.split('\n')[0]}${errors.length && !(err as Error).message.startsWith('page errors') ? ` (page errors: ${errors.join(' || ')})` : ''}`);
          await screenshot(page, `nr5-failed-dialog-${type}`).catch(() => undefined);
          if (await page.locator('#node-dialog-cancel').isVisible().catch(() => false)) {
            await page.click('#node-dialog-cancel').catch(() => undefined);
            await page.locator('#node-dialog-ok').waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
          }
        }
      }
      assert.deepStrictEqual(failures, [], failures.join('\n'));
    });

    it('opens the dialogs of the deployed shipped flow nodes of this package', async () => {
      const ids: Array<{ id: string; type: string; z: string }> = await page.evaluate((types) => {
        const out: Array<{ id: string; type: string; z: string }> = [];
        RED.nodes.eachNode((n: any) => { if (types.includes(n.type) && !n.id.startsWith('compat-') && !out.some((o) => o.type === n.type)) out.push({ id: n.id, type: n.type, z: n.z }); });
        return out;
      }, PALETTE_TYPES);
      assert.ok(ids.length > 0, 'the shipped flow has nodes of this package');
      const failures: string[] = [];
      for (const { id, type, z } of ids) {
        const errorsBefore = pageErrors.length;
        try {
          await page.evaluate(([nid, tab]) => { RED.workspaces.show(tab); RED.editor.edit(RED.nodes.node(nid)); }, [id, z] as const);
          const tray = page.locator('.red-ui-tray').last();
          await page.locator('#node-dialog-ok').waitFor({ state: 'visible', timeout: 10000 });
          await page.locator('#node-dialog-ok').click({ trial: true });
          await tray.locator('#node-input-name').waitFor({ state: 'visible', timeout: 5000 });
          await screenshot(page, `nr5-flow-dialog-${type}`);
          await page.click('#node-dialog-cancel');
          await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
          const errors = pageErrors.slice(errorsBefore);
          if (errors.length) throw new Error(`page errors: ${errors.join(' || ')}`);
        } catch (err) {
          failures.push(`${type} ${id}: ${(err as Error).message.split('\n')[0]}`);
          if (await page.locator('#node-dialog-cancel').isVisible().catch(() => false)) await page.click('#node-dialog-cancel').catch(() => undefined);
        }
      }
      assert.deepStrictEqual(failures, [], failures.join('\n'));
    });
  });

  // Its own suite so that it runs after the browser suite (mocha runs a suite's tests before its sub-suites).
  describe('shutdown', () => {
    it('stops the Node-RED 5 server cleanly with a passing verdict', async function () {
      if (!ready) this.skip();
      child.stdin!.end();
      const code = await exited;
      const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      assert.ok(last, `no verdict from compat-nr5.sh (exit ${code}):\n${stderr.slice(-3000)}`);
      const verdict = JSON.parse(last);
      assert.strictEqual(verdict.ok, true, `${verdict.error ?? JSON.stringify(verdict)}\n${stderr.slice(-3000)}`);
      assert.strictEqual(code, 0);
    });
  });
});
