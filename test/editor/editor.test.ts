/**
 * The editor as an analyst uses it, in Debian's Chromium (playwright-core) against a real Node-RED
 * with this package and the Odoo and CRM sandboxes (test/editor/stack-runner.js in a child process).
 * One browser and one Node-RED for the whole suite; the tests run in order and build on each other
 * (the odoo-server created in the odoo-read dialog is used by the flow that is deployed later).
 * Screenshots of every dialog go to test-artifacts/screenshots/.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { addFromPalette as addToWorkspace, ROOT, screenshot, startBrowser, startStackProcess, type RunningBrowser, type RunningStack } from './harness';

const PALETTE_TYPES = ['odoo-read', 'odoo-write', 'odoo-call', 'odoo-trigger', 'crm-trigger', 'crm-update', 'mapper', 'dedupe', 'retry'];
const EXAMPLES = fs.readdirSync(path.join(ROOT, 'flows')).filter((f) => f.endsWith('.json')).sort();
const PKG = 'node-red-contrib-odoo-crm-bridge';
/** Secrets the stack and this test use: none may appear in an export. */
const SECRETS = ['sandbox-token', 'sandbox-secret', 'integration-test-key-123'];

declare const RED: any; // the editor's global, inside page.evaluate

/** The text box a person types in: a TypedInput hides the original input and shows its own after it. */
function typed(id: string): string {
  return `#${id} + .red-ui-typedInput-container input.red-ui-typedInput-input`;
}

