/**
 * Admin endpoints that give the editor the live schema of an Odoo server: its models (ir.model)
 * and the fields of one model (fields_get), plus "Test connection". Registered once per runtime by
 * the odoo-server node module (`registerSchemaEndpoints(RED)`).
 *
 * The browser names a connection by the odoo-server config node id and, while its dialog is open,
 * also sends the values typed there (url, db, protocol, username; password `__PWRD__` = "the stored
 * one"). Credentials are looked up here and never sent back. Answers are cached 60 s per
 * connection (+ model); every lookup has a hard deadline so an unreachable Odoo answers at once.
 *
 *   POST /odoo-crm-bridge/schema/models  {server?, url?, db?, protocol?, username?, password?, q?, refresh?}
 *   POST /odoo-crm-bridge/schema/fields  {... , model}
 *   POST /odoo-crm-bridge/schema/test    {...}
 *   GET  /odoo-crm-bridge/schema/:server/models?q=      (deployed config node)
 *   GET  /odoo-crm-bridge/schema/:server/fields/:model  (deployed config node)
 */
import type { NodeAPI } from 'node-red';
import type { Request, Response, NextFunction } from 'express';
import { OdooClient, type OdooClientOptions } from '../../lib/odoo/client';
import { buildClientOptions, type ServerCredentials } from '../../lib/odoo/config';
import {
  FIELD_ATTRIBUTES, TtlCache, connectionKey, describeSchemaError, normalizeFields, normalizeModels, withDeadline,
  type FieldInfo, type ModelInfo,
} from '../../lib/editor/schema';

export const SCHEMA_ROUTE = '/odoo-crm-bridge/schema';
const PASSWORD_PLACEHOLDER = '__PWRD__';
const CACHE_TTL_MS = 60_000;
const CLIENT_IDLE_MS = 120_000;

