/**
 * Generic CRM: a home-grown system that sends webhooks signed with HMAC-SHA256 of the raw body
 * (hex, optionally "sha256="-prefixed, in a configurable header) and offers a small REST API:
 *   GET   {url}/objects/{type}/{id}                           -> record
 *   GET   {url}/objects/{type}?updated_since=ISO&limit=N[&after=token] -> {results, next?}
 *   PATCH {url}/objects/{type}/{id}            {properties}    -> record
 *   POST  {url}/objects/{type}/{id}/notes      {body, title?, timestamp?} -> {id}
 *   PUT   {url}/objects/{type}/by/{idProperty}/{value} {properties} -> record (201 created, 200 updated)
 *   GET   {url}/me                                             -> anything (connection test)
 * A record is {id, properties, createdAt?, updatedAt?} or a flat object with an `id`.
 */
import { CrmConfigError, WebhookAuthError, WebhookPayloadError } from './errors';
import { RestClient } from './http';
import type {
  CanonicalEvent, ConnectionInfo, CrmAction, CrmClient, CrmClientConfig, CrmObjectType, CrmRecord, FetchOptions,
  ParsedWebhook, PollCursor, PollOptions, PollPage, UpsertResult, WebhookReply, WebhookRequest,
} from './types';
import { CRM_OBJECT_TYPES } from './types';
import { header, hmac, plainObject, safeEqual, toIso, toMs, tryJson } from './util';

const TYPE_ALIASES: Record<string, CrmObjectType> = {
  company: 'company', companies: 'company', account: 'company', organization: 'company', organisation: 'company',
  contact: 'contact', contacts: 'contact', person: 'contact',
  deal: 'deal', deals: 'deal', opportunity: 'deal',
  line_item: 'line_item', line_items: 'line_item', lineitem: 'line_item',
  ticket: 'ticket', tickets: 'ticket', case: 'ticket',
};

const ACTION_ALIASES: Record<string, CrmAction> = {
  created: 'created', create: 'created', added: 'created',
  updated: 'updated', update: 'updated', change: 'updated', changed: 'updated',
  deleted: 'deleted', delete: 'deleted', removed: 'deleted',
  stage_changed: 'stage_changed', associated: 'associated',
};

export function genericSignature(secret: string, body: Buffer | string): string {
  return hmac('sha256', secret, body, 'hex');
}

export function toGenericRecord(objectType: CrmObjectType, raw: unknown): CrmRecord | null {
  if (!plainObject(raw)) return null;
  const id = raw.id ?? raw.crmId;
  if (id === undefined || id === null) return null;
  if (plainObject(raw.properties)) {
    return {
      id: String(id), objectType, properties: { ...raw.properties },
      ...(plainObject(raw.associations) ? { associations: raw.associations as CrmRecord['associations'] } : {}),
      createdAt: raw.createdAt !== undefined ? toIso(raw.createdAt) : undefined,
      updatedAt: raw.updatedAt !== undefined ? toIso(raw.updatedAt) : undefined,
    };
  }
  const { id: _id, createdAt, updatedAt, ...props } = raw;
  return {
    id: String(id), objectType, properties: props,
    createdAt: createdAt !== undefined ? toIso(createdAt) : undefined, updatedAt: updatedAt !== undefined ? toIso(updatedAt) : undefined,
  };
}

