/**
 * HubSpot-style webhook delivery: subscriptions, one event per change, events batched per target
 * (up to 100), signed with v3 (HMAC-SHA256, base64, of method + uri + body + timestamp with the
 * app's client secret) and v1, retried on 5xx, timeouts, connection errors and 429 (Retry-After),
 * never on other 4xx, attemptNumber counting up.
 */
import crypto from 'crypto';
import http from 'http';
import https from 'https';
import type { Change } from './db';
import { SINGULAR, associationTypeName } from './schema';

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId?: number;
  changeSource: string;
  changeFlag?: 'NEW' | 'DELETED';
  propertyName?: string;
  propertyValue?: string;
  sourceId?: string;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
}

export interface Subscription {
  id: number;
  targetUrl: string;
  /** Subscription types ('deal.propertyChange'), optionally with a property ('deal.propertyChange:dealstage'). Empty = all. */
  events: string[];
  active: boolean;
  createdAt: string;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  durationMs: number;
}

export interface Delivery {
  id: number;
  subscriptionId: number;
  targetUrl: string;
  eventIds: number[];
  events: WebhookEvent[];
  state: 'pending' | 'delivered' | 'retrying' | 'failed';
  attempts: DeliveryAttempt[];
  nextAttemptAt?: string;
}

export interface WebhookOptions {
  secret: string;
  portalId: number;
  appId: number;
  /** Delay before each retry (ms); its length is the number of retries. HubSpot: 10 retries over ~24 h. */
  retryDelaysMs?: number[];
  /** How long the target has to answer (HubSpot: 5 s). */
  timeoutMs?: number;
  /** How long changes are collected into one batch. */
  batchDelayMs?: number;
  maxBatch?: number;
  log?: (line: string) => void;
}

export const HUBSPOT_RETRY_DELAYS_MS = [60e3, 120e3, 300e3, 600e3, 1200e3, 2400e3, 4800e3, 9600e3, 19200e3, 36000e3];

