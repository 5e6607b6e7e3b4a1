/**
 * Shared end-to-end harness for the shipped flows: sandboxes in the test process (so a test can inject
 * Odoo faults and inspect both sides), Node-RED in a child process (so it can be killed and restarted
 * between steps with the same user dir, port and state store), plus small Odoo and CRM clients for
 * driving events and checking the final state.
 */
import { spawn, type ChildProcess } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { CrmApi, OdooRpc, OdooUser, freePort } from '../../../scripts/demo';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FLOWS_DIR = path.join(ROOT, 'flows');

export function flowFile(name: string): string {
  return path.join(FLOWS_DIR, name);
}

export { CrmApi, OdooRpc, OdooUser, freePort, sleep, waitFor } from '../../../scripts/demo';

// ---------------------------------------------------------------- sandboxes (in this process)

export interface Sandboxes {
  odooUrl: string;
  crmUrl: string;
  odoo: any;
  crm: any;
  odooRpc: OdooRpc;
  odooUser: OdooUser;
  crmApi: CrmApi;
  close(): Promise<void>;
}

/**
 * Both sandboxes on ephemeral ports. The CRM's webhook retries are compressed from HubSpot's hours to
 * seconds so that a delivery refused while Node-RED is down arrives within the test; its burst limit is
 * off unless asked for (the flows' own CRM client still applies its rate limit).
 */
export async function startSandboxes(opts: { odooVersion?: 17 | 18 | 19; crmRateLimit?: { max: number; intervalMs: number } | false } = {}): Promise<Sandboxes> {
  const { startOdooSandbox } = await import('../../../sandbox/odoo/server');
  const { startCrmSandbox } = await import('../../../sandbox/crm/server');
  const odoo: any = await (startOdooSandbox as any)({ host: '127.0.0.1', port: 0, version: opts.odooVersion ?? 19, quiet: true });
  const crm: any = await (startCrmSandbox as any)({
    host: '127.0.0.1', port: 0, quiet: true, rateLimit: opts.crmRateLimit ?? false,
    webhooks: { retryDelaysMs: [300, 600, 1000, 1500, 2000, 3000, 3000, 3000, 3000, 3000, 3000, 3000], timeoutMs: 5000, batchDelayMs: 10 },
  });
  return {
    odooUrl: odoo.url,
    crmUrl: crm.url,
    odoo,
    crm,
    odooRpc: new OdooRpc(odoo.url),
    odooUser: new OdooUser(new OdooRpc(odoo.url)),
    crmApi: new CrmApi(crm.url),
    async close() {
      await crm.close();
      await odoo.close();
    },
  };
}

// ---------------------------------------------------------------- Node-RED in a child process

export interface NodeRedProcess {
  url: string;
  port: number;
  userDir: string;
  child: ChildProcess;
  /** Graceful stop (SIGTERM), or a crash (SIGKILL) when `kill` is true. */
  stop(kill?: boolean): Promise<void>;
  logs(): string;
}

export interface NodeRedOptions {
  flows: string[];
  sandboxes: Sandboxes;
  port?: number;
  userDir?: string;
  env?: Record<string, string>;
}

export async function startNodeRed(opts: NodeRedOptions): Promise<NodeRedProcess> {
  const port = opts.port ?? (await freePort());
  const userDir = opts.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-crm-e2e-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    E2E_PORT: String(port),
    E2E_USER_DIR: userDir,
    E2E_FLOWS: opts.flows.join(','),
    PORT: String(port),
    NODE_RED_URL: `http://127.0.0.1:${port}`,
    ODOO_URL: opts.sandboxes.odooUrl,
    ODOO_DB: 'demo',
    ODOO_USERNAME: 'integration',
    ODOO_PASSWORD: 'integration',
    CRM_URL: opts.sandboxes.crmUrl,
    CRM_TOKEN: process.env.CRM_SANDBOX_TOKEN ?? 'sandbox-token',
    CRM_WEBHOOK_SECRET: process.env.CRM_SANDBOX_SECRET ?? 'sandbox-secret',
    ...opts.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'runner.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start within 30 s:\n${out}`)), 30000);
    const onData = () => {
      const m = /READY (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(JSON.parse(m[1]).url);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${code} before it was ready:\n${out}`));
    });
  });
  return {
    url,
    port,
    userDir,
    child,
    logs: () => out,
    async stop(kill = false) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(kill ? 'SIGKILL' : 'SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Node-RED admin API: the deployed flows (to check a file was loaded unchanged). */
export async function deployedFlows(nr: NodeRedProcess): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${nr.url}/flows`, { headers: { 'Node-RED-API-Version': 'v1' } });
  return (await res.json()) as Array<Record<string, unknown>>;
}

export function readFlow(name: string): Array<Record<string, any>> {
  return JSON.parse(fs.readFileSync(flowFile(name), 'utf8'));
}

/** Re-send a HubSpot webhook exactly as the CRM delivered it once more (same events, same eventIds), signed v3. */
export async function postSignedWebhook(nr: NodeRedProcess, pathname: string, events: unknown[], secret = process.env.CRM_SANDBOX_SECRET ?? 'sandbox-secret'): Promise<number> {
  const url = `${nr.url}${pathname}`;
  const body = JSON.stringify(events);
  const ts = Date.now();
  const sig = crypto.createHmac('sha256', secret).update(`POST${url}${body}${ts}`, 'utf8').digest('base64');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': sig },
    body,
  });
  await res.text();
  return res.status;
}

/** The exceptions a flow recorded (GET /integration/exceptions/<slug>). */
export async function exceptions(nr: NodeRedProcess, slug: string): Promise<Array<Record<string, any>>> {
  const res = await fetch(`${nr.url}/integration/exceptions/${slug}`);
  return (await res.json()) as Array<Record<string, any>>;
}

/** Wait until the flows subscribed their webhook URLs at the CRM sandbox (they do it at deploy). */
export async function waitForSubscriptions(sb: Sandboxes, count: number): Promise<void> {
  const { waitFor } = await import('../../../scripts/demo');
  await waitFor(`${count} webhook subscription(s)`, async () => (await sb.crmApi.request<unknown[]>('GET', '/sandbox/webhooks', undefined, false)).length >= count || undefined);
}
