/**
 * `odoo-trigger`: reports changed records of a model.
 *  - mode `poll`: every `interval` seconds, search_read by a (write_date, id) cursor kept in the state
 *    store (lib/odoo/poller.ts); optional field tracking.
 *  - mode `webhook`: receives the POST of an Odoo 17+ automation rule "Send Webhook Notification"
 *    (JSON with _model, _id, _action, the selected fields and id) on `path`, checked against a shared
 *    secret given as ?secret= / ?token= in the URL or in the X-Webhook-Secret / Authorization: Bearer header.
 * Output: one message per record (msg.payload record, msg.topic model) or one per batch.
 * An input message polls at once (msg.reset = true forgets the cursor first).
 */
import crypto from 'crypto';
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { Request, Response } from 'express';
import type { OdooClient, OdooRecord } from '../lib/odoo/client';
import { OdooRequestError } from '../lib/odoo/errors';
import { Change, OdooPoller } from '../lib/odoo/poller';
import type { StateStore } from '../lib/state/types';
import { envValue } from './shared/env';
import { domainOf, fieldsOf } from './shared/inputs';
import { reportError, toContractError, errorStatusText } from './shared/errors';
import { clock, failed, idle, ok, working } from './shared/status';
import { resolveStore } from './shared/store';

interface TriggerDef extends NodeDef {
  server: string;
  mode?: string;
  model?: string;
  domain?: string;
  fields?: string;
  interval?: string | number;
  output?: string;
  trackFields?: string;
  since?: string;
  overlap?: string | number;
  pageSize?: string | number;
  path?: string;
  store?: string;
}

interface ServerNode extends Node {
  client: OdooClient;
}

type Msg = NodeMessageInFlow & Record<string, unknown>;

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

