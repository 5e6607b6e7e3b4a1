/**
 * The Odoo sandbox's HTTP server: one keep-alive node:http server routing Odoo's external API
 * (XML-RPC, JSON-RPC, JSON-2 on 19, /web/version) to the in-memory ORM, plus the admin endpoints
 * /sandbox/faults, /sandbox/reset and /sandbox/health.
 */
import fs from 'fs';
import http from 'http';
import path from 'path';
import type { AddressInfo, Socket } from 'net';
import { createDatabase, CreateDatabaseOptions } from './database';
import { FaultConfig, FaultController, validateFaults } from './faults';
import { statusText } from './protocols/errors';
import { handleJson2 } from './protocols/json2';
import { handleJsonRpc, HttpOutcome } from './protocols/jsonrpc';
import { ServiceContext } from './protocols/services';
import { handleXmlRpc } from './protocols/xmlrpc';
import type { OdooVersion, SandboxDatabase, SandboxUser } from './types';

export type { CreateDatabaseOptions };
export type CreateDatabase = (opts: CreateDatabaseOptions) => SandboxDatabase;

export interface OdooSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default env ODOO_SANDBOX_PORT or 8069; 0 = ephemeral. */
  port?: number;
  /** Default 19. */
  version?: OdooVersion;
  /** Load the data from this JSON file if it exists; save to it on close. */
  dataFile?: string;
  faults?: Partial<FaultConfig>;
  quiet?: boolean;
  /** Database factory (tests); default `createDatabase` of ./database. */
  createDatabase?: CreateDatabase;
}

export interface OdooSandbox {
  url: string;
  port: number;
  db: 'demo';
  version: OdooVersion;
  users: SandboxUser[];
  /** The live database (replaced by POST /sandbox/reset). */
  readonly database: SandboxDatabase;
  faults: FaultController;
  /** Reload the seeded demo data (what POST /sandbox/reset does). */
  reset(): void;
  /** Write the current data to `dataFile` (no-op without one). */
  save(): void;
  close(): Promise<void>;
}

const MAX_BODY = 128 * 1024 * 1024;
const XML_TYPE = 'text/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const NOT_FOUND_HTML =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

function send(res: http.ServerResponse, status: number, contentType: string, body: string, headers?: Record<string, string>): void {
  const buf = Buffer.from(body, 'utf8');
  const h: http.OutgoingHttpHeaders = { 'Content-Type': contentType, 'Content-Length': buf.length };
  if (headers) Object.assign(h, headers);
  res.writeHead(status, h);
  res.end(buf);
}

function sendOutcome(res: http.ServerResponse, o: HttpOutcome): void {
  send(res, o.status, o.contentType, o.body, o.headers);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(value));
}

