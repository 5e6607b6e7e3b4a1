/**
 * `odoo-server` config node: one Odoo connection (URL, database, protocol, timeout, default context,
 * credentials). Exposes `.client`, an OdooClient created on first use and closed when the node closes.
 * Admin endpoint POST /odoo-server/test checks a connection from the edit dialog.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { OdooClient, OdooClientOptions } from '../lib/odoo/client';
import { buildClientOptions, ServerCredentials, ServerSettings } from '../lib/odoo/config';
import { OdooError, OdooRequestError, OdooTransientError } from '../lib/odoo/errors';
import { registerSchemaEndpoints } from './shared/schema-endpoints';

interface ServerDef extends NodeDef, ServerSettings {}

interface OdooServerNode extends Node<ServerCredentials> {
  /** The shared client (created on first access). Throws OdooRequestError for an unusable configuration. */
  readonly client: OdooClient;
  readonly clientOptions: OdooClientOptions;
  /** Human-readable target, e.g. "http://odoo:8069 demo". */
  readonly target: string;
}

const PASSWORD_PLACEHOLDER = '__PWRD__';

export = function (RED: NodeAPI) {
  registerSchemaEndpoints(RED); // editor live schema: models, fields (nodes/shared/schema-endpoints.ts)
  function OdooServer(this: OdooServerNode, config: ServerDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    let client: OdooClient | undefined;
    let options: OdooClientOptions | undefined;
    let configError: Error | undefined;
    try {
      options = buildClientOptions(config, node.credentials ?? {});
    } catch (e) {
      configError = e as Error;
      node.error(`odoo-server: ${(e as Error).message}`);
    }
    Object.defineProperty(node, 'clientOptions', { get: () => options });
    Object.defineProperty(node, 'target', { get: () => (options ? `${options.url} ${options.db}`.trim() : '') });
    Object.defineProperty(node, 'client', {
      enumerable: false,
      get(): OdooClient {
        if (configError || !options) throw configError ?? new OdooRequestError('odoo-server is not configured');
        if (!client || client.isClosed) client = new OdooClient(options);
        return client;
      },
    });
    node.on('close', (_removed: boolean, done: () => void) => {
      const c = client;
      client = undefined;
      if (!c) return done();
      c.close().then(done, done);
    });
  }

  RED.nodes.registerType('odoo-server', OdooServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
    credentials: { username: { type: 'text' }, password: { type: 'password' } },
  });

  // Test a connection from the edit dialog: a deployed node by id, or the dialog's unsaved values.
  RED.httpAdmin.post('/odoo-server/test', RED.auth.needsPermission('odoo-server.write'), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = typeof body.id === 'string' ? body.id : undefined;
    let client: OdooClient | undefined;
    let temporary = false;
    let opts: OdooClientOptions;
    try {
      const deployed = id ? (RED.nodes.getNode(id) as OdooServerNode | null) : null;
      const hasValues = typeof body.url === 'string';
      if (!hasValues) {
        if (!deployed) {
          res.json({ ok: false, error: 'Deploy the configuration or fill in the URL first', code: 'OdooRequestError' });
          return;
        }
        client = deployed.client;
        opts = deployed.clientOptions;
      } else {
        const stored = (id ? (RED.nodes.getCredentials(id) as ServerCredentials | undefined) : undefined) ?? {};
        const password = body.password === PASSWORD_PLACEHOLDER || body.password === undefined ? stored.password : String(body.password);
        const username = body.username === undefined ? stored.username : String(body.username);
        opts = buildClientOptions(
          { url: String(body.url), db: body.db as string, protocol: body.protocol as string, timeout: body.timeout as string, context: body.context as string } as ServerDef,
          { username, password },
        );
        client = new OdooClient({ ...opts, retry: { attempts: 1 } });
        temporary = true;
      }
      const limit = (opts.timeoutMs ?? 30000) * 2 + 1000;
      let timer: NodeJS.Timeout | undefined;
      const guard = new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new OdooTransientError(`no answer within ${limit} ms`, { networkCode: 'ETIMEDOUT' })), limit);
      });
      try {
        const c = client;
        const result = await Promise.race([
          (async () => {
            const auth = await c.authenticate();
            let userName: string | undefined;
            try {
              const users = (await c.executeKw('res.users', 'read', [[auth.uid]], { fields: ['name', 'login'] })) as Array<{ name?: string }>;
              userName = users?.[0]?.name;
            } catch {
              /* the user may not read res.users: the uid is enough */
            }
            return { ok: true, serverVersion: auth.serverVersion, uid: auth.uid, userName, user: userName, db: opts.db, protocol: auth.protocol, url: opts.url };
          })(),
          guard,
        ]);
        res.json(result);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      const err = e as OdooError;
      res.json({ ok: false, error: err?.message ?? String(e), code: err?.code ?? 'Error', type: err?.cause?.type });
    } finally {
      if (temporary && client) client.close().catch(() => undefined);
    }
  });
};