/** X-HubSpot-Signature-v3 for a request (the receiver's check recomputes the same thing). */
export function signV3(secret: string, method: string, uri: string, body: string, timestamp: number | string): string {
  return crypto.createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

/** Legacy v1 signature: hex SHA-256 of secret + body. */
export function signV1(secret: string, body: string): string {
  return crypto.createHash('sha256').update(secret + body, 'utf8').digest('hex');
}

export class WebhookDispatcher {
  private subs: Subscription[] = [];
  private deliveries: Delivery[] = [];
  private pending = new Map<number, WebhookEvent[]>();
  private flushTimer?: NodeJS.Timeout;
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<Promise<void>>();
  private nextEventId = 1_000_000 + Math.floor(Math.random() * 1000) * 1000;
  private nextSubId = 1;
  private nextDeliveryId = 1;
  private closed = false;
  private readonly retryDelays: number[];
  private readonly agentHttp = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly agentHttps = new https.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly opts: WebhookOptions) {
    this.retryDelays = opts.retryDelaysMs ?? HUBSPOT_RETRY_DELAYS_MS;
  }

  subscribe(targetUrl: string, events: string[] = []): Subscription {
    new URL(targetUrl); // throws on a malformed URL
    const sub: Subscription = { id: this.nextSubId++, targetUrl, events, active: true, createdAt: new Date().toISOString() };
    this.subs.push(sub);
    return sub;
  }

  unsubscribe(id: number): boolean {
    const before = this.subs.length;
    this.subs = this.subs.filter((s) => s.id !== id);
    return this.subs.length < before;
  }

  subscriptions(): Subscription[] {
    return this.subs.slice();
  }

  listDeliveries(): Delivery[] {
    return this.deliveries.slice();
  }

  clearDeliveries(): void {
    this.deliveries = this.deliveries.filter((d) => d.state === 'pending' || d.state === 'retrying');
  }

  /** Turns a data change into webhook events for every matching subscription. */
  onChange(change: Change): void {
    if (this.closed) return;
    for (const sub of this.subs) {
      if (!sub.active) continue;
      const ev = this.toEvent(change, sub);
      if (!ev) continue;
      const list = this.pending.get(sub.id) ?? [];
      list.push(ev);
      this.pending.set(sub.id, list);
      if (list.length >= (this.opts.maxBatch ?? 100)) this.flushSub(sub.id);
    }
    if (this.pending.size && !this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        for (const id of [...this.pending.keys()]) this.flushSub(id);
      }, this.opts.batchDelayMs ?? 25);
    }
  }

  private wants(sub: Subscription, type: string, propertyName?: string): boolean {
    if (!sub.events.length) return true;
    return sub.events.some((e) => {
      const [t, p] = e.split(':');
      return t === type && (!p || p === propertyName);
    });
  }

  private toEvent(change: Change, sub: Subscription): WebhookEvent | undefined {
    const base = {
      eventId: 0,
      subscriptionId: sub.id,
      portalId: this.opts.portalId,
      appId: this.opts.appId,
      occurredAt: change.at,
      attemptNumber: 0,
      changeSource: change.source,
      sourceId: change.source === 'INTEGRATION' ? String(this.opts.appId) : 'userId:1001',
    };
    let ev: WebhookEvent;
    if (change.kind === 'associationChange') {
      const a = change.association;
      const type = `${SINGULAR[a.fromType]}.associationChange`;
      if (!this.wants(sub, type)) return undefined;
      ev = {
        ...base, subscriptionType: type, associationType: associationTypeName(a.fromType, a.toType),
        fromObjectId: Number(a.fromId), toObjectId: Number(a.toId), associationRemoved: change.removed, isPrimaryAssociation: change.primary,
      };
    } else {
      if (change.type === 'notes') return undefined; // HubSpot has no note webhooks
      const singular = SINGULAR[change.type];
      const type = `${singular}.${change.kind}`;
      const prop = change.kind === 'propertyChange' ? change.propertyName : undefined;
      if (!this.wants(sub, type, prop)) return undefined;
      ev = { ...base, subscriptionType: type, objectId: Number(change.id) };
      if (change.kind === 'creation') ev.changeFlag = 'NEW';
      if (change.kind === 'deletion') ev.changeFlag = 'DELETED';
      if (change.kind === 'propertyChange') {
        ev.propertyName = change.propertyName;
        ev.propertyValue = change.propertyValue;
      }
    }
    ev.eventId = this.nextEventId++;
    return ev;
  }

  private flushSub(subId: number): void {
    const events = this.pending.get(subId);
    this.pending.delete(subId);
    const sub = this.subs.find((s) => s.id === subId);
    if (!events?.length || !sub) return;
    const max = this.opts.maxBatch ?? 100;
    for (let i = 0; i < events.length; i += max) {
      const chunk = events.slice(i, i + max);
      const d: Delivery = {
        id: this.nextDeliveryId++, subscriptionId: sub.id, targetUrl: sub.targetUrl,
        eventIds: chunk.map((e) => e.eventId), events: chunk, state: 'pending', attempts: [],
      };
      this.deliveries.push(d);
      if (this.deliveries.length > 2000) this.deliveries.splice(0, this.deliveries.length - 2000);
      this.track(this.attempt(d));
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async attempt(d: Delivery): Promise<void> {
    if (this.closed) return;
    const attemptNumber = d.attempts.length;
    const events = d.events.map((e) => ({ ...e, attemptNumber }));
    const body = JSON.stringify(events);
    const started = Date.now();
    let status: number | undefined;
    let retryAfterMs: number | undefined;
    let error: string | undefined;
    try {
      const res = await this.post(d.targetUrl, body);
      status = res.status;
      retryAfterMs = res.retryAfterMs;
    } catch (e) {
      error = (e as Error).message;
    }
    d.attempts.push({ at: new Date(started).toISOString(), status, error, durationMs: Date.now() - started });
    if (status !== undefined && status >= 200 && status < 300) {
      d.state = 'delivered';
      d.nextAttemptAt = undefined;
      return;
    }
    const retryable = status === undefined || status >= 500 || status === 429 || status === 408;
    const retryIndex = d.attempts.length - 1;
    if (!retryable || retryIndex >= this.retryDelays.length || this.closed) {
      d.state = 'failed';
      d.nextAttemptAt = undefined;
      this.opts.log?.(`webhook delivery ${d.id} to ${d.targetUrl} failed after ${d.attempts.length} attempt(s): ${status ?? error}`);
      return;
    }
    const delay = Math.max(this.retryDelays[retryIndex], retryAfterMs ?? 0);
    d.state = 'retrying';
    d.nextAttemptAt = new Date(Date.now() + delay).toISOString();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, delay);
      this.timers.add(t);
    });
    if (!this.closed) await this.attempt(d);
  }

  private post(target: string, body: string): Promise<{ status: number; retryAfterMs?: number }> {
    const url = new URL(target);
    const timestamp = Date.now();
    // HubSpot signs the full request URI it calls: scheme, host, path and query.
    const uri = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorService',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signV3(this.opts.secret, 'POST', uri, body, timestamp),
      'x-hubspot-signature': signV1(this.opts.secret, body),
      'x-hubspot-signature-version': 'v1',
    };
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, {
        method: 'POST', headers, agent: url.protocol === 'https:' ? this.agentHttps : this.agentHttp,
        timeout: this.opts.timeoutMs ?? 5000,
      }, (res) => {
        res.resume();
        res.on('end', () => {
          const ra = res.headers['retry-after'];
          const secs = ra === undefined ? NaN : Number(ra);
          resolve({ status: res.statusCode ?? 0, retryAfterMs: Number.isFinite(secs) ? secs * 1000 : undefined });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.opts.timeoutMs ?? 5000} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends every collected event now and waits until no delivery attempt is running (retries waiting on a timer are not awaited). */
  async flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    for (const id of [...this.pending.keys()]) this.flushSub(id);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const busy = this.deliveries.some((d) => d.state === 'pending' || (d.state === 'retrying' && d.nextAttemptAt && Date.parse(d.nextAttemptAt) - Date.now() < 1000));
      if (!busy && this.inFlight.size === 0) return;
      if (!busy) {
        // only long retry waits are left
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.agentHttp.destroy();
    this.agentHttps.destroy();
  }
}