function injectedStatusBody(status: number): string {
  const text = `${status} ${statusText(status)}`;
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function resetSocket(socket: Socket): void {
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else socket.destroy();
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooBig) resolve(null);
      else resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

export function describeSandbox(s: Pick<OdooSandbox, 'url' | 'db' | 'version' | 'users'>): string {
  const lines = [
    `Odoo ${s.version}.0 sandbox listening on ${s.url}`,
    `  database: ${s.db}`,
    `  XML-RPC:  ${s.url}/xmlrpc/2/common, ${s.url}/xmlrpc/2/object`,
    `  JSON-RPC: ${s.url}/jsonrpc`,
  ];
  if (s.version >= 19) lines.push(`  JSON-2:   ${s.url}/json/2/<model>/<method>  (Authorization: bearer <API key>)`);
  lines.push('  users (login / password / API key):');
  for (const u of s.users) lines.push(`    ${u.login} / ${u.password} / ${u.apiKey}   (uid ${u.uid}, ${u.name})`);
  return lines.join('\n');
}

export async function startOdooSandbox(opts: OdooSandboxOptions = {}): Promise<OdooSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? Number(process.env.ODOO_SANDBOX_PORT ?? 8069);
  const version: OdooVersion = opts.version ?? 19;
  if (![17, 18, 19].includes(version)) throw new Error(`unsupported Odoo version ${String(version)} (17, 18 or 19)`);
  const quiet = opts.quiet ?? false;
  const create = opts.createDatabase ?? createDatabase;
  const dataFile = opts.dataFile ? path.resolve(opts.dataFile) : undefined;

  let database: SandboxDatabase;
  if (dataFile && fs.existsSync(dataFile)) {
    const data: unknown = JSON.parse(fs.readFileSync(dataFile, 'utf8'));
    database = create({ version, data });
  } else {
    database = create({ version });
  }
  const faults = new FaultController(opts.faults ? validateFaults(opts.faults) : undefined);
  const ctx: ServiceContext = { db: database, version, faults };
  const startedAt = Date.now();

  const logInternal = (err: Error | undefined): void => {
    if (err && !quiet) console.error(`[odoo-sandbox] internal error: ${err.stack ?? err.message}`);
  };

  const handleAdmin = (req: http.IncomingMessage, res: http.ServerResponse, p: string, body: string): void => {
    const method = req.method ?? 'GET';
    if (p === '/sandbox/health') {
      sendJson(res, 200, { status: 'ok', db: database.name, version, uptimeS: Math.round((Date.now() - startedAt) / 1000), faults: faults.enabled() });
      return;
    }
    if (p === '/sandbox/faults') {
      if (method === 'GET') return sendJson(res, 200, { config: faults.get(), stats: faults.stats });
      if (method === 'DELETE') {
        faults.clear();
        return sendJson(res, 200, { config: faults.get(), stats: faults.stats });
      }
      if (method === 'POST' || method === 'PUT') {
        let input: unknown;
        try {
          input = body.trim() === '' ? {} : JSON.parse(body);
        } catch {
          return sendJson(res, 400, { error: 'body is not valid JSON' });
        }
        try {
          const obj = input as Record<string, unknown>;
          if (obj && typeof obj === 'object' && !Array.isArray(obj) && (obj.clear === true || obj.resetStats === true)) {
            const { clear, resetStats, ...rest } = obj;
            if (clear === true) faults.clear();
            if (resetStats === true) faults.resetStats();
            input = rest;
          }
          faults.set(validateFaults(input));
        } catch (err) {
          return sendJson(res, 400, { error: (err as Error).message });
        }
        return sendJson(res, 200, { config: faults.get(), stats: faults.stats });
      }
      return sendJson(res, 405, { error: 'use GET, POST or DELETE' });
    }
    if (p === '/sandbox/reset') {
      if (method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
      sandbox.reset();
      return sendJson(res, 200, { status: 'ok', db: database.name, version });
    }
    send(res, 404, HTML_TYPE, NOT_FOUND_HTML);
  };

  const handleApi = (req: http.IncomingMessage, res: http.ServerResponse, p: string, body: string): void => {
    const method = req.method ?? 'GET';
    if (p.startsWith('/xmlrpc/')) {
      const legacy = !p.startsWith('/xmlrpc/2/');
      const service = p.slice(legacy ? 8 : 10);
      if (!service || service.includes('/')) return send(res, 404, HTML_TYPE, NOT_FOUND_HTML);
      if (method !== 'POST') return send(res, 405, HTML_TYPE, `<!doctype html>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n`, { Allow: 'POST' });
      const out = handleXmlRpc(ctx, service, body, legacy);
      logInternal(out.internal);
      return send(res, 200, XML_TYPE, out.body);
    }
    if (p === '/jsonrpc') {
      if (method !== 'POST') return send(res, 405, HTML_TYPE, `<!doctype html>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n`, { Allow: 'POST' });
      const out = handleJsonRpc(ctx, body);
      logInternal(out.internal);
      return sendOutcome(res, out);
    }
    if (p.startsWith('/json/2/') || p === '/json/2') {
      const auth = req.headers.authorization;
      const dbHeader = req.headers['x-odoo-database'];
      const out = handleJson2(ctx, {
        httpMethod: method,
        path: p,
        authorization: auth,
        database: Array.isArray(dbHeader) ? dbHeader[0] : dbHeader,
        body,
      });
      logInternal(out.internal);
      return sendOutcome(res, out);
    }
    if (p === '/web/version') {
      return sendJson(res, 200, { version_info: [version, 0, 0, 'final', 0, ''], version: `${version}.0` });
    }
    send(res, 404, HTML_TYPE, NOT_FOUND_HTML);
  };

  const isApiPath = (p: string): boolean =>
    p.startsWith('/xmlrpc/') || p === '/jsonrpc' || p === '/web/version' || (version >= 19 && (p.startsWith('/json/2/') || p === '/json/2'));

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const p = q === -1 ? url : url.slice(0, q);
    readBody(req).then(
      async (body) => {
        if (body === null) return send(res, 413, HTML_TYPE, '<!doctype html>\n<title>413 Request Entity Too Large</title>\n');
        if (p.startsWith('/sandbox/')) return handleAdmin(req, res, p, body);
        if (!isApiPath(p)) return send(res, 404, HTML_TYPE, NOT_FOUND_HTML);
        const decision = faults.decide();
        if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
        const action = decision.action;
        if (action.kind === 'reset') return resetSocket(req.socket);
        if (action.kind === 'status') return send(res, action.status, HTML_TYPE, injectedStatusBody(action.status), action.headers);
        handleApi(req, res, p, body);
      },
    ).catch((err: Error) => {
      logInternal(err);
      if (!res.headersSent) send(res, 500, HTML_TYPE, '<!doctype html>\n<title>500 Internal Server Error</title>\n');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;

  const sandbox: OdooSandbox = {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    db: 'demo',
    version,
    users: database.users(),
    get database() {
      return database;
    },
    faults,
    reset() {
      const previous = database.users();
      database = create({ version });
      // Keep the passwords and API keys printed at start valid across a reset.
      const withCreds = database as SandboxDatabase & { setCredentials?: (uid: number, password: string, apiKey: string) => unknown };
      if (typeof withCreds.setCredentials === 'function') {
        const uids = new Set(database.users().map((u) => u.uid));
        for (const u of previous) if (uids.has(u.uid)) withCreds.setCredentials(u.uid, u.password, u.apiKey);
      }
      ctx.db = database;
      sandbox.users = database.users();
    },
    save() {
      if (!dataFile) return;
      const tmp = `${dataFile}.${process.pid}.tmp`;
      fs.mkdirSync(path.dirname(dataFile), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(database.dump()));
      fs.renameSync(tmp, dataFile);
    },
    close() {
      if (!closed) {
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }).then(() => sandbox.save());
      }
      return closed;
    },
  };
  if (!quiet) console.log(describeSandbox(sandbox));
  return sandbox;
}