export function normalizeGenericEvent(raw: unknown): CanonicalEvent | { reason: string } {
  if (!plainObject(raw)) return { reason: 'event is not an object' };
  const eventId = raw.eventId ?? raw.event_id;
  if (eventId === undefined || eventId === null || eventId === '') return { reason: 'event without eventId' };
  const objectType = TYPE_ALIASES[String(raw.objectType ?? raw.object_type ?? raw.type ?? '').toLowerCase()];
  if (!objectType) return { reason: `unknown objectType "${String(raw.objectType ?? raw.type ?? '')}"` };
  const action = ACTION_ALIASES[String(raw.action ?? raw.event ?? '').toLowerCase()];
  if (!action) return { reason: `unknown action "${String(raw.action ?? raw.event ?? '')}"` };
  const record = toGenericRecord(objectType, raw.record ?? raw.data);
  const crmId = String(raw.crmId ?? raw.objectId ?? raw.id ?? record?.id ?? '');
  if (!crmId) return { reason: 'event without crmId' };
  const changes: CanonicalEvent['changes'] = {};
  if (plainObject(raw.changes)) {
    for (const [k, v] of Object.entries(raw.changes)) changes[k] = plainObject(v) && 'to' in v ? (v as { from?: unknown; to: unknown }) : { to: v };
  }
  const ev: CanonicalEvent = {
    provider: 'generic', objectType, action, crmId, occurredAt: toIso(raw.occurredAt ?? raw.timestamp), eventId: String(eventId),
    changes, record: action === 'deleted' ? null : record,
  };
  if (plainObject(raw.association)) {
    ev.association = { objectType: String(raw.association.objectType ?? ''), crmId: String(raw.association.crmId ?? ''), removed: raw.association.removed === true };
  }
  if (typeof raw.source === 'string') ev.source = raw.source;
  return ev;
}

export class GenericClient implements CrmClient {
  readonly provider = 'generic' as const;
  readonly rest: RestClient;

  constructor(private readonly cfg: CrmClientConfig) {
    this.rest = new RestClient({
      provider: 'generic', baseUrl: cfg.url || 'http://invalid.local',
      auth: (): Record<string, string> => (cfg.token ? { authorization: `Bearer ${cfg.token}` } : {}),
      rateLimit: cfg.rateLimit, maxRetries: cfg.maxRetries, timeoutMs: cfg.timeoutMs, maxRetryWaitMs: cfg.maxRetryWaitMs,
      fetch: cfg.fetch, log: cfg.log,
      problem: (_s, body) => ({
        message: plainObject(body) ? String(body.message ?? body.error ?? JSON.stringify(body)) : String(body ?? 'no details').slice(0, 300),
        crmCode: plainObject(body) && body.code !== undefined ? String(body.code) : undefined,
        field: plainObject(body) && typeof body.field === 'string' ? body.field : undefined,
      }),
    });
  }

  private needUrl(): void {
    if (!this.cfg.url) throw new CrmConfigError('generic CRM: no API URL configured', { provider: 'generic' });
  }

  verifyWebhook(req: WebhookRequest): void {
    const secret = this.cfg.secret;
    if (!secret) throw new WebhookAuthError('no signing secret configured', { provider: 'generic' });
    const name = this.cfg.signatureHeader || 'x-signature';
    const given = header(req.headers, name);
    if (!given) throw new WebhookAuthError(`missing ${name} header`, { provider: 'generic' });
    const value = given.trim().replace(/^sha256=/i, '').toLowerCase();
    if (!safeEqual(genericSignature(secret, req.rawBody), value)) throw new WebhookAuthError(`${name} does not match the body's HMAC-SHA256`, { provider: 'generic' });
  }

  parseWebhook(req: WebhookRequest): ParsedWebhook {
    const parsed = tryJson(req.rawBody.toString('utf8'));
    if (!parsed.ok) throw new WebhookPayloadError(`body is not JSON: ${parsed.error}`, { provider: 'generic' });
    const v = parsed.value;
    const list = Array.isArray(v) ? v : plainObject(v) && Array.isArray(v.events) ? v.events : [v];
    const out: ParsedWebhook = { events: [], skipped: [] };
    for (const raw of list) {
      const r = normalizeGenericEvent(raw);
      if ('reason' in r) out.skipped.push({ reason: r.reason, raw });
      else out.events.push(r);
    }
    return out;
  }

  webhookAck(events: CanonicalEvent[]): WebhookReply {
    return { status: 200, contentType: 'application/json', body: JSON.stringify({ accepted: events.length }) };
  }

  webhookReject(status: number, reason: string): WebhookReply {
    return { status, contentType: 'application/json', body: JSON.stringify({ error: reason }) };
  }

  async hydrate(events: CanonicalEvent[], opts: FetchOptions = {}): Promise<CanonicalEvent[]> {
    if (!this.cfg.url) return events;
    const out: CanonicalEvent[] = [];
    for (const e of events) {
      if (e.record || e.action === 'deleted') { out.push(e); continue; }
      const [rec] = await this.getRecords(e.objectType, [e.crmId], opts);
      out.push({ ...e, record: rec ?? null });
    }
    return out;
  }