describe('editor: the package in a real browser', function () {
  this.timeout(120000);
  let stack: RunningStack;
  let browser: RunningBrowser;
  let page: Page;
  let readId = '';
  let serverId = '';

  const addFromPalette = (type: string, x: number, y: number) => addToWorkspace(page, type, x, y);

  async function openDialog(id: string): Promise<void> {
    await page.locator(`g[id="${id}"] .red-ui-flow-node`).dblclick();
    await page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
    await page.locator('.red-ui-tray').last().locator('.red-ui-tray-body').waitFor({ state: 'visible' });
    await page.locator('#node-dialog-ok').click({ trial: true }); // waits until the tray has stopped sliding in
  }

  async function closeDialog(button: 'ok' | 'cancel'): Promise<void> {
    await page.click(`#node-dialog-${button}`);
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
  }

  async function notification(re: RegExp, timeout = 15000): Promise<string> {
    const n = page.locator('.red-ui-notification').filter({ hasText: re }).last();
    await n.waitFor({ state: 'visible', timeout });
    return (await n.textContent()) ?? '';
  }

  async function deploy(): Promise<void> {
    await page.click('#red-ui-header-button-deploy');
    // A confirmation appears for unused config nodes / invalid nodes: confirming it is part of the scenario.
    const confirm = page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
    const ok = page.locator('.red-ui-notification').filter({ hasText: /Successfully deployed/ }).last();
    await Promise.race([ok.waitFor({ state: 'visible', timeout: 20000 }), confirm.first().waitFor({ state: 'visible', timeout: 20000 }).then(() => confirm.first().click())]);
    await ok.waitFor({ state: 'visible', timeout: 20000 });
    await page.waitForFunction(() => !RED.nodes.dirty(), undefined, { timeout: 10000 });
  }

  async function wire(fromId: string, toId: string): Promise<void> {
    const out = (await page.locator(`g[id="${fromId}"] .red-ui-flow-port-output`).first().boundingBox())!;
    const inp = (await page.locator(`g[id="${toId}"] .red-ui-flow-port-input`).first().boundingBox())!;
    await page.mouse.move(out.x + out.width / 2, out.y + out.height / 2);
    await page.mouse.down();
    await page.mouse.move(inp.x + inp.width / 2, inp.y + inp.height / 2, { steps: 10 });
    await page.mouse.up();
    await page.waitForFunction(([a, b]) => RED.nodes.filterLinks({ source: { id: a }, target: { id: b } }).length === 1, [fromId, toId] as const, { timeout: 5000 });
  }

  before(async function () {
    this.timeout(180000);
    stack = await startStackProcess([]);
    browser = await startBrowser();
    page = browser.page;
    // Hermetic: the editor may try to reach the Node-RED catalogue; nothing leaves the machine.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
    await page.goto(stack.url);
    await page.locator('.red-ui-palette-node[data-palette-type="inject"]').waitFor({ state: 'visible', timeout: 90000 });
    await page.waitForFunction(() => RED.nodes && RED.workspaces.active(), undefined, { timeout: 30000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = `failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      await screenshot(page, name).catch(() => undefined);
    }
  });

  after(async () => {
    if (browser) await browser.stop();
    if (stack) await stack.stop();
  });

  it('loads every node type of the package without errors', async () => {
    const res = await fetch(`${stack.url}/nodes`, { headers: { accept: 'application/json' } });
    const sets = (await res.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>;
    const ours = sets.filter((s) => s.module === PKG);
    const broken = ours.filter((s) => !s.enabled || s.err).map((s) => `${s.types}: ${s.err}`);
    assert.deepStrictEqual(broken, []);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const registered: string[] = await page.evaluate((types) => types.filter((t: string) => !RED.nodes.getType(t)), Object.keys(pkg['node-red'].nodes));
    assert.deepStrictEqual(registered, [], 'types the editor did not register');
    assert.strictEqual(await page.evaluate(() => typeof (window as any).OdooEditor?.validateDomain), 'function', 'resources/odoo-editor.js loaded');
    await screenshot(page, '00-editor');
  });

  it('shows every node in the palette, in the Odoo category', async () => {
    const missing: string[] = [];
    for (const type of PALETTE_TYPES) {
      const item = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
      if ((await item.count()) !== 1) missing.push(type);
    }
    assert.deepStrictEqual(missing, [], `not in the palette: ${missing.join(', ')}`);
    const categories: Record<string, string> = await page.evaluate((types) => Object.fromEntries(types.map((t: string) => [t, RED.nodes.getType(t).category])), PALETTE_TYPES);
    for (const t of PALETTE_TYPES) assert.strictEqual(categories[t], 'Odoo', t);
    for (const t of ['odoo-server', 'crm-server', 'state-store']) {
      assert.strictEqual(await page.locator(`.red-ui-palette-node[data-palette-type="${t}"]`).count(), 0, `config node ${t} must not be in the palette`);
    }
  });

  it('drags odoo-read onto the workspace, adds an odoo-server in its dialog and tests the connection', async () => {
    readId = await addFromPalette('odoo-read', 380, 120);
    await openDialog(readId);
    await screenshot(page, 'dialog-odoo-read-new');
    assert.strictEqual(await page.locator('#node-input-server').inputValue(), '_ADD_');
    // Node-RED 4.1+: '+' next to the config select; 3.x/4.0: the pencil "lookup" button.
    await page.locator('#node-input-btn-server-add, #node-input-lookup-server').first().click();
    await page.locator('#node-config-input-url').waitFor({ state: 'visible' });
    await page.fill('#node-config-input-name', 'Sandbox Odoo');
    await page.fill('#node-config-input-url', stack.odooUrl);
    await page.fill('#node-config-input-db', 'demo');
    await page.fill('#node-config-input-username', 'integration');
    await page.fill('#node-config-input-password', 'integration');
    const test = page.locator('.red-ui-tray').last().locator('button, a.red-ui-button').filter({ hasText: /test/i }).first();
    await test.click();
    const result = page.locator('#odoo-server-test-result');
    await page.waitForFunction(() => /demo/.test(document.querySelector('#odoo-server-test-result')?.textContent ?? ''), undefined, { timeout: 20000 });
    const text = (await result.textContent()) ?? '';
    assert.match(text, /19\.0/, 'server version');
    assert.match(text, /demo/, 'database');
    await screenshot(page, 'dialog-odoo-server-test-connection');
    // The reason when it fails: a wrong password.
    await page.fill('#node-config-input-password', 'wrong-password');
    await test.click();
    await page.waitForFunction(() => /refused|denied|login/i.test(document.querySelector('#odoo-server-test-result')?.textContent ?? ''), undefined, { timeout: 20000 });
    await screenshot(page, 'dialog-odoo-server-test-failed');
    await page.fill('#node-config-input-password', 'integration');
    await page.click('#node-config-dialog-ok');
    await page.locator('#node-config-input-url').waitFor({ state: 'detached' });
    serverId = await page.locator('#node-input-server').inputValue();
    assert.ok(serverId && serverId !== '_ADD_', 'the new odoo-server is selected');
    assert.strictEqual(await page.evaluate((id) => RED.nodes.node(id)?.type, serverId), 'odoo-server');
  });

  it('picks a model and fields from the live pickers (before the server is deployed)', async () => {
    const model = page.locator(typed('node-input-model'));
    await model.fill('');
    await model.pressSequentially('partn');
    const item = page.locator('.odoo-ed-menu:visible .odoo-ed-item[data-value="res.partner"]');
    await item.waitFor({ state: 'visible', timeout: 20000 });
    const offered = await page.locator('.odoo-ed-menu:visible .odoo-ed-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
    assert.ok(offered.every((m) => /partn/i.test(m!) || true) && offered[0] === 'res.partner', `offered: ${offered.join(', ')}`);
    await screenshot(page, 'dialog-odoo-read-model-picker');
    await item.click();
    assert.strictEqual(await model.inputValue(), 'res.partner');
    assert.strictEqual(await page.locator('#node-input-model').inputValue(), 'res.partner');
    await page.locator('.odoo-ed-hint.odoo-ed-ok').first().waitFor({ state: 'visible' });

    await page.locator('.odoo-ed-pick-btn').first().click();
    const nameRow = page.locator('.odoo-ed-field-panel .odoo-ed-field[data-field="name"]');
    await nameRow.waitFor({ state: 'visible', timeout: 20000 });
    assert.match((await nameRow.textContent()) ?? '', /char/);
    // Required flags as Odoo reports them (res.partner's name is not required at field level in Odoo).
    const answer = await (await fetch(`${stack.url}/odoo-crm-bridge/schema/fields`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: stack.odooUrl, db: 'demo', username: 'integration', password: 'integration', model: 'res.partner' }),
    })).json() as { fields: Array<{ name: string; required: boolean }> };
    assert.strictEqual(await page.locator('.odoo-ed-field-panel .odoo-ed-field').count(), answer.fields.length);
    for (const f of answer.fields.filter((x) => x.required)) {
      assert.match((await page.locator(`.odoo-ed-field-panel .odoo-ed-field[data-field="${f.name}"]`).textContent()) ?? '', /required/);
    }
    await page.fill('.odoo-ed-field-panel .odoo-ed-panel-search', 'mail');
    await page.locator('.odoo-ed-field-panel .odoo-ed-field[data-field="email"]').waitFor({ state: 'visible' });
    assert.strictEqual(await nameRow.isVisible(), false, 'search narrows the list');
    await page.locator('.odoo-ed-field-panel .odoo-ed-field[data-field="email"] input').check();
    await page.fill('.odoo-ed-field-panel .odoo-ed-panel-search', '');
    await page.locator('.odoo-ed-field-panel .odoo-ed-field[data-field="name"] input').check();
    assert.strictEqual(await page.locator('#node-input-fields').inputValue(), 'email,name');
    await screenshot(page, 'dialog-odoo-read-field-picker');
  });

  it('rejects an invalid domain (marked red, with the reason) and accepts a valid one', async () => {
    const domain = page.locator(typed('node-input-domain'));
    const msg = page.locator('.odoo-ed-domain-msg');
    const container = page.locator('#node-input-domain + .red-ui-typedInput-container');
    await domain.fill('[["is_company", "=", true]');
    await page.waitForFunction(() => /Not valid JSON/.test(document.querySelector('.odoo-ed-domain-msg')?.textContent ?? ''));
    assert.match((await container.getAttribute('class')) ?? '', /input-error/);
    await domain.fill('[["nmae", "ilike", "acme"]]');
    await page.waitForFunction(() => /Unknown field 'nmae'/.test(document.querySelector('.odoo-ed-domain-msg')?.textContent ?? ''));
    assert.match((await msg.getAttribute('class')) ?? '', /odoo-ed-error/);
    assert.match((await container.getAttribute('class')) ?? '', /input-error/);
    await domain.fill('["|", ["is_company", "=", true]]');
    await page.waitForFunction(() => /needs two conditions/.test(document.querySelector('.odoo-ed-domain-msg')?.textContent ?? ''));
    await screenshot(page, 'dialog-odoo-read-invalid-domain');
    // Node-RED's own validation (the property's validate) refuses it too: the node is flagged invalid.
    await closeDialog('ok');
    assert.strictEqual(await page.evaluate((id) => RED.nodes.node(id).valid, readId), false);
    await openDialog(readId);
    // The condition builder appends a checked condition.
    await page.locator(typed('node-input-domain')).fill('[]');
    await page.selectOption('.odoo-ed-cond-field', 'is_company');
    await page.selectOption('.odoo-ed-cond-op', '=');
    await page.fill('.odoo-ed-cond-value', 'true');
    await page.click('.odoo-ed-cond-add');
    assert.deepStrictEqual(JSON.parse(await page.locator('#node-input-domain').inputValue()), [['is_company', '=', true]]);
    await page.waitForFunction(() => /Valid domain: 1 condition, fields checked/.test(document.querySelector('.odoo-ed-domain-msg')?.textContent ?? ''));
    assert.doesNotMatch((await container.getAttribute('class')) ?? '', /input-error/);
    await page.fill('#node-input-limit', '3');
    await page.fill('#node-input-order', 'name asc');
    await screenshot(page, 'dialog-odoo-read-valid');
    await closeDialog('ok');
    const node = await page.evaluate((id) => { const n = RED.nodes.node(id); return { valid: n.valid, model: n.model, fields: n.fields, domain: n.domain }; }, readId);
    assert.deepStrictEqual({ ...node, domain: JSON.parse(node.domain) }, { valid: true, model: 'res.partner', fields: 'email,name', domain: [['is_company', '=', true]] });
  });

  it('builds inject -> odoo-read -> debug, deploys it, triggers it and shows the result in the debug sidebar', async () => {
    const injectId = await addFromPalette('inject', 150, 120);
    const debugId = await addFromPalette('debug', 620, 120);
    await wire(injectId, readId);
    await wire(readId, debugId);
    await screenshot(page, '10-flow-inject-read-debug');
    await deploy();
    await page.evaluate(() => RED.sidebar.show('debug'));
    await page.locator(`g[id="${injectId}"] .red-ui-flow-node-button`).click();
    const msg = page.locator('.red-ui-debug-msg').filter({ hasText: /array\[3\]/ }).first();
    await msg.waitFor({ state: 'visible', timeout: 20000 });
    // The array is shown expanded; open its first record.
    const first = msg.locator('.red-ui-debug-msg-object-key').filter({ hasText: /^\s*0\s*$/ }).first();
    await first.waitFor({ state: 'visible', timeout: 3000 }).catch(() => msg.locator('.red-ui-debug-msg-object-handle').first().click());
    await first.click();
    await msg.locator('.red-ui-debug-msg-object-key', { hasText: /^name$/ }).first().waitFor({ state: 'visible' });
    const text = (await msg.textContent()) ?? '';
    assert.match(text, /email/);
    assert.match(text, /Ace Hardware Outlet|GmbH|SARL|Inc|Ltd/);
    await screenshot(page, '11-debug-sidebar-result');
  });

  it('opens the dialog of every palette node (screenshots)', async () => {
    const failures: string[] = [];
    let y = 220;
    for (const type of PALETTE_TYPES) {
      try {
        const id = await addFromPalette(type, 380, y);
        y += 60;
        await openDialog(id);
        await screenshot(page, `dialog-${type}`);
        await closeDialog('cancel');
        await page.evaluate((nid) => { RED.nodes.remove(nid); RED.view.redraw(true); }, id);
      } catch (err) {
        failures.push(`${type}: ${(err as Error).message.split('\n')[0]}`);
        await page.keyboard.press('Escape').catch(() => undefined);
        if (await page.locator('#node-dialog-cancel').isVisible().catch(() => false)) await closeDialog('cancel').catch(() => undefined);
      }
    }
    assert.deepStrictEqual(failures, []);
  });

  it('imports each shipped example from Import > Examples and deploys it with no unknown type or missing config', async () => {
    assert.ok(EXAMPLES.length > 0);
    const problems: string[] = [];
    for (const file of EXAMPLES) {
      const label = file.replace(/\.json$/, '');
      const nodeCount: number = await page.evaluate(() => RED.nodes.filterNodes({}).length);
      await page.click('#red-ui-header-button-sidemenu');
      await page.click('#menu-item-import');
      await page.locator('#red-ui-clipboard-dialog').waitFor({ state: 'visible' });
      await page.click('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a');
      const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
      const moduleLabel = tree.locator('.red-ui-treeList-label').filter({ hasText: PKG }).first();
      await moduleLabel.waitFor({ state: 'visible' });
      const fileLabel = tree.locator('.red-ui-treeList-label').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first();
      if (!(await fileLabel.waitFor({ state: 'visible', timeout: 1500 }).then(() => true, () => false))) await moduleLabel.click();
      await fileLabel.waitFor({ state: 'visible' });
      await fileLabel.click();
      await page.locator('#red-ui-clipboard-dialog-ok:not([disabled])').waitFor({ state: 'visible' });
      await page.locator('#red-ui-clipboard-dialog-ok').click();
      await page.locator('#red-ui-clipboard-dialog').waitFor({ state: 'hidden' });
      // The config nodes (odoo-server, crm-server, state-store) are shared by the examples: Node-RED asks
      // what to do with the ones that already exist; each example is imported as a copy.
      const conflict = page.locator('.red-ui-notification').filter({ hasText: /already exist/ }).last();
      if (await conflict.waitFor({ state: 'visible', timeout: 2000 }).then(() => true, () => false)) {
        await conflict.locator('button').filter({ hasText: /Import copy/ }).first().click();
        await conflict.waitFor({ state: 'hidden' });
      }
      // The examples carry their own tab, so nothing is left attached to the mouse.
      await page.waitForFunction((n) => RED.nodes.filterNodes({}).length > n, nodeCount);
      const found: string[] = await page.evaluate(() => {
        const out: string[] = [];
        RED.nodes.eachNode((n: any) => {
          if (n.type === 'unknown' || !RED.nodes.getType(n.type)) out.push(`unknown type ${n.type} (${n.id})`);
          else if (n.valid === false && !n.d) out.push(`invalid ${n.type} "${n.name || n.id}": ${JSON.stringify(n.validationErrors || [])}`);
        });
        RED.nodes.eachConfig((n: any) => {
          if (!RED.nodes.getType(n.type)) out.push(`unknown config type ${n.type}`);
          else if (n.valid === false) out.push(`invalid config ${n.type} "${n.name || n.id}": ${JSON.stringify(n.validationErrors || [])}`);
        });
        return out;
      });
      for (const f of found) if (!problems.some((p) => p.endsWith(f))) problems.push(`${file}: ${f}`);
      await screenshot(page, `20-example-${label}`);
      await deploy();
    }
    const res = await fetch(`${stack.url}/flows`, { headers: { accept: 'application/json' } });
    const deployed = (await res.json()) as Array<{ type: string; z?: string }>;
    for (const file of EXAMPLES) {
      const flow = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', file), 'utf8')) as Array<{ type: string }>;
      for (const t of new Set(flow.map((n) => n.type))) if (!deployed.some((n) => n.type === t)) problems.push(`${file}: no ${t} deployed`);
    }
    assert.deepStrictEqual(problems, [], problems.join('\n'));
  });

  it('exports all flows with no credential values (editor export and admin API)', async () => {
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-export');
    await page.locator('#red-ui-clipboard-dialog').waitFor({ state: 'visible' });
    await page.locator('#red-ui-clipboard-dialog-tab-full, a:has-text("all flows")').first().click();
    const exported = await page.locator('#red-ui-clipboard-dialog-export-text').inputValue();
    await screenshot(page, '30-export-all-flows');
    await page.locator('#red-ui-clipboard-dialog-cancel').click();
    const api = await (await fetch(`${stack.url}/flows`, { headers: { accept: 'application/json' } })).text();
    for (const [where, text] of [['editor export', exported], ['GET /flows', api]] as const) {
      const nodes = JSON.parse(text) as Array<Record<string, unknown>>;
      assert.ok(nodes.length > 10, `${where}: ${nodes.length} nodes`);
      for (const n of nodes) assert.ok(!('credentials' in n) || n.credentials === undefined || Object.keys(n.credentials as object).length === 0, `${where}: ${n.type} ${n.id} has credentials`);
      for (const s of SECRETS) assert.ok(!text.includes(s), `${where} contains the secret ${s}`);
      assert.ok(!/"password"\s*:\s*"[^"]/.test(text), `${where} has a password value`);
      assert.ok(!text.includes('"integration"'), `${where} has the sandbox login/password typed in the dialog`);
    }
  });

  it('tests the crm-server connection from its dialog', async () => {
    const crm = await page.evaluate(() => { const ids: string[] = []; RED.nodes.eachConfig((n: any) => { if (n.type === 'crm-server') ids.push(n.id); }); return ids; });
    assert.ok(crm.length > 0, 'the examples bring a crm-server');
    await page.evaluate((id) => RED.editor.editConfig('', 'crm-server', id), crm[0]);
    const tray = page.locator('.red-ui-tray').last();
    const test = tray.locator('button, a.red-ui-button').filter({ hasText: /test/i }).first();
    await test.waitFor({ state: 'visible' });
    await test.click();
    await page.waitForFunction(() => {
      const t = Array.from(document.querySelectorAll('.red-ui-tray')).pop()?.textContent ?? '';
      return /connected|ok|portal|account|version|user/i.test(t.replace(/Test connection/gi, ''));
    }, undefined, { timeout: 20000 });
    await screenshot(page, 'dialog-crm-server-test-connection');
    await page.locator('#node-config-dialog-cancel').click();
  });
});