function readJsonBody(req: Request): Promise<unknown> {
  const pre = (req as unknown as { body?: unknown }).body;
  if (pre !== undefined && !(typeof pre === 'object' && pre !== null && Object.keys(pre).length === 0 && !req.readable)) {
    if (typeof pre === 'string') return Promise.resolve(JSON.parse(pre));
    if (Buffer.isBuffer(pre)) return Promise.resolve(JSON.parse(pre.toString('utf8')));
    if (pre && typeof pre === 'object' && Object.keys(pre).length) return Promise.resolve(pre);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 5 * 1024 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text.trim() ? JSON.parse(text) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

export = function (RED: NodeAPI) {
  function OdooTrigger(this: Node<{ secret?: string }>, config: TriggerDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as ServerNode | null;
    const mode = config.mode === 'webhook' ? 'webhook' : 'poll';
    const model = (config.model ?? '').trim();
    const perBatch = config.output === 'batch';
    const intervalMs = Math.max(1, Number(config.interval) || 60) * 1000;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let polling: Promise<void> | undefined;
    let store: StateStore | undefined;
    let poller: OdooPoller | undefined;
    let routePath: string | undefined;
    let routeHandler: unknown;
    let setupError: Error | undefined;

    const emit = (changes: Change[]) => {
      if (!changes.length || closed) return;
      if (perBatch) {
        const previous: Record<string, unknown> = {};
        let tracked = false;
        for (const c of changes) {
          if (c.previous !== undefined) {
            tracked = true;
            previous[String(c.record.id)] = c.previous;
          }
        }
        const m: Record<string, unknown> = { payload: changes.map((c) => c.record), topic: model };
        if (tracked) m.previous = previous;
        node.send(m as unknown as Msg);
      } else {
        // One output: an array inside the array sends several messages on it.
        const msgs = changes.map((c) => {
          const m: Record<string, unknown> = { payload: c.record, topic: model };
          if (c.previous !== undefined) {
            m.previous = c.previous;
            m.changed = c.changed;
          }
          return m;
        });
        node.send([msgs] as unknown as Msg);
      }
    };

    try {
      if (!server) throw new OdooRequestError('odoo-trigger: no odoo-server configuration selected');
      if (!model) throw new OdooRequestError('property model: the model to watch is required, e.g. "res.partner"');
      store = resolveStore(RED, node, config.store);
      poller = new OdooPoller(server.client, store, {
        model,
        key: `${node.id}`,
        domain: domainOf(config.domain, 'property domain', { model }),
        fields: fieldsOf(config.fields, 'property fields', { model }),
        trackFields: fieldsOf(config.trackFields, 'property trackFields', { model }),
        since: config.since === 'all' ? 'all' : 'now',
        overlapS: config.overlap !== undefined && config.overlap !== '' ? Math.max(0, Number(config.overlap) || 0) : 60,
        pageSize: Math.max(1, Number(config.pageSize) || 200),
      });
    } catch (e) {
      const err = toContractError(e);
      setupError = err;
      failed(node, errorStatusText(err));
      node.error(err.message);
    }

    /** One poll at a time; resolves with the error (already shown in the status) or undefined. */
    let lastPollError: Error | undefined;
    const pollOnce = (report = true): Promise<Error | undefined> => {
      if (!poller || closed) return Promise.resolve(undefined);
      if (polling) return polling.then(() => lastPollError);
      const p = poller;
      working(node, `polling ${model}`);
      const run = (async () => {
        lastPollError = undefined;
        await Promise.resolve(); // so that `polling` below is set before the finally clause runs
        try {
          const changes = await p.poll();
          if (closed) return;
          emit(changes);
          ok(node, `${changes.length} changes at ${clock()}`);
        } catch (e) {
          if (closed) return;
          const err = toContractError(e);
          lastPollError = err;
          failed(node, errorStatusText(err));
          // A timed poll has no message of its own: node.error with a msg still reaches Catch.
          if (report) node.error(err, { topic: model, error: err } as unknown as Msg);
        } finally {
          polling = undefined;
        }
      })();
      polling = run;
      return run.then(() => lastPollError);
    };

    const schedule = () => {
      if (closed) return;
      timer = setTimeout(() => {
        pollOnce().finally(schedule);
      }, intervalMs);
    };

    if (poller && mode === 'poll') {
      idle(node, `every ${intervalMs / 1000}s`);
      // First poll soon after start (lets the deploy finish), then every interval.
      timer = setTimeout(() => {
        pollOnce().finally(schedule);
      }, 50);
    }

    if (poller && mode === 'webhook') {
      const p0 = (config.path ?? '').trim();
      if (!p0) {
        failed(node, 'no webhook path');
      } else {
        routePath = p0.startsWith('/') ? p0 : '/' + p0;
        const secret = envValue(node.credentials?.secret, ['ODOO_WEBHOOK_SECRET']);
        if (!secret) failed(node, 'no secret: requests are refused');
        else idle(node, `webhook ${routePath}`);
        const handler = async (req: Request, res: Response) => {
          const q = req.query as Record<string, unknown>;
          const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization.replace(/^bearer\s+/i, '') : undefined;
          const given = [q.secret, q.token, req.headers['x-webhook-secret'], auth].find((v) => typeof v === 'string' && v) as string | undefined;
          if (!secret || !given || !safeEqual(given, secret)) {
            res.status(401).json({ error: 'unauthorized' });
            return;
          }
          let body: unknown;
          try {
            body = await readJsonBody(req);
          } catch {
            res.status(400).json({ error: 'body is not valid JSON' });
            return;
          }
          if (!body || typeof body !== 'object' || Array.isArray(body)) {
            res.status(400).json({ error: 'a JSON object is expected' });
            return;
          }
          const b = body as Record<string, unknown>;
          const bodyModel = typeof b._model === 'string' ? b._model : undefined;
          if (bodyModel && bodyModel !== model) {
            res.status(200).json({ ok: true, ignored: `model ${bodyModel}` });
            return;
          }
          const id = Number(b.id ?? b._id);
          if (!Number.isInteger(id) || id <= 0) {
            res.status(400).json({ error: 'no record id (_id or id)' });
            return;
          }
          res.status(200).json({ ok: true });
          const { _model, _id, _action, ...fields } = b;
          const record: OdooRecord = { ...fields, id };
          try {
            const changes = await (poller as OdooPoller).track([record]);
            if (closed || !changes.length) return;
            const c = changes[0];
            const m: Record<string, unknown> = { payload: c.record, topic: model, odoo: { model: _model ?? model, id: _id ?? id, action: _action } };
            if (c.previous !== undefined) {
              m.previous = c.previous;
              m.changed = c.changed;
            }
            node.send((perBatch ? { ...m, payload: [c.record], previous: c.previous !== undefined ? { [String(id)]: c.previous } : undefined } : m) as unknown as Msg);
            ok(node, `#${id} at ${clock()}`);
          } catch (e) {
            const err = toContractError(e);
            failed(node, errorStatusText(err));
            node.error(err, { topic: model, payload: record, error: err } as unknown as Msg);
          }
        };
        RED.httpNode.post(routePath, handler);
        routeHandler = handler;
      }
    }

    node.on('input', async (msgIn, _send, done) => {
      const msg = msgIn as Msg;
      try {
        if (!poller) throw setupError ?? new OdooRequestError('odoo-trigger is not configured (see its status)');
        if (msg.reset === true) {
          if (polling) await polling;
          await poller.reset();
        }
        const err = await pollOnce(false);
        if (err) reportError(node, done, err);
        else done();
      } catch (e) {
        reportError(node, done, e);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      if (timer) clearTimeout(timer);
      if (routePath) {
        const router = (RED.httpNode as unknown as { _router?: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } })._router;
        if (router) {
          for (let i = router.stack.length - 1; i >= 0; i--) {
            // Only this node's own route: another node on the same path (partial deploy) keeps its own.
            const r = router.stack[i].route as { path: string; methods: Record<string, boolean>; stack?: Array<{ handle?: unknown }> } | undefined;
            if (r && r.path === routePath && r.methods.post && (r.stack ?? []).some((l) => l.handle === routeHandler)) router.stack.splice(i, 1);
          }
        }
      }
      const p = polling;
      if (p) p.finally(() => done());
      else done();
    });
  }

  RED.nodes.registerType('odoo-trigger', OdooTrigger as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
    credentials: { secret: { type: 'password' } },
  });
};
