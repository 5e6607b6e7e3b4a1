/**
 * Shared end-to-end harness for the shipped flows: sandboxes in the test process (so a test can inject
 * Odoo faults and inspect both sides), Node-RED in a child process (so it can be killed and restarted
 * between steps with the same user dir, port and state store), plus small Odoo and CRM clients for
 * driving events and checking the final state.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FLOWS_DIR = path.join(ROOT, 'flows');

export function flowFile(name: string): string {
  return path.join(FLOWS_DIR, name);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `probe` until it returns a value other than undefined/false, or fail with the last seen value. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await probe();
      last = v;
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const detail = lastErr ? ` (last error: ${lastErr instanceof Error ? lastErr.message : String(lastErr)})` : ` (last value: ${JSON.stringify(last)})`;
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------- Odoo client (JSON-RPC, for assertions)

export class OdooRpc {
  private uid: number | undefined;
  constructor(readonly url: string, readonly db = 'demo', readonly login = 'admin', readonly password = 'admin') {}

  private async rpc(service: string, method: string, args: unknown[]): Promise<unknown> {
    const res = await fetch(`${this.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { service, method, args } }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string; data?: { message?: string; name?: string } } };
    if (body.error) {
      const err = new Error(`${body.error.data?.name ?? 'odoo'}: ${body.error.data?.message ?? body.error.message}`);
      (err as Error & { odoo?: unknown }).odoo = body.error;
      throw err;
    }
    return 'result' in body ? body.result : null;
  }

  async call<T = unknown>(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<T> {
    if (this.uid === undefined) {
      const uid = await this.rpc('common', 'authenticate', [this.db, this.login, this.password, {}]);
      if (typeof uid !== 'number') throw new Error(`cannot log in to ${this.url} as ${this.login}`);
      this.uid = uid;
    }
    return (await this.rpc('object', 'execute_kw', [this.db, this.uid, this.password, model, method, args, kwargs])) as T;
  }

  searchRead<T = Record<string, any>>(model: string, domain: unknown[], fields: string[], kwargs: Record<string, unknown> = {}): Promise<T[]> {
    return this.call<T[]>(model, 'search_read', [domain], { fields, ...kwargs });
  }

  async version(): Promise<number> {
    const v = (await this.rpc('common', 'version', [])) as { server_version_info: unknown[] };
    return Number(v.server_version_info[0]);
  }
}

// ---------------------------------------------------------------- CRM client (HubSpot CRM v3 subset)

export class CrmApi {
  constructor(readonly url: string, readonly token = process.env.CRM_SANDBOX_TOKEN ?? 'sandbox-token') {}

  async request<T = any>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`CRM ${method} ${p} -> ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  create(objectType: string, properties: Record<string, unknown>, associations?: unknown[]): Promise<{ id: string; properties: Record<string, any> }> {
    return this.request('POST', `/crm/v3/objects/${objectType}`, associations ? { properties, associations } : { properties });
  }

  update(objectType: string, id: string, properties: Record<string, unknown>): Promise<{ id: string; properties: Record<string, any> }> {
    return this.request('PATCH', `/crm/v3/objects/${objectType}/${id}`, { properties });
  }

  get(objectType: string, id: string, properties: string[] = [], associations: string[] = []): Promise<{ id: string; properties: Record<string, any>; associations?: Record<string, { results: Array<{ id: string }> }> }> {
    const q = new URLSearchParams();
    if (properties.length) q.set('properties', properties.join(','));
    if (associations.length) q.set('associations', associations.join(','));
    return this.request('GET', `/crm/v3/objects/${objectType}/${id}?${q.toString()}`);
  }

  async associate(fromType: string, fromId: string, toType: string, toId: string): Promise<void> {
    await this.request('PUT', `/crm/v4/objects/${fromType}/${fromId}/associations/default/${toType}/${toId}`);
  }

  /** Notes associated with a record, oldest first (HubSpot: notes are objects associated to the record). */
  async notes(objectType: string, id: string): Promise<string[]> {
    const rec = await this.get(objectType, id, [], ['notes']);
    const ids = rec.associations?.notes?.results.map((r) => r.id) ?? [];
    const out: string[] = [];
    for (const nid of ids) {
      const note = await this.get('notes', nid, ['hs_note_body', 'hs_timestamp']);
      out.push(String(note.properties.hs_note_body ?? ''));
    }
    return out;
  }
}

// ---------------------------------------------------------------- sandboxes (in this process)

export interface Sandboxes {
  odooUrl: string;
  crmUrl: string;
  odoo: any;
  crm: any;
  odooRpc: OdooRpc;
  crmApi: CrmApi;
  close(): Promise<void>;
}

export async function startSandboxes(opts: { odooVersion?: 17 | 18 | 19 } = {}): Promise<Sandboxes> {
  const { startOdooSandbox } = await import('../../../sandbox/odoo/server');
  const { startCrmSandbox } = await import('../../../sandbox/crm/server');
  const odoo: any = await (startOdooSandbox as any)({ host: '127.0.0.1', port: 0, version: opts.odooVersion ?? 19, quiet: true });
  const crm: any = await (startCrmSandbox as any)({ host: '127.0.0.1', port: 0, quiet: true });
  return {
    odooUrl: odoo.url,
    crmUrl: crm.url,
    odoo,
    crm,
    odooRpc: new OdooRpc(odoo.url),
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
