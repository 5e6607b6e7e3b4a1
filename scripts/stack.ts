/**
 * Starts what `npm start` shows: the Odoo and CRM sandboxes and an embedded Node-RED with this
 * package's nodes and the shipped flows. Used by `npm start`, the end-to-end tests, the browser
 * tests and the benchmarks (each in its own process: Node-RED's runtime is a per-process singleton).
 */
import fs from 'fs';
import http from 'http';
import path from 'path';
import type { AddressInfo } from 'net';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME: string = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).name;

export interface StackOptions {
  port?: number;
  host?: string;
  userDir?: string;
  /** Flow files to deploy (merged); replaces the user dir's flows.json. */
  flows?: string[];
  /** Re-seed the user dir's flows.json from flows/ even if it exists. */
  reset?: boolean;
  /** Start the Odoo and CRM sandboxes in this process (default true). */
  sandbox?: boolean;
  odooVersion?: 17 | 18 | 19;
  odooPort?: number;
  crmPort?: number;
  logLevel?: string;
  /** Node-RED adminAuth setting (tests of editor permissions). */
  adminAuth?: unknown;
  quiet?: boolean;
}

export interface Stack {
  url: string;
  port: number;
  userDir: string;
  odooUrl?: string;
  crmUrl?: string;
  stop(): Promise<void>;
}

/** Every shipped flow file, in name order. */
export function shippedFlowFiles(): string[] {
  const dir = path.join(PROJECT_ROOT, 'flows');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
}

/** Merge flow files into one flows array; a node id present in several files (shared config) is kept once. */
export function mergeFlowFiles(files: string[]): unknown[] {
  const seen = new Set<string>();
  const merged: unknown[] = [];
  for (const file of files) {
    const nodes = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ id: string }>;
    for (const node of nodes) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      merged.push(node);
    }
  }
  return merged;
}

/** Make the package installable from the user dir the way `npm install <path>` does it: a link. */
function linkPackage(userDir: string): void {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, PACKAGE_NAME);
  try {
    const existing = fs.readlinkSync(link);
    if (path.resolve(modules, existing) === PROJECT_ROOT) return;
    fs.rmSync(link, { force: true });
  } catch {
    fs.rmSync(link, { recursive: true, force: true });
  }
  fs.symlinkSync(PROJECT_ROOT, link, 'dir');
  const pkg = path.join(userDir, 'package.json');
  if (!fs.existsSync(pkg)) {
    fs.writeFileSync(pkg, JSON.stringify({ name: 'node-red-project', private: true, dependencies: { [PACKAGE_NAME]: `file:${PROJECT_ROOT}` } }, null, 2));
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function setDefaultEnv(name: string, value: string): void {
  if (!process.env[name]) process.env[name] = value;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? Number(process.env.PORT ?? 1880);
  const userDir = path.resolve(opts.userDir ?? path.join(PROJECT_ROOT, '.node-red'));
  fs.mkdirSync(userDir, { recursive: true });
  linkPackage(userDir);

  const closers: Array<() => Promise<void>> = [];
  let odooUrl: string | undefined;
  let crmUrl: string | undefined;
  if (opts.sandbox !== false) {
    const { startOdooSandbox } = await import('../sandbox/odoo/server');
    const { startCrmSandbox } = await import('../sandbox/crm/server');
    const odoo = await startOdooSandbox({
      host,
      port: opts.odooPort ?? Number(process.env.ODOO_SANDBOX_PORT ?? 8069),
      version: opts.odooVersion ?? 19,
      quiet: true,
    });
    closers.push(() => odoo.close());
    const crm = await startCrmSandbox({ host, port: opts.crmPort ?? Number(process.env.CRM_SANDBOX_PORT ?? 8070), quiet: true });
    closers.push(() => crm.close());
    odooUrl = odoo.url;
    crmUrl = crm.url;
    setDefaultEnv('ODOO_URL', odoo.url);
    setDefaultEnv('CRM_URL', crm.url);
  }
  setDefaultEnv('ODOO_URL', 'http://127.0.0.1:8069');
  setDefaultEnv('ODOO_DB', 'demo');
  setDefaultEnv('ODOO_USERNAME', 'integration');
  setDefaultEnv('ODOO_PASSWORD', 'integration');
  setDefaultEnv('CRM_URL', 'http://127.0.0.1:8070');
  setDefaultEnv('CRM_TOKEN', process.env.CRM_SANDBOX_TOKEN ?? 'sandbox-token');
  setDefaultEnv('CRM_WEBHOOK_SECRET', process.env.CRM_SANDBOX_SECRET ?? 'sandbox-secret');

  const flowFile = path.join(userDir, 'flows.json');
  if (opts.flows) {
    fs.writeFileSync(flowFile, JSON.stringify(mergeFlowFiles(opts.flows), null, 2));
  } else if (opts.reset || !fs.existsSync(flowFile)) {
    fs.writeFileSync(flowFile, JSON.stringify(mergeFlowFiles(shippedFlowFiles()), null, 2));
  }

  // Node-RED opens its port only once the flows run (as node-red's own launcher does), so a webhook
  // never meets a 404 during start-up; the port is chosen first so the flows can know their own URL.
  const listenPort = port === 0 ? await freePort(host) : port;
  setDefaultEnv('NODE_RED_URL', `http://${host}:${listenPort}`);

  // Loaded late so that the environment above is in place when Node-RED reads its settings.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const RED = require('node-red');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const express = require('express');
  const app = express();
  const server = http.createServer(app);
  const settings: Record<string, unknown> = {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: process.env.NODE_RED_CREDENTIAL_SECRET ?? 'odoo-crm-bridge-local',
    uiHost: host,
    uiPort: listenPort,
    httpAdminRoot: '/',
    httpNodeRoot: '/',
    functionGlobalContext: {},
    logging: { console: { level: opts.logLevel ?? process.env.NODE_RED_LOG_LEVEL ?? (opts.quiet ? 'warn' : 'info'), metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false }, tours: false },
    diagnostics: { enabled: false },
    telemetry: { enabled: false, updateNotification: false },
    adminAuth: opts.adminAuth,
  };
  RED.init(server, settings);
  app.use('/', RED.httpAdmin);
  app.use('/', RED.httpNode);
  // RED.start() resolves before the flows run; wait for them before opening the port.
  const flowsStarted = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30000);
    RED.events.once('flows:started', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await RED.start();
  await flowsStarted;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    userDir,
    odooUrl,
    crmUrl,
    async stop() {
      await RED.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      for (const close of closers.reverse()) await close();
    },
  };
}
