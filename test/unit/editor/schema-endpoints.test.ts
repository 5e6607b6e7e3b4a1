/**
 * The editor's live-schema endpoints (nodes/shared/schema-endpoints.ts) against the Odoo sandbox,
 * mounted on a plain express app with a stand-in for RED (nodes, credentials, permissions).
 */
import assert from 'assert';
import http from 'http';
import net from 'net';
import type { AddressInfo } from 'net';
import express from 'express';
import { startOdooSandbox } from '../../../sandbox/odoo/server';
import { registerSchemaEndpoints, resetSchemaCaches, SCHEMA_ROUTE } from '../../../nodes/shared/schema-endpoints';
import { OdooClient } from '../../../lib/odoo/client';

type Sandbox = Awaited<ReturnType<typeof startOdooSandbox>>;

interface FakeNode { id: string; type: string; client: OdooClient; clientOptions: Record<string, unknown> }

describe('editor: live schema endpoints', function () {
  this.timeout(20000);
  let odoo: Sandbox;
  let server: http.Server;
  let base: string;
  let deployedCalls = 0;
  const nodes = new Map<string, FakeNode>();
  const creds = new Map<string, Record<string, string>>();
  const clients: OdooClient[] = [];
  const permissionsAsked: string[] = [];
  let hangServer: net.Server;
  let hangUrl: string;
  let closedUrl: string;
  const sockets = new Set<net.Socket>();

  const RED = {
    httpAdmin: express(),
    auth: {
      // Permissions come from the x-perms header ("*" or a comma list); no header = everything allowed.
      needsPermission: (perm: string) => (req: express.Request, res: express.Response, next: express.NextFunction) => {
        permissionsAsked.push(perm);
        const h = req.headers['x-perms'];
        if (h === undefined || h === '*' || String(h).split(',').includes(perm)) return next();
        res.status(401).end();
      },
    },
    nodes: {
      getNode: (id: string) => nodes.get(id) ?? null,
      getCredentials: (id: string) => creds.get(id),
    },
  };

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + SCHEMA_ROUTE + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  }

  before(async () => {
    process.env.ODOO_SCHEMA_TIMEOUT_MS = '1500';
    odoo = await startOdooSandbox({ port: 0, quiet: true, host: '127.0.0.1' });
    RED.httpAdmin.use(express.json());
    registerSchemaEndpoints(RED as never);
    registerSchemaEndpoints(RED as never); // idempotent
    server = http.createServer(RED.httpAdmin);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const client = new OdooClient({ url: odoo.url, db: 'demo', username: 'integration', password: 'integration', protocol: 'xmlrpc' });
    clients.push(client);
    const original = client.executeKw.bind(client);
    client.executeKw = (...a: Parameters<OdooClient['executeKw']>) => {
      deployedCalls++;
      return original(...a);
    };
    nodes.set('srv1', { id: 'srv1', type: 'odoo-server', client, clientOptions: { ...client.options } });
    creds.set('srv1', { username: 'integration', password: 'integration' });
    creds.set('new1', { username: 'admin', password: 'admin' });

    // A server that accepts connections and never answers; and a port with nothing listening.
    hangServer = net.createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    await new Promise<void>((r) => hangServer.listen(0, '127.0.0.1', () => r()));
    hangUrl = `http://127.0.0.1:${(hangServer.address() as AddressInfo).port}`;
    const tmp = net.createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', () => r()));
    closedUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}`;
    await new Promise<void>((r) => tmp.close(() => r()));
  });

  after(async () => {
    delete process.env.ODOO_SCHEMA_TIMEOUT_MS;
    resetSchemaCaches();
    for (const c of clients) await c.close();
    for (const s of sockets) s.destroy();
    if (hangServer) await new Promise<void>((r) => hangServer.close(() => r()));
    if (server) {
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    }
    if (odoo) await odoo.close();
  });

  beforeEach(() => resetSchemaCaches());

  it('registers each route once and protects it with odoo-server.read', () => {
    const stack = (RED.httpAdmin as unknown as { _router?: { stack: Array<{ route?: { path: string } }> }; router?: { stack: Array<{ route?: { path: string } }> } });
    const routes = (stack._router ?? stack.router)!.stack.filter((l) => l.route).map((l) => l.route!.path);
    assert.deepStrictEqual(routes.sort(), [
      `${SCHEMA_ROUTE}/:server/fields/:model`, `${SCHEMA_ROUTE}/:server/models`, `${SCHEMA_ROUTE}/fields`, `${SCHEMA_ROUTE}/models`, `${SCHEMA_ROUTE}/test`,
    ].sort());
    assert.ok(permissionsAsked.every((p) => p === 'odoo-server.read'));
  });

  it('lists models with the dialog values of a new, undeployed server, and filters them by q', async () => {
    const all = await call('POST', '/models', { url: odoo.url, db: 'demo', protocol: 'auto', username: 'integration', password: 'integration' });
    assert.strictEqual(all.status, 200, all.text);
    const names = all.json.models.map((m: { model: string }) => m.model);
    for (const m of ['res.partner', 'sale.order', 'ir.model']) assert.ok(names.includes(m), `${m} in ${names.join(',')}`);
    assert.strictEqual(all.json.total, names.length);
    const partner = all.json.models.find((m: { model: string }) => m.model === 'res.partner');
    assert.ok(partner.name && partner.name !== 'res.partner', 'has a human name');
    const some = await call('POST', '/models', { url: odoo.url, db: 'demo', username: 'integration', password: 'integration', q: 'partner' });
    assert.strictEqual(some.status, 200);
    assert.ok(some.json.models.length >= 1 && some.json.models.length < names.length);
    assert.strictEqual(some.json.models[0].model, 'res.partner', 'names starting with the text come first');
    for (const m of some.json.models) assert.ok(`${m.model} ${m.name}`.toLowerCase().includes('partner'));
  });

  it('gives the fields of a model with type, label, required, readonly, relation and selection', async () => {
    const r = await call('POST', '/fields', { url: odoo.url, db: 'demo', username: 'integration', password: 'integration', model: 'res.partner' });
    assert.strictEqual(r.status, 200, r.text);
    assert.strictEqual(r.json.model, 'res.partner');
    const f = Object.fromEntries(r.json.fields.map((x: { name: string }) => [x.name, x]));
    assert.strictEqual(f.name.type, 'char');
    assert.strictEqual(f.name.required, false, "res.partner's name is not required at field level in Odoo");
    const so = await call('POST', '/fields', { url: odoo.url, db: 'demo', username: 'integration', password: 'integration', model: 'sale.order' });
    const partnerId = so.json.fields.find((x: { name: string }) => x.name === 'partner_id');
    assert.deepStrictEqual([partnerId.type, partnerId.required, partnerId.relation], ['many2one', true, 'res.partner']);
    assert.strictEqual(f.country_id.type, 'many2one');
    assert.strictEqual(f.country_id.relation, 'res.country');
    assert.strictEqual(f.type.type, 'selection');
    assert.ok(f.type.selection.some((s: string[]) => s[0] === 'delivery'));
    assert.strictEqual(typeof f.email.readonly, 'boolean');
  });

  it('uses the deployed node\'s client by id and caches answers per server and model', async () => {
    const before = deployedCalls;
    const a = await call('GET', '/srv1/models');
    assert.strictEqual(a.status, 200, a.text);
    const b = await call('GET', '/srv1/models?q=sale');
    assert.strictEqual(b.status, 200);
    assert.strictEqual(deployedCalls - before, 1, 'the second answer came from the cache');
    await call('GET', '/srv1/fields/res.partner');
    await call('GET', '/srv1/fields/res.partner');
    await call('GET', '/srv1/fields/sale.order');
    assert.strictEqual(deployedCalls - before, 3, 'one fields_get per model');
    await call('GET', '/srv1/models?refresh=1');
    assert.strictEqual(deployedCalls - before, 4, 'refresh asks again');
    // Dialog values equal to the deployed ones with the password placeholder: the same client.
    await call('POST', '/fields', { server: 'srv1', url: odoo.url, db: 'demo', protocol: 'xmlrpc', username: 'integration', password: '__PWRD__', model: 'res.country', refresh: true });
    assert.strictEqual(deployedCalls - before, 5);
  });

  it('uses the stored password for the placeholder and never sends credentials back', async () => {
    const r = await call('POST', '/models', { server: 'new1', url: odoo.url, db: 'demo', username: 'admin', password: '__PWRD__' });
    assert.strictEqual(r.status, 200, r.text);
    const t = await call('POST', '/test', { server: 'new1', url: odoo.url, db: 'demo', password: '__PWRD__' });
    assert.strictEqual(t.status, 200, t.text);
    for (const text of [r.text, t.text]) {
      assert.ok(!text.includes('"admin"') || !/password/i.test(text), 'no password field');
      assert.ok(!/__PWRD__|"password"/.test(text));
    }
  });

  it('answers "Test connection" with version, user and database', async () => {
    const t = await call('POST', '/test', { url: odoo.url, db: 'demo', username: 'integration', password: 'integration' });
    assert.strictEqual(t.status, 200, t.text);
    assert.strictEqual(t.json.ok, true);
    assert.match(t.json.serverVersion, /^1[789]\.0/);
    assert.strictEqual(t.json.db, 'demo');
    assert.strictEqual(t.json.user.login, 'integration');
    assert.ok(t.json.user.name);
    assert.ok(t.json.uid > 0);
  });

  it('says clearly when the login is refused', async () => {
    const r = await call('POST', '/models', { url: odoo.url, db: 'demo', username: 'integration', password: 'wrong' });
    assert.strictEqual(r.status, 422, r.text);
    assert.match(r.json.error, /refused the login of 'integration' on database 'demo'/);
    assert.ok(!r.text.includes('wrong'));
  });

  it('answers at once with 502 when Odoo is unreachable', async () => {
    const r = await call('POST', '/models', { url: closedUrl, db: 'demo', username: 'u', password: 'p' });
    assert.strictEqual(r.status, 502, r.text);
    assert.strictEqual(r.json.error, `Odoo at ${closedUrl} is unreachable: ECONNREFUSED`);
    const t = await call('POST', '/test', { url: closedUrl, db: 'demo', username: 'u', password: 'p' });
    assert.strictEqual(t.status, 502);
    assert.strictEqual(t.json.ok, false);
  });

  it('answers 504 when Odoo accepts the connection but never answers', async () => {
    const r = await call('POST', '/fields', { url: hangUrl, db: 'demo', username: 'u', password: 'p', model: 'res.partner' });
    assert.ok(r.status === 504 || r.status === 502, r.text);
    assert.match(r.json.error, new RegExp(`Odoo at ${hangUrl} (did not answer within|is unreachable: ETIMEDOUT)`));
  });

  it('404 for an unknown model, 400 for missing input, 404 for an undeployed server id', async () => {
    const m = await call('GET', '/srv1/fields/no.such.model');
    assert.strictEqual(m.status, 404, m.text);
    assert.match(m.json.error, /Model 'no.such.model' does not exist/);
    const noModel = await call('POST', '/fields', { server: 'srv1' });
    assert.strictEqual(noModel.status, 400);
    const noUrl = await call('POST', '/models', { url: 'odoo.local', db: 'demo', username: 'u', password: 'p' });
    assert.strictEqual(noUrl.status, 400);
    assert.match(noUrl.json.error, /must start with http/);
    const missing = await call('GET', '/ghost/models');
    assert.strictEqual(missing.status, 404);
    assert.match(missing.json.error, /not deployed/);
  });

  it('needs write permission to send a stored password to another URL', async () => {
    const readOnly = { 'x-perms': 'odoo-server.read' };
    const moved = await call('POST', '/models', { server: 'srv1', url: closedUrl, db: 'demo', username: 'integration', password: '__PWRD__' }, readOnly);
    assert.strictEqual(moved.status, 403, moved.text);
    // Same URL as deployed: fine with read permission.
    const same = await call('POST', '/models', { server: 'srv1', url: odoo.url, db: 'demo', username: 'integration', password: '__PWRD__' }, readOnly);
    assert.strictEqual(same.status, 200, same.text);
    // A password typed in the dialog is the user's own: fine with read permission.
    const typed = await call('POST', '/models', { server: 'srv1', url: closedUrl, db: 'demo', username: 'x', password: 'typed' }, readOnly);
    assert.strictEqual(typed.status, 502);
    const writer = await call('POST', '/models', { server: 'srv1', url: closedUrl, db: 'demo', username: 'integration', password: '__PWRD__' }, { 'x-perms': 'odoo-server.read,odoo-server.write' });
    assert.strictEqual(writer.status, 502);
    const none = await call('GET', '/srv1/models', undefined, { 'x-perms': 'flows.read' });
    assert.strictEqual(none.status, 401);
  });
});