/** Deadline of one schema answer (ms); ODOO_SCHEMA_TIMEOUT_MS overrides (tests use a short one). */
function deadlineMs(): number {
  const v = Number(process.env.ODOO_SCHEMA_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 10_000;
}

interface SchemaClient {
  executeKw(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  fieldsGet?(model: string, attributes?: string[]): Promise<Record<string, Record<string, unknown>>>;
  authenticate(): Promise<{ uid: number; serverVersion: string; protocol: string }>;
  version?(): Promise<{ serverVersion: string; major: number }>;
  close?(): Promise<void>;
  options?: { url?: string; db?: string; username?: string; protocol?: string };
}

interface Connection {
  key: string;
  url: string;
  db: string;
  username: string;
  protocol: string;
  client: SchemaClient;
}

interface RequestBody {
  server?: string;
  url?: string;
  db?: string;
  protocol?: string;
  username?: string;
  password?: string;
  q?: string;
  model?: string;
  refresh?: boolean | string;
}

interface DeployedServer {
  id: string;
  type?: string;
  readonly client?: SchemaClient;
  readonly clientOptions?: OdooClientOptions;
}

/** The deployed config node's own client (its getter throws when the node's configuration is unusable). */
function deployedClient(node: DeployedServer): Connection | undefined {
  let client: SchemaClient | undefined;
  try {
    client = node.client;
  } catch (e) {
    throw new HttpError(400, `The deployed odoo-server is not usable: ${(e as Error).message}`);
  }
  if (!client) return undefined;
  const o = node.clientOptions ?? (client.options as Partial<OdooClientOptions> | undefined) ?? {};
  return {
    key: `node:${node.id}`,
    url: str(o.url).replace(/\/+$/, ''),
    db: str(o.db),
    username: str(o.username),
    protocol: str(o.protocol) || 'auto',
    client,
  };
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code = 'bad_request') {
    super(message);
  }
}

const registered = new WeakSet<object>();
const modelsCache = new TtlCache<ModelInfo[]>(CACHE_TTL_MS);
const fieldsCache = new TtlCache<FieldInfo[]>(CACHE_TTL_MS);
const adHocClients = new Map<string, { client: OdooClient; timer: NodeJS.Timeout }>();

/** A short-lived client for values typed in a dialog: one try per call, short timeout, closed when idle. */
function adHocClient(key: string, opts: OdooClientOptions): OdooClient {
  const hit = adHocClients.get(key);
  const drop = () => {
    const cur = adHocClients.get(key);
    if (cur) {
      adHocClients.delete(key);
      void cur.client.close().catch(() => undefined);
    }
  };
  if (hit) {
    hit.timer.refresh();
    return hit.client;
  }
  const client = new OdooClient({
    ...opts,
    timeoutMs: Math.min(opts.timeoutMs ?? 30_000, deadlineMs()),
    maxInFlight: 2,
    retry: { attempts: 1 },
    userAgent: 'node-red-contrib-odoo-crm-bridge editor',
  });
  const timer = setTimeout(drop, CLIENT_IDLE_MS);
  timer.unref();
  adHocClients.set(key, { client, timer });
  return client;
}

/** Forget cached clients and answers (tests; a changed password makes a new key anyway). */
export function resetSchemaCaches(): void {
  modelsCache.clear();
  fieldsCache.clear();
  for (const { client, timer } of adHocClients.values()) {
    clearTimeout(timer);
    void client.close().catch(() => undefined);
  }
  adHocClients.clear();
}

async function readBody(req: Request): Promise<RequestBody> {
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) return req.body as RequestBody;
  if (req.method === 'GET') return {};
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as RequestBody;
  } catch {
    throw new HttpError(400, 'The request body must be JSON');
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

type Permission = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Work out which Odoo to ask and with which secret. Returns null when the answer was already sent
 * (permission refused).
 */
async function resolveConnection(RED: NodeAPI, body: RequestBody, req: Request, res: Response): Promise<Connection | null> {
  const id = str(body.server);
  const node = id ? (RED.nodes.getNode(id) as unknown as DeployedServer | null) : null;
  if (node && node.type && node.type !== 'odoo-server') throw new HttpError(400, `Node ${id} is a ${node.type}, not an odoo-server`);
  const dialog = body.url !== undefined || body.db !== undefined;
  const deployed = node ? deployedClient(node) : undefined;

  if (!dialog) {
    if (!deployed) {
      throw new HttpError(404, id ? `The odoo-server ${id} is not deployed: deploy it, or open it so its dialog values can be used` : 'Name an odoo-server (server) or give its url and db');
    }
    return deployed;
  }

  const stored = (id ? (RED.nodes.getCredentials(id) as ServerCredentials | undefined) : undefined) ?? {};
  const usePlaceholder = body.password === undefined || body.password === PASSWORD_PLACEHOLDER;
  let opts: OdooClientOptions;
  try {
    // Same resolution as the deployed node: ${ENV} values, empty values from ODOO_URL/ODOO_DB/ODOO_USERNAME/ODOO_PASSWORD.
    opts = buildClientOptions(
      { url: str(body.url), db: str(body.db), protocol: str(body.protocol) || 'auto' },
      { username: body.username === undefined ? stored.username : str(body.username), password: usePlaceholder ? stored.password : str(body.password) },
    );
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
  const url = opts.url.replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(url)) throw new HttpError(400, `The Odoo URL must start with http:// or https:// (got ${url})`);
  if (!opts.db) throw new HttpError(400, 'Enter the database name first');
  const protocol = opts.protocol ?? 'auto';

  // Sending a secret kept on the server (stored credential or environment) to a URL other than the
  // deployed one needs write permission: with read permission alone a user could otherwise point
  // the stored password at any host.
  const typed = usePlaceholder ? '' : str(body.password);
  const secretFromServer = typed === '' || /\$\{/.test(typed);
  if (secretFromServer && opts.password && url !== deployed?.url) {
    const allowed = await new Promise<boolean>((resolve) => {
      const check = RED.auth.needsPermission('odoo-server.write') as unknown as Permission;
      const guard = { status: () => guard, end: () => resolve(false), json: () => resolve(false), send: () => resolve(false) };
      check(req, guard as unknown as Response, () => resolve(true));
    });
    if (!allowed) {
      res.status(403).json({ error: 'Using the stored password with a different Odoo URL needs write permission on odoo-server', code: 'permission' });
      return null;
    }
  }

  if (deployed && deployed.url === url && deployed.db === opts.db && deployed.username === opts.username && deployed.protocol === protocol && usePlaceholder) {
    return deployed;
  }
  const key = connectionKey({ url, db: opts.db, username: opts.username, password: opts.password, protocol });
  return { key, url, db: opts.db, username: opts.username, protocol, client: adHocClient(key, { ...opts, url }) };
}

async function listModels(conn: Connection, refresh: boolean): Promise<ModelInfo[]> {
  return modelsCache.get(conn.key, async () => {
    const rows = await withDeadline(
      conn.client.executeKw('ir.model', 'search_read', [[]], { fields: ['model', 'name'], order: 'model' }),
      deadlineMs(),
      conn.url,
    );
    return normalizeModels(rows);
  }, refresh);
}

async function listFields(conn: Connection, model: string, refresh: boolean): Promise<FieldInfo[]> {
  return fieldsCache.get(`${conn.key}|${model}`, async () => {
    const call = conn.client.fieldsGet
      ? conn.client.fieldsGet(model, FIELD_ATTRIBUTES)
      : conn.client.executeKw(model, 'fields_get', [], { attributes: FIELD_ATTRIBUTES });
    return normalizeFields(await withDeadline(call as Promise<unknown>, deadlineMs(), conn.url));
  }, refresh);
}

function filterModels(models: ModelInfo[], q: string): ModelInfo[] {
  const text = q.trim().toLowerCase();
  if (!text) return models;
  const hits = models.filter((m) => m.model.toLowerCase().includes(text) || m.name.toLowerCase().includes(text));
  // Models whose technical name starts with the text first.
  return hits.sort((a, b) => Number(!a.model.toLowerCase().startsWith(text)) - Number(!b.model.toLowerCase().startsWith(text)) || a.model.localeCompare(b.model));
}

async function testConnection(conn: Connection): Promise<Record<string, unknown>> {
  const run = async () => {
    const auth = await conn.client.authenticate();
    let user: { name?: string; login?: string } = {};
    try {
      const rows = (await conn.client.executeKw('res.users', 'read', [[auth.uid]], { fields: ['name', 'login'] })) as Array<Record<string, unknown>>;
      if (Array.isArray(rows) && rows[0]) user = { name: str(rows[0].name), login: str(rows[0].login) };
    } catch {
      // Some users cannot read res.users; the login itself succeeded.
    }
    const version = conn.client.version ? await conn.client.version() : undefined;
    return {
      ok: true,
      url: conn.url,
      db: conn.db,
      serverVersion: auth.serverVersion,
      major: version?.major,
      protocol: auth.protocol,
      uid: auth.uid,
      user: { name: user.name ?? '', login: user.login ?? conn.username },
    };
  };
  return withDeadline(run(), deadlineMs(), conn.url);
}

type Action = 'models' | 'fields' | 'test';

async function handle(RED: NodeAPI, action: Action, body: RequestBody, req: Request, res: Response): Promise<void> {
  let conn: Connection | null = null;
  try {
    if (action === 'fields' && !str(body.model).trim()) throw new HttpError(400, 'Choose a model first');
    conn = await resolveConnection(RED, body, req, res);
    if (!conn) return;
    const refresh = body.refresh === true || body.refresh === 'true' || body.refresh === '1';
    if (action === 'models') {
      const models = await listModels(conn, refresh);
      res.json({ models: filterModels(models, str(body.q)), total: models.length });
    } else if (action === 'fields') {
      const model = str(body.model).trim();
      res.json({ model, fields: await listFields(conn, model, refresh) });
    } else {
      res.json(await testConnection(conn));
    }
  } catch (err) {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message, code: err.code });
      return;
    }
    const answer = describeSchemaError(err, { url: conn?.url ?? str(body.url), db: conn?.db, username: conn?.username, model: str(body.model) });
    if (action === 'test') answer.body = { ...answer.body, ok: false } as typeof answer.body;
    res.status(answer.status).json(answer.body);
  }
}

