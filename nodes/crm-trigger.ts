/**
 * crm-trigger: CRM changes in, as canonical events (lib/crm/types.ts CanonicalEvent), one message each.
 *
 * Webhook mode: serves `path` on Node-RED's HTTP server; checks the provider's authenticity scheme
 * first (401 and nothing emitted when it fails), parses, then durably accepts each event (claim on
 * eventId and enqueue into the node's inbox queue, atomically, in the state store) before answering 2xx. Polling mode:
 * pages through the provider's changed-since query; the cursor is stored only after the page's events
 * are enqueued. Both then drain the inbox: fetch the records (batched), emit, and ack an item once a
 * downstream node completes its message (or at once when nothing is wired). Un-acked items come back
 * after their lease (a crash or restart): at-least-once, never lost.
 */
import type { NodeAPI, Node, NodeDef, NodeMessage } from 'node-red';
import type { Request, Response, NextFunction } from 'express';
import { WebhookAuthError, WebhookPayloadError } from '../lib/crm/errors';
import type { CanonicalEvent, CrmAction, CrmClient, CrmObjectType, CrmProviderName, PollCursor, WebhookRequest } from '../lib/crm/types';
import { CRM_ACTIONS, CRM_OBJECT_TYPES } from '../lib/crm/types';
import type { QueueItem, StateStore } from '../lib/state/types';
import { clock, failed, idle, ok, working } from './shared/status';
import { resolveStore } from './shared/store';

interface TriggerDef extends NodeDef {
  crm: string;
  mode?: 'webhook' | 'poll';
  path?: string;
  objectTypes?: string | string[];
  events?: string | string[];
  properties?: string;
  associations?: string | string[];
  interval?: string | number;
  pageSize?: string | number;
  pollFrom?: 'now' | 'all';
  bodyLimit?: string | number;
  publicUrl?: string;
  store?: string;
  /** Lease before an un-acked message is emitted again (s). */
  ackTimeout?: string | number;
}

/** Provider field holding the pipeline stage, per object type (stage_changed detection from stored values). */
const STAGE_PROPERTY: Record<string, Partial<Record<CrmObjectType, string>>> = {
  hubspot: { deal: 'dealstage', ticket: 'hs_pipeline_stage' },
  salesforce: { deal: 'StageName', ticket: 'Status' },
  pipedrive: { deal: 'stage_id' },
  generic: { deal: 'stage', ticket: 'stage' },
};

const SEEN_TTL_MS = 7 * 24 * 3600 * 1000;
const MAX_FETCH_ATTEMPTS = 5;

interface HookApi {
  add(name: string, fn: (ev: { msg?: { _msgid?: string } }) => void): void;
  remove(name: string): void;
}

function loadUtilHooks(): HookApi | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require('@node-red/util') as { hooks?: HookApi }).hooks;
  } catch {
    return undefined;
  }
}

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof v !== 'string') return [];
  return v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

function num(v: unknown, def: number, min = 0): number {
  const n = Number(v);
  return v === undefined || v === '' || !Number.isFinite(n) ? def : Math.max(min, n);
}