  async getRecords(objectType: CrmObjectType, ids: string[], opts: FetchOptions = {}): Promise<CrmRecord[]> {
    this.needUrl();
    const out: CrmRecord[] = [];
    for (const id of ids) {
      const res = await this.rest.request({
        method: 'GET', path: `/objects/${objectType}/${encodeURIComponent(id)}`, accept: [404],
        query: { properties: opts.properties?.join(','), associations: opts.associations?.join(',') },
      });
      if (res.status === 404) continue;
      const rec = toGenericRecord(objectType, res.body);
      if (rec) out.push(rec);
    }
    return out;
  }

  async poll(objectType: CrmObjectType, cursor: PollCursor | undefined, opts: PollOptions = {}): Promise<PollPage> {
    this.needUrl();
    const since = cursor?.since ?? 0;
    const limit = opts.pageSize ?? 100;
    const res = await this.rest.request<{ results?: unknown[]; next?: string }>({
      method: 'GET', path: `/objects/${objectType}`,
      query: { updated_since: new Date(since).toISOString(), limit, after: cursor?.after, properties: opts.properties?.join(',') },
    });
    const seen = new Set(cursor?.idsAtSince ?? []);
    let newSince = since;
    let ids = [...seen];
    const events: CanonicalEvent[] = [];
    for (const raw of res.body?.results ?? []) {
      const rec = toGenericRecord(objectType, raw);
      if (!rec) continue;
      const ts = toMs(rec.updatedAt) ?? since;
      if (ts === since && seen.has(rec.id)) continue;
      if (ts > newSince) { newSince = ts; ids = [rec.id]; } else if (ts === newSince) ids.push(rec.id);
      const created = toMs(rec.createdAt);
      events.push({
        provider: 'generic', objectType, action: created !== undefined && created === ts ? 'created' : 'updated', crmId: rec.id,
        occurredAt: new Date(ts).toISOString(), eventId: `poll:${objectType}:${rec.id}:${ts}`, changes: {}, record: rec,
      });
    }
    const more = !!res.body?.next;
    return { events, cursor: { since: newSince, idsAtSince: ids, ...(more && newSince === since ? { after: res.body!.next } : {}) }, more };
  }

  async update(objectType: CrmObjectType, crmId: string, properties: Record<string, unknown>): Promise<CrmRecord> {
    this.needUrl();
    const res = await this.rest.request({ method: 'PATCH', path: `/objects/${objectType}/${encodeURIComponent(crmId)}`, body: { properties } });
    return toGenericRecord(objectType, res.body) ?? { id: crmId, objectType, properties };
  }

  async addNote(objectType: CrmObjectType, crmId: string, body: string, opts: { title?: string; timestamp?: string } = {}): Promise<{ id: string }> {
    this.needUrl();
    const res = await this.rest.request<{ id?: unknown }>({
      method: 'POST', path: `/objects/${objectType}/${encodeURIComponent(crmId)}/notes`, body: { body, title: opts.title, timestamp: opts.timestamp ?? new Date().toISOString() },
    });
    return { id: String(res.body?.id ?? '') };
  }

  async upsert(objectType: CrmObjectType, idProperty: string, idValue: string, properties: Record<string, unknown>): Promise<UpsertResult> {
    this.needUrl();
    const res = await this.rest.request({
      method: 'PUT', path: `/objects/${objectType}/by/${encodeURIComponent(idProperty)}/${encodeURIComponent(idValue)}`, body: { properties },
    });
    return { record: toGenericRecord(objectType, res.body) ?? { id: idValue, objectType, properties }, created: res.status === 201 };
  }

  async testConnection(): Promise<ConnectionInfo> {
    this.needUrl();
    const res = await this.rest.request({ method: 'GET', path: '/me' });
    return { provider: 'generic', url: this.cfg.url, detail: `reachable (${res.status})`, account: plainObject(res.body) ? res.body : undefined };
  }

  close(): void {
    this.rest.close();
  }
}

export const GENERIC_OBJECT_TYPES = CRM_OBJECT_TYPES;
