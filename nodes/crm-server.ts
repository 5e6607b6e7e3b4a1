/**
 * crm-server (config): the CRM connection. Exposes `.client` (lib/crm CrmClient) and `.provider`.
 * Admin endpoint POST /crm-server/test for the edit dialog's "Test connection".
 */
import type { NodeAPI, Node, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { createCrmClient } from '../lib/crm';
import type { CrmClient, CrmClientConfig, CrmProviderName } from '../lib/crm/types';
import { envValue, resolveEnv } from './shared/env';
import { buildCrmConfig as buildConfig, type CrmServerSettings } from '../lib/crm/config';

const PASSWORD_PLACEHOLDER = '__PWRD__';

type CrmServerDef = NodeDef & CrmServerSettings;

interface CrmServerCredentials {
  token?: string;
  secret?: string;
  username?: string;
  clientId?: string;
  clientSecret?: string;
}

interface CrmServerNode extends Node<CrmServerCredentials> {
  client: CrmClient;
  provider: CrmProviderName;
  clientConfig: CrmClientConfig;
}

function buildCrmConfig(config: CrmServerSettings, creds: CrmServerCredentials, log?: (l: string) => void): CrmClientConfig {
  return buildConfig(config, creds, { envValue, resolveEnv, log });
}

export = function (RED: NodeAPI) {
  function CrmServer(this: CrmServerNode, config: CrmServerDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    try {
      node.clientConfig = buildCrmConfig(config, node.credentials ?? {}, (l) => node.debug(l));
      node.provider = node.clientConfig.provider;
      node.client = createCrmClient(node.clientConfig);
    } catch (e) {
      // Unusable settings (e.g. an unknown provider): the CRM nodes see no client and say so per message.
      node.error(`crm-server: ${(e as Error).message}`);
      return;
    }
    node.on('close', (done: () => void) => {
      node.client.close();
      done();
    });
  }

  RED.nodes.registerType('crm-server', CrmServer as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
    credentials: {
      token: { type: 'password' },
      secret: { type: 'password' },
      username: { type: 'text' },
      clientId: { type: 'text' },
      clientSecret: { type: 'password' },
    },
  });

  RED.httpAdmin.post('/crm-server/test', RED.auth.needsPermission('crm-server.write'), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = typeof body.id === 'string' ? body.id : undefined;
    let client: CrmClient | undefined;
    let temporary = false;
    try {
      const deployed = id ? (RED.nodes.getNode(id) as CrmServerNode | null) : null;
      if (typeof body.provider !== 'string') {
        if (!deployed) {
          res.json({ ok: false, error: 'Deploy the configuration or fill in the provider and URL first', code: 'CrmConfigError' });
          return;
        }
        client = deployed.client;
      } else {
        const stored = (id ? (RED.nodes.getCredentials(id) as CrmServerCredentials | undefined) : undefined) ?? {};
        const cred = (name: keyof CrmServerCredentials) =>
          body[name] === PASSWORD_PLACEHOLDER || body[name] === undefined ? stored[name] : String(body[name]);
        const cfg = buildCrmConfig(body as unknown as CrmServerDef, {
          token: cred('token'), secret: cred('secret'), username: cred('username'), clientId: cred('clientId'), clientSecret: cred('clientSecret'),
        });
        client = createCrmClient({ ...cfg, maxRetries: 0, timeoutMs: Math.min(cfg.timeoutMs ?? 30_000, 15_000) });
        temporary = true;
      }
      const info = await client.testConnection();
      res.json({ ok: true, provider: info.provider, url: info.url, detail: info.detail });
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { type?: string; status?: number } };
      res.json({ ok: false, error: err?.message ?? String(e), code: err?.code ?? 'Error', type: err?.cause?.type, status: err?.cause?.status });
    } finally {
      if (temporary) client?.close();
    }
  });
};
