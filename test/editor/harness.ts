/**
 * Browser-test harness: one stack child process (test/editor/stack-runner.js) and one headless
 * Debian Chromium (playwright-core, never a downloaded browser) for the whole suite.
 */
import assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import readline from 'readline';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface StackInfo {
  url: string;
  odooUrl: string;
  crmUrl: string;
  userDir: string;
}

export interface RunningStack extends StackInfo {
  child: ChildProcess;
  stderr: string[];
  stop(): Promise<void>;
}

export async function startStackProcess(flows: string[] = [], env: Record<string, string> = {}): Promise<RunningStack> {
  const runner = path.join(__dirname, 'stack-runner.js');
  if (!fs.existsSync(path.join(ROOT, 'dist', 'scripts', 'stack.js'))) throw new Error('dist/scripts/stack.js is missing: run npm run build');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-crm-editor-'));
  const child = spawn(process.execPath, [runner, userDir, ...flows], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    // A clean environment for the connection variables: the stack sets them to its sandboxes.
    env: { ...process.env, ODOO_URL: '', CRM_URL: '', ODOO_SANDBOX_PORT: '', CRM_SANDBOX_PORT: '', PORT: '', ...env },
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 200) stderr.shift();
  });
  const info = await new Promise<StackInfo>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`stack did not start within 60 s:\n${stderr.join('')}`)), 60000);
    rl.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stack exited with ${code} before starting:\n${stderr.join('')}`));
    });
  });
  return {
    ...info,
    child,
    stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

export interface RunningBrowser {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  stop(): Promise<void>;
}

export async function startBrowser(): Promise<RunningBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-crm-chromium-'));
  // A persistent context on a fresh profile directory = Chromium's --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return {
    context,
    page,
    consoleErrors,
    async stop() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

declare const RED: any; // the editor's global, inside page.evaluate

/** Drag a node type from the palette onto the active workspace at (x, y); resolves with the new node's id. */
export async function addFromPalette(page: Page, type: string, x: number, y: number): Promise<string> {
  const ids = (t: string): Promise<string[]> => page.evaluate((tt) => RED.nodes.filterNodes({ type: tt, z: RED.workspaces.active() }).map((n: { id: string }) => n.id), t);
  const before = await ids(type);
  const item = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
  await item.scrollIntoViewIfNeeded();
  const box = (await item.boundingBox())!;
  const ws = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(ws.x + x, ws.y + y, { steps: 12 });
  await page.mouse.up();
  await page.waitForFunction(([t, n]) => RED.nodes.filterNodes({ type: t, z: RED.workspaces.active() }).length > n, [type, before.length] as const, { timeout: 10000 });
  const id = (await ids(type)).find((i) => !before.includes(i));
  assert.ok(id, `no new ${type} node after the drop`);
  await page.locator(`g[id="${id}"]`).waitFor({ state: 'visible' });
  return id;
}