/** Reads the raw body up to `limit` bytes; rejects with 'too_large' beyond it. */
function readRaw(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new Error('too_large'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        reject(new Error('too_large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)); } });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
  });
}

/** The crm-server config node as the other CRM nodes see it. */
interface CrmServerNode extends Node {
  client: CrmClient;
  provider: CrmProviderName;
}

export = function (RED: NodeAPI) {
  function CrmTrigger(this: Node, config: TriggerDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.crm) as CrmServerNode | null;
    const mode = config.mode === 'poll' ? 'poll' : 'webhook';
    const objectTypes = list(config.objectTypes).filter((t): t is CrmObjectType => (CRM_OBJECT_TYPES as readonly string[]).includes(t));
    const actions = list(config.events).filter((t): t is CrmAction => (CRM_ACTIONS as readonly string[]).includes(t));
    const properties = list(config.properties);
    const associations = list(config.associations).filter((t): t is CrmObjectType => (CRM_OBJECT_TYPES as readonly string[]).includes(t));
    const bodyLimit = num(config.bodyLimit, 1024 * 1024, 1);
    const leaseMs = num(config.ackTimeout, 300, 1) * 1000;
    const queue = `crm-inbox:${node.id}`;
    const seenNs = `crm-seen:${node.id}`;
    const cursorNs = `crm-cursor:${node.id}`;
    const stageNs = `crm-stage:${node.id}`;
    const hookName = `onComplete.crmtrigger${node.id.replace(/[^A-Za-z0-9]/g, '')}`;
    const inflight = new Map<string, string>(); // _msgid -> queue item id
    // onComplete fires when a node calls done() for a message. The runtime's hooks are the @node-red/util singleton.
    const hooks = ((RED as unknown as { hooks?: HookApi }).hooks ?? loadUtilHooks());
    let closing = false;
    let draining = false;
    let drainAgain = false;
    let drainTimer: NodeJS.Timeout | undefined;
    let pollTimer: NodeJS.Timeout | undefined;
    let polling: Promise<void> | undefined;
    let routePath: string | undefined;
    let accepted = 0;

    if (!server?.client) {
      failed(node, 'no CRM configured');
      node.error('crm-trigger: select a crm-server configuration');
      return;
    }
    const client: CrmClient = server.client;
    const provider = server.provider;
    let store: StateStore;
    try {
      store = resolveStore(RED, node, config.store);
    } catch (e) {
      failed(node, 'no state store');
      node.error(`crm-trigger: ${(e as Error).message}`);
      return;
    }

    const wanted = (e: CanonicalEvent) =>
      (!objectTypes.length || objectTypes.includes(e.objectType)) && (!actions.length || actions.includes(e.action));

    /** Durably accept events: claim each eventId and enqueue it in one atomic step (replays are dropped). */
    async function accept(events: CanonicalEvent[]): Promise<number> {
      const now = Date.now();
      const flags = await store.acceptOnce<CanonicalEvent>(seenNs, queue, events.map((e) => ({ key: e.eventId, ttlMs: SEEN_TTL_MS, item: { id: e.eventId, payload: e, dueAt: now, attempts: 0 } })));
      const fresh = events.filter((_, i) => flags[i]);
      if (!fresh.length) return 0;
      accepted += fresh.length;
      return fresh.length;
    }

    function scheduleDrain(delay = 0): void {
      if (closing) return;
      if (drainTimer) {
        if (delay > 0) return;
        clearTimeout(drainTimer);
      }
      drainTimer = setTimeout(() => {
        drainTimer = undefined;
        void drain();
      }, delay);
    }

    /** stage_changed from the last stage seen for the record, for providers that do not say so themselves. */
    async function trackStage(e: CanonicalEvent): Promise<CanonicalEvent> {
      const prop = STAGE_PROPERTY[provider]?.[e.objectType];
      if (!prop || e.action === 'deleted' || e.action === 'associated') return e;
      const current = e.changes[prop]?.to ?? e.record?.properties[prop];
      if (current === undefined || current === null) return e;
      const key = `${e.objectType}:${e.crmId}`;
      const last = await store.get<unknown>(stageNs, key);
      await store.set(stageNs, key, current);
      if (last === undefined || String(last) === String(current)) return e;
      return { ...e, action: e.action === 'created' ? e.action : 'stage_changed', changes: { ...e.changes, [prop]: { from: last, to: current } } };
    }

    async function drain(): Promise<void> {
      if (draining) { drainAgain = true; return; }
      draining = true;
      try {
        do {
          drainAgain = false;
          for (;;) {
            if (closing) return;
            const items = await store.take<CanonicalEvent>(queue, 100, leaseMs);
            if (!items.length) break;
            await emitItems(items);
          }
        } while (drainAgain && !closing);
      } catch (e) {
        if (!closing) {
          failed(node, `inbox: ${(e as Error).message}`);
          node.error(`crm-trigger: inbox processing failed: ${(e as Error).message}`);
          scheduleDrain(5000);
        }
      } finally {
        draining = false;
      }
    }

    async function emitItems(items: QueueItem<CanonicalEvent>[]): Promise<void> {
      let events = items.map((i) => i.payload);
      let fetchError: string | undefined;
      try {
        events = await client.hydrate(events, { properties, associations });
      } catch (e) {
        const err = e as Error & { cause?: { retryable?: boolean; retryAfterMs?: number } };
        const attempts = Math.max(...items.map((i) => i.attempts)) + 1;
        if (attempts < MAX_FETCH_ATTEMPTS && !closing) {
          const delay = err.cause?.retryAfterMs ?? Math.min(60_000, 1000 * 2 ** attempts);
          node.warn(`crm-trigger: fetching records failed (${err.message}); retry ${attempts}/${MAX_FETCH_ATTEMPTS - 1} in ${delay} ms`);
          failed(node, `fetch: ${err.message}`);
          for (const it of items) await store.reschedule(queue, { ...it, attempts, dueAt: Date.now() + delay });
          scheduleDrain(delay + 10);
          return;
        }
        fetchError = err.message;
        node.error(`crm-trigger: fetching records failed ${attempts} times (${err.message}); emitting the events without records`);
      }
      const wired = !!hooks && ((node as unknown as { wires?: unknown[][] }).wires ?? []).some((w) => w.length > 0);
      let missing = 0;
      for (let i = 0; i < items.length; i++) {
        let ev = events[i];
        try {
          ev = await trackStage(ev);
        } catch { /* stage tracking is best effort */ }
        if (!ev.record && ev.action !== 'deleted') missing++;
        const msg: NodeMessage & Record<string, unknown> = {
          _msgid: RED.util.generateId(),
          topic: `${ev.objectType}.${ev.action}`,
          payload: fetchError ? { ...ev, fetchError } : ev,
          crm: { provider, eventId: ev.eventId, attempt: items[i].attempts },
        };
        if (wired) inflight.set(msg._msgid as string, items[i].id);
        node.send(msg);
        if (!wired) await store.ack(queue, items[i].id);
      }
      if (missing) node.warn(`crm-trigger: ${missing} event(s) refer to records that no longer exist (record: null)`);
      ok(node, `${items.length} event${items.length === 1 ? '' : 's'} ${clock()}`);
    }

    hooks?.add(hookName, (ev: { msg?: { _msgid?: string } }) => {
      const id = ev?.msg?._msgid;
      if (!id) return;
      const itemId = inflight.get(id);
      if (itemId === undefined) return;
      inflight.delete(id);
      store.ack(queue, itemId).catch((e: Error) => node.warn(`crm-trigger: ack failed: ${e.message}`));
    });

    // ---------------- webhook ----------------
    function fullUrl(req: Request): string {
      if (config.publicUrl) {
        const base = config.publicUrl.trim();
        const q = req.originalUrl.indexOf('?');
        return base.includes('?') || q < 0 ? base : base + req.originalUrl.slice(q);
      }
      const proto = String(req.headers['x-forwarded-proto'] ?? req.protocol ?? 'http').split(',')[0].trim();
      const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '').split(',')[0].trim();
      return `${proto}://${host}${req.originalUrl}`;
    }

    async function onWebhook(req: Request, res: Response): Promise<void> {
      const reply = (status: number, reason?: string) => {
        const r = reason ? client.webhookReject(status, reason) : client.webhookAck([]);
        if (r.contentType) res.type(r.contentType);
        res.status(r.status).send(r.body ?? '');
      };
      const pre = req as unknown as { _body?: boolean; __crmRaw?: Buffer; __crmRawError?: Error };
      if (!pre.__crmRaw && !pre.__crmRawError && (pre._body || req.readableEnded)) {
        node.error('crm-trigger: the request body was consumed by another middleware; cannot check its signature');
        reply(500, 'body unavailable');
        return;
      }
      let raw: Buffer;
      try {
        if (pre.__crmRawError) throw pre.__crmRawError;
        raw = pre.__crmRaw ?? await readRaw(req, bodyLimit);
      } catch (e) {
        const big = (e as Error).message === 'too_large';
        node.warn(`crm-trigger: ${big ? `body over ${bodyLimit} bytes` : `reading body failed: ${(e as Error).message}`} from ${req.ip}`);
        failed(node, big ? '413 body too large' : '400 bad request');
        reply(big ? 413 : 400, big ? `body larger than ${bodyLimit} bytes` : 'could not read the body');
        if (big) req.resume();
        return;
      }
      const wr: WebhookRequest = { method: req.method, url: fullUrl(req), headers: req.headers, rawBody: raw };
      try {
        client.verifyWebhook(wr);
      } catch (e) {
        const reason = e instanceof WebhookAuthError ? e.message : `authenticity check failed: ${(e as Error).message}`;
        node.warn(`crm-trigger: rejected webhook from ${req.ip}: ${reason}`);
        failed(node, `401 ${reason}`);
        reply(401, 'unauthorized');
        return;
      }
      let events: CanonicalEvent[];
      try {
        const parsed = client.parseWebhook(wr);
        for (const s of parsed.skipped) node.warn(`crm-trigger: skipped event: ${s.reason}`);
        events = parsed.events.filter(wanted);
      } catch (e) {
        const reason = e instanceof WebhookPayloadError ? e.message : `unreadable payload: ${(e as Error).message}`;
        node.warn(`crm-trigger: bad webhook payload: ${reason}`);
        failed(node, `400 ${reason}`);
        reply(400, reason);
        return;
      }
      try {
        await accept(events);
      } catch (e) {
        node.error(`crm-trigger: could not store events (${(e as Error).message}); answering 503 so the CRM retries`);
        failed(node, `503 store: ${(e as Error).message}`);
        reply(503, 'temporarily unavailable');
        return;
      }
      const ack = client.webhookAck(events);
      if (ack.contentType) res.type(ack.contentType);
      res.status(ack.status).send(ack.body ?? '');
      if (events.length) scheduleDrain();
    }

    /**
     * With Node-RED's default settings the editor's admin app and the HTTP node app share the root path,
     * and the admin app parses JSON bodies for every request before httpNode sees it: the exact bytes the
     * CRM signed would be gone. A small middleware at the front of the outermost app (the one both are
     * mounted on; express sets `parent` on mount) keeps the raw body for this node's path and marks it
     * read so the admin's parsers skip it.
     */
    type App = { use: (fn: unknown) => void; parent?: App; _router?: { stack: Array<{ handle?: unknown; name?: string }> } };
    let adminApp = RED.httpAdmin as unknown as App;
    while (adminApp?.parent) adminApp = adminApp.parent;
    let captureFn: ((req: Request, res: Response, next: NextFunction) => void) | undefined;
    function installRawCapture(fullPath: string): void {
      const settings = RED.settings as unknown as { httpAdminRoot?: string | false; httpNodeRoot?: string | false };
      const adminRoot = settings.httpAdminRoot === undefined ? '/' : settings.httpAdminRoot;
      if (adminRoot === false || !adminApp?.use) return;
      captureFn = (req, _res, next) => {
        const urlPath = req.originalUrl.split('?')[0].replace(/\/+$/, '') || '/';
        if (req.method !== 'POST' || urlPath !== fullPath) { next(); return; }
        const mark = req as unknown as { _body?: boolean; __crmRaw?: Buffer; __crmRawError?: Error };
        readRaw(req, bodyLimit).then((buf) => { mark.__crmRaw = buf; mark._body = true; next(); }, (err: Error) => { mark.__crmRawError = err; mark._body = true; next(); });
      };
      adminApp.use(captureFn);
      const stack = adminApp._router?.stack;
      if (stack) {
        const layer = stack.pop()!;
        const after = stack.findIndex((l) => l.name === 'expressInit');
        stack.splice(after + 1, 0, layer);
      }
    }

    function removeRoute(): void {
      const adminStack = adminApp?._router?.stack;
      if (adminStack && captureFn) {
        const i = adminStack.findIndex((l) => l.handle === captureFn);
        if (i >= 0) adminStack.splice(i, 1);
      }
      const router = (RED.httpNode as unknown as { _router?: { stack: Array<{ route?: { path?: string; methods?: Record<string, boolean> }; __crmTrigger?: string }> } })._router;
      if (!router || !routePath) return;
      router.stack = router.stack.filter((layer) => !(layer.route && layer.route.path === routePath && layer.route.methods?.post && (layer.route as unknown as { __crmTrigger?: string }).__crmTrigger === node.id));
    }

    if (mode === 'webhook') {
      let path = String(config.path ?? '').trim();
      if (!path) {
        failed(node, 'no path');
        node.error('crm-trigger: webhook mode needs a path');
      } else {
        if (!path.startsWith('/')) path = `/${path}`;
        routePath = path;
        RED.httpNode.post(path, (req: Request, res: Response, next: NextFunction) => {
          onWebhook(req, res).catch((e: Error) => {
            node.error(`crm-trigger: webhook handling failed: ${e.message}`);
            if (!res.headersSent) res.status(500).end();
            else next();
          });
        });
        const router = (RED.httpNode as unknown as { _router?: { stack: Array<{ route?: Record<string, unknown> }> } })._router;
        const layer = router?.stack[router.stack.length - 1];
        if (layer?.route) layer.route.__crmTrigger = node.id;
        const nodeRoot = String((RED.settings as unknown as { httpNodeRoot?: string }).httpNodeRoot ?? '/');
        installRawCapture((nodeRoot.replace(/\/+$/, '') + path).replace(/\/+$/, '') || '/');
        idle(node, `listening ${path}`);
      }
    }

    // ---------------- polling ----------------
    const intervalMs = num(config.interval, 60, 1) * 1000;
    const pageSize = num(config.pageSize, 100, 1);

    async function pollOnce(): Promise<void> {
      const types = objectTypes.length ? objectTypes : (['company', 'contact', 'deal'] as CrmObjectType[]);
      let total = 0;
      working(node, 'polling');
      for (const type of types) {
        let cursor = await store.get<PollCursor>(cursorNs, type);
        if (!cursor) {
          cursor = { since: config.pollFrom === 'all' ? 0 : Date.now(), idsAtSince: [] };
          await store.set(cursorNs, type, cursor);
        }
        for (let pages = 0; pages < 100 && !closing; pages++) {
          const page = await client.poll(type, cursor, { pageSize, properties, associations });
          const events = page.events.filter(wanted);
          if (events.length) total += await accept(events);
          await store.set(cursorNs, type, page.cursor);
          cursor = page.cursor;
          if (events.length) scheduleDrain();
          if (!page.more) break;
        }
      }
      ok(node, `${total} change${total === 1 ? '' : 's'} ${clock()}`);
    }

    function schedulePoll(delay: number): void {
      if (closing) return;
      pollTimer = setTimeout(() => {
        polling = pollOnce()
          .catch((e: Error & { cause?: { retryAfterMs?: number } }) => {
            failed(node, `poll: ${e.message}`);
            node.warn(`crm-trigger: poll failed: ${e.message}`);
          })
          .finally(() => {
            polling = undefined;
            schedulePoll(intervalMs);
          });
      }, delay);
    }

    if (mode === 'poll') {
      idle(node, `polling every ${intervalMs / 1000} s`);
      schedulePoll(0);
    }

    // Emit what a previous run accepted but did not finish.
    scheduleDrain();

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      removeRoute();
      hooks?.remove(hookName);
      if (pollTimer) clearTimeout(pollTimer);
      if (drainTimer) clearTimeout(drainTimer);
      const waitFor = polling ?? Promise.resolve();
      let untilTimer: NodeJS.Timeout | undefined;
      const until = new Promise((r) => { untilTimer = setTimeout(r, 2000); });
      void Promise.race([waitFor, until]).then(() => {
        if (untilTimer) clearTimeout(untilTimer);
        done();
      });
      void accepted;
    });
  }

  RED.nodes.registerType('crm-trigger', CrmTrigger as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