/** Register the endpoints on RED.httpAdmin (once per runtime; later calls do nothing). */
export function registerSchemaEndpoints(RED: NodeAPI): void {
  const app = RED.httpAdmin as unknown as {
    get(path: string, ...h: unknown[]): void;
    post(path: string, ...h: unknown[]): void;
  };
  if (!app || registered.has(app)) return;
  registered.add(app);
  const perm = RED.auth.needsPermission('odoo-server.read');
  const route = (action: Action, fromRequest: (req: Request, body: RequestBody) => RequestBody) =>
    (req: Request, res: Response) => {
      readBody(req)
        .then((body) => handle(RED, action, fromRequest(req, body), req, res))
        .catch((err: unknown) => {
          const status = err instanceof HttpError ? err.status : 500;
          if (!res.headersSent) res.status(status).json({ error: (err as Error).message });
        });
    };
  for (const action of ['models', 'fields', 'test'] as const) {
    app.post(`${SCHEMA_ROUTE}/${action}`, perm, route(action, (_req, body) => body));
  }
  app.get(`${SCHEMA_ROUTE}/:server/models`, perm, route('models', (req) => ({ server: str(req.params.server), q: str(req.query.q), refresh: str(req.query.refresh) })));
  app.get(`${SCHEMA_ROUTE}/:server/fields/:model`, perm, route('fields', (req) => ({ server: str(req.params.server), model: str(req.params.model), refresh: str(req.query.refresh) })));
}
