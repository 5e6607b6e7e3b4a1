/**
 * HubSpot: v3 webhook signatures (HMAC-SHA256 of method + URI + body + timestamp, base64, with the
 * app client secret; stale timestamps rejected), webhook event normalisation (ids only: records are
 * fetched with batch read and v4 batch association reads), polling with CRM search on the last
 * modified date, and write-back (PATCH, notes with default associations, batch upsert by idProperty).
 */
import { CrmConfigError, CrmValidationError, WebhookAuthError, WebhookPayloadError } from './errors';
import { ProblemInfo, RestClient } from './http';
import type {
  CanonicalEvent, ConnectionInfo, CrmAction, CrmClient, CrmClientConfig, CrmObjectType, CrmRecord, FetchOptions,
  ParsedWebhook, PollCursor, PollOptions, PollPage, UpsertResult, WebhookReply, WebhookRequest,
} from './types';
import { chunk, header, hmac, plainObject, safeEqual, toIso, toMs, tryJson } from './util';

export const HUBSPOT_TYPES: Record<CrmObjectType, string> = {
  company: 'companies', contact: 'contacts', deal: 'deals', line_item: 'line_items', ticket: 'tickets',
};

const SINGULAR_TO_CANONICAL: Record<string, CrmObjectType> = {
  company: 'company', contact: 'contact', deal: 'deal', line_item: 'line_item', ticket: 'ticket',
};

/** note -> object association type ids (HUBSPOT_DEFINED). */
const NOTE_ASSOCIATION: Record<CrmObjectType, number> = { contact: 202, company: 190, deal: 214, ticket: 228, line_item: 0 };

/** Properties whose change is a stage change. */
export const HUBSPOT_STAGE_PROPERTY: Partial<Record<CrmObjectType, string>> = { deal: 'dealstage', ticket: 'hs_pipeline_stage' };

const MODIFIED_PROPERTY = (t: CrmObjectType) => (t === 'contact' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

/** Characters HubSpot decodes in the request URI before signing (its docs' table). */
const DECODE: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

export function hubspotCanonicalUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODE[m.toUpperCase()] ?? m);
}

/** X-HubSpot-Signature-v3 of a request. */
export function hubspotSignatureV3(secret: string, method: string, uri: string, body: string | Buffer, timestamp: string | number): string {
  return hmac('sha256', secret, Buffer.concat([Buffer.from(`${method.toUpperCase()}${hubspotCanonicalUri(uri)}`, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), Buffer.from(String(timestamp), 'utf8')]), 'base64');
}

/** HubSpot error bodies: {status, message, category, errors: [{message, code, context: {propertyName: []}}]}. */
export function hubspotProblem(_status: number, body: unknown): ProblemInfo {
  if (!plainObject(body)) return { message: typeof body === 'string' && body ? body.slice(0, 300) : 'no details' };
  const errors = Array.isArray(body.errors) ? (body.errors as Array<Record<string, any>>) : [];
  const field = errors.find((e) => e?.context?.propertyName?.[0])?.context?.propertyName?.[0];
  return {
    message: String(body.message ?? errors[0]?.message ?? 'no details'),
    crmCode: String(body.category ?? body.errorType ?? errors[0]?.code ?? '') || undefined,
    field: typeof field === 'string' ? field : undefined,
  };
}

interface HsRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
}

export class HubSpotClient implements CrmClient {
  readonly provider = 'hubspot' as const;
  readonly rest: RestClient;

  constructor(private readonly cfg: CrmClientConfig) {
    if (!cfg.url) throw new CrmConfigError('HubSpot API URL is missing', { provider: 'hubspot' });
    this.rest = new RestClient({
      provider: 'hubspot',
      baseUrl: cfg.url,
      auth: () => {
        if (!cfg.token) throw new CrmConfigError('HubSpot access token is missing', { provider: 'hubspot' });
        return { authorization: `Bearer ${cfg.token}` };
      },
      rateLimit: cfg.rateLimit,
      maxRetries: cfg.maxRetries,
      timeoutMs: cfg.timeoutMs,
      maxRetryWaitMs: cfg.maxRetryWaitMs,
      fetch: cfg.fetch,
      problem: hubspotProblem,
      retryAfter: (h) => {
        const interval = Number(h.get('x-hubspot-ratelimit-interval-milliseconds'));
        return Number.isFinite(interval) && interval > 0 ? Math.min(interval, 10_000) : undefined;
      },
      log: cfg.log,
    });
  }

  // ---------- webhooks ----------
  verifyWebhook(req: WebhookRequest): void {
    const secret = this.cfg.secret;
    if (!secret) throw new WebhookAuthError('no client secret configured: cannot check HubSpot signatures', { provider: 'hubspot' });
    const signature = header(req.headers, 'x-hubspot-signature-v3');
    const ts = header(req.headers, 'x-hubspot-request-timestamp');
    if (!signature) throw new WebhookAuthError('missing X-HubSpot-Signature-v3 header', { provider: 'hubspot' });
    if (!ts || !/^\d+$/.test(ts.trim())) throw new WebhookAuthError('missing or malformed X-HubSpot-Request-Timestamp header', { provider: 'hubspot' });
    const now = req.now ?? Date.now();
    const maxAge = this.cfg.maxWebhookAgeMs ?? 300_000;
    const age = now - Number(ts);
    if (age > maxAge) throw new WebhookAuthError(`stale request: timestamp is ${Math.round(age / 1000)} s old (limit ${maxAge / 1000} s)`, { provider: 'hubspot' });
    if (age < -maxAge) throw new WebhookAuthError('request timestamp is in the future', { provider: 'hubspot' });
    const expected = hubspotSignatureV3(secret, req.method, req.url, req.rawBody, ts.trim());
    if (!safeEqual(expected, signature.trim())) throw new WebhookAuthError('X-HubSpot-Signature-v3 does not match (wrong secret, altered body or different URL)', { provider: 'hubspot' });
  }

  parseWebhook(req: WebhookRequest): ParsedWebhook {
    const parsed = tryJson(req.rawBody.toString('utf8'));
    if (!parsed.ok) throw new WebhookPayloadError(`body is not JSON: ${parsed.error}`, { provider: 'hubspot' });
    const list = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    const out: ParsedWebhook = { events: [], skipped: [] };
    for (const raw of list) {
      const r = normalizeHubSpotEvent(raw);
      if ('reason' in r) out.skipped.push({ reason: r.reason, raw });
      else out.events.push(r);
    }
    return out;
  }

  webhookAck(): WebhookReply {
    return { status: 204 };
  }

  webhookReject(status: number, reason: string): WebhookReply {
    return { status, contentType: 'application/json', body: JSON.stringify({ status: 'error', message: reason }) };
  }

  async hydrate(events: CanonicalEvent[], opts: FetchOptions = {}): Promise<CanonicalEvent[]> {
    const byType = new Map<CrmObjectType, Set<string>>();
    for (const e of events) {
      if (e.action === 'deleted' || e.record) continue;
      const ids = byType.get(e.objectType) ?? new Set<string>();
      ids.add(e.crmId);
      byType.set(e.objectType, ids);
    }
    const found = new Map<string, CrmRecord>();
    for (const [type, ids] of byType) {
      for (const r of await this.getRecords(type, [...ids], opts)) found.set(`${type}:${r.id}`, r);
    }
    return events.map((e) => (e.action === 'deleted' || e.record ? e : { ...e, record: found.get(`${e.objectType}:${e.crmId}`) ?? null }));
  }

  async getRecords(objectType: CrmObjectType, ids: string[], opts: FetchOptions = {}): Promise<CrmRecord[]> {
    const type = HUBSPOT_TYPES[objectType];
    const out: CrmRecord[] = [];
    for (const part of chunk([...new Set(ids)], 100)) {
      const res = await this.rest.request<{ results?: HsRecord[] }>({
        method: 'POST', path: `/crm/v3/objects/${type}/batch/read`, idempotent: true, accept: [207],
        body: { properties: opts.properties ?? [], inputs: part.map((id) => ({ id })) },
      });
      const records = (res.body?.results ?? []).map((r) => this.toRecord(objectType, r));
      if (opts.associations?.length && records.length) await this.attachAssociations(objectType, records, opts.associations);
      out.push(...records);
    }
    return out;
  }

  private async attachAssociations(objectType: CrmObjectType, records: CrmRecord[], to: CrmObjectType[]): Promise<void> {
    const from = HUBSPOT_TYPES[objectType];
    for (const target of to) {
      if (target === objectType || !HUBSPOT_TYPES[target]) continue;
      const res = await this.rest.request<{ results?: Array<{ from: { id: string }; to: Array<{ toObjectId: number | string }> }> }>({
        method: 'POST', path: `/crm/v4/associations/${from}/${HUBSPOT_TYPES[target]}/batch/read`, idempotent: true, accept: [207],
        body: { inputs: records.map((r) => ({ id: r.id })) },
      });
      const map = new Map<string, string[]>();
      for (const r of res.body?.results ?? []) map.set(String(r.from.id), [...new Set(r.to.map((t) => String(t.toObjectId)))]);
      for (const rec of records) {
        rec.associations = { ...(rec.associations ?? {}), [target]: map.get(rec.id) ?? [] };
      }
    }
  }

  private toRecord(objectType: CrmObjectType, r: HsRecord): CrmRecord {
    return {
      id: String(r.id), objectType, properties: { ...(r.properties ?? {}) },
      createdAt: r.createdAt, updatedAt: r.updatedAt, archived: r.archived ?? false,
    };
  }

  // ---------- polling ----------
  /**
   * Changed-since polling by CRM search on the last-modified date, oldest first. Normal pages ask
   * `modified >= since` and drop ids already taken at exactly `since`. When a whole page shares the
   * cursor's timestamp (a bulk import), it walks that millisecond by id (`modified = since AND
   * hs_object_id > last`), then continues with `modified > since`. No offsets: records changing
   * between pages cannot shift a page boundary and hide another record.
   */
  async poll(objectType: CrmObjectType, cursor: PollCursor | undefined, opts: PollOptions = {}): Promise<PollPage> {
    const type = HUBSPOT_TYPES[objectType];
    const modified = MODIFIED_PROPERTY(objectType);
    const limit = Math.min(200, Math.max(1, opts.pageSize ?? 100));
    const since = cursor?.since ?? 0;
    const seenAtSince = new Set(cursor?.idsAtSince ?? []);
    const stage = HUBSPOT_STAGE_PROPERTY[objectType];
    const properties = [...new Set([...(opts.properties ?? []), 'createdate', modified, ...(stage ? [stage] : [])])];
    const bucket = cursor?.after?.startsWith('bucket:') ? cursor.after.slice(7) : undefined;
    const body = bucket !== undefined
      ? {
        filterGroups: [{ filters: [{ propertyName: modified, operator: 'EQ', value: String(since) }, { propertyName: 'hs_object_id', operator: 'GT', value: bucket }] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties, limit,
      }
      : {
        filterGroups: [{ filters: [{ propertyName: modified, operator: cursor?.after === 'gt' ? 'GT' : 'GTE', value: String(since) }] }],
        sorts: [{ propertyName: modified, direction: 'ASCENDING' }], properties, limit,
      };
    const res = await this.rest.request<{ total: number; results: HsRecord[] }>({
      method: 'POST', path: `/crm/v3/objects/${type}/search`, idempotent: true, body,
    });
    const results = res.body?.results ?? [];
    let newSince = since;
    let idsAtSince = [...seenAtSince];
    const fresh: HsRecord[] = [];
    for (const r of results) {
      const ts = toMs(r.properties?.[modified] ?? r.updatedAt) ?? since;
      if (ts < since || (ts === since && seenAtSince.has(String(r.id)))) continue;
      fresh.push(r);
      if (ts > newSince) {
        newSince = ts;
        idsAtSince = [String(r.id)];
      } else if (ts === newSince) idsAtSince.push(String(r.id));
    }
    const records = fresh.map((r) => this.toRecord(objectType, r));
    if (opts.associations?.length && records.length) await this.attachAssociations(objectType, records, opts.associations);
    const events = records.map((rec): CanonicalEvent => {
      const ts = toMs(rec.properties[modified] ?? rec.updatedAt) ?? Date.now();
      const created = toMs(rec.properties.createdate ?? rec.createdAt);
      return {
        provider: 'hubspot', objectType, action: created !== undefined && created === ts ? 'created' : 'updated',
        crmId: rec.id, occurredAt: new Date(ts).toISOString(), eventId: `poll:${objectType}:${rec.id}:${ts}`, changes: {}, record: rec,
      };
    });
    const full = results.length === limit;
    const maxId = (ids: string[]) => ids.reduce((m, id) => (Number(id) > Number(m) ? id : m), '0');
    let after: string | undefined;
    let more = full;
    if (bucket !== undefined) {
      // walking one millisecond by id: continue, or move past it
      after = full ? `bucket:${maxId([bucket, ...results.map((r) => String(r.id))])}` : 'gt';
      more = true;
      if (!full && !results.length && cursor?.after === 'gt') more = false;
    } else if (newSince === since && full) {
      after = `bucket:${maxId(idsAtSince)}`;
    } else if (newSince === since && cursor?.after === 'gt') {
      after = 'gt';
    }
    return { events, cursor: { since: newSince, idsAtSince, ...(after ? { after } : {}) }, more };
  }

  // ---------- write-back ----------
  async update(objectType: CrmObjectType, crmId: string, properties: Record<string, unknown>): Promise<CrmRecord> {
    const res = await this.rest.request<HsRecord>({
      method: 'PATCH', path: `/crm/v3/objects/${HUBSPOT_TYPES[objectType]}/${encodeURIComponent(crmId)}`, body: { properties: stringify(properties) },
    });
    return this.toRecord(objectType, res.body);
  }

  async addNote(objectType: CrmObjectType, crmId: string, body: string, opts: { title?: string; timestamp?: string } = {}): Promise<{ id: string }> {
    const typeId = NOTE_ASSOCIATION[objectType];
    if (!typeId) throw new CrmValidationError(`HubSpot notes cannot be attached to ${objectType}`, { provider: 'hubspot', objectType });
    const text = opts.title ? `<strong>${escapeHtml(opts.title)}</strong><br>${body}` : body;
    const res = await this.rest.request<HsRecord>({
      method: 'POST', path: '/crm/v3/objects/notes',
      body: {
        properties: { hs_note_body: text, hs_timestamp: opts.timestamp ?? new Date().toISOString() },
        associations: [{ to: { id: crmId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }],
      },
    });
    return { id: String(res.body.id) };
  }

  async upsert(objectType: CrmObjectType, idProperty: string, idValue: string, properties: Record<string, unknown>): Promise<UpsertResult> {
    const res = await this.rest.request<{ results: Array<HsRecord & { new?: boolean }> }>({
      method: 'POST', path: `/crm/v3/objects/${HUBSPOT_TYPES[objectType]}/batch/upsert`, idempotent: true,
      body: { inputs: [{ idProperty, id: idValue, properties: stringify(properties) }] },
    });
    const r = res.body.results?.[0];
    if (!r) throw new CrmValidationError('HubSpot upsert returned no result', { provider: 'hubspot', objectType });
    return { record: this.toRecord(objectType, r), created: r.new === true };
  }

  async testConnection(): Promise<ConnectionInfo> {
    const info = await this.rest.request<Record<string, unknown>>({ method: 'GET', path: '/account-info/v3/details' });
    const probe = await this.rest.request<{ results?: unknown[] }>({ method: 'GET', path: '/crm/v3/objects/companies', query: { limit: 1 } });
    return {
      provider: 'hubspot', url: this.cfg.url,
      detail: `portal ${String(info.body?.portalId ?? '?')} (${String(info.body?.accountType ?? 'account')}), companies readable (${probe.body?.results?.length ?? 0} on first page)`,
      account: info.body,
    };
  }

  close(): void {
    this.rest.close();
  }
}

function stringify(properties: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties ?? {})) {
    out[k] = v === null || v === undefined ? '' : typeof v === 'object' ? (v instanceof Date ? v.toISOString() : JSON.stringify(v)) : String(v);
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** One HubSpot webhook event -> canonical event (record not yet fetched), or why it is skipped. */
export function normalizeHubSpotEvent(raw: unknown): CanonicalEvent | { reason: string } {
  if (!plainObject(raw)) return { reason: 'event is not an object' };
  const type = typeof raw.subscriptionType === 'string' ? raw.subscriptionType : '';
  const [prefix, kind] = type.split('.');
  const objectType = SINGULAR_TO_CANONICAL[prefix];
  if (raw.eventId === undefined || raw.eventId === null) return { reason: 'event without eventId' };
  if (!objectType || !kind) return { reason: `unknown subscriptionType "${type}"` };
  let action: CrmAction;
  const changes: CanonicalEvent['changes'] = {};
  let crmId = raw.objectId !== undefined ? String(raw.objectId) : '';
  let association: CanonicalEvent['association'];
  switch (kind) {
    case 'creation':
    case 'restore':
      action = 'created';
      break;
    case 'deletion':
    case 'privacyDeletion':
      action = 'deleted';
      break;
    case 'propertyChange': {
      const name = typeof raw.propertyName === 'string' ? raw.propertyName : '';
      if (!name) return { reason: 'propertyChange without propertyName' };
      changes[name] = { to: raw.propertyValue ?? null };
      action = HUBSPOT_STAGE_PROPERTY[objectType] === name ? 'stage_changed' : 'updated';
      break;
    }
    case 'merge':
      action = 'updated';
      crmId = raw.primaryObjectId !== undefined ? String(raw.primaryObjectId) : crmId;
      changes.mergedObjectIds = { to: raw.mergedObjectIds ?? [] };
      break;
    case 'associationChange': {
      action = 'associated';
      crmId = raw.fromObjectId !== undefined ? String(raw.fromObjectId) : crmId;
      const assocType = typeof raw.associationType === 'string' ? raw.associationType : '';
      const otherSingular = assocType.split('_TO_')[1]?.toLowerCase() ?? '';
      association = {
        objectType: SINGULAR_TO_CANONICAL[otherSingular] ?? otherSingular,
        crmId: String(raw.toObjectId ?? ''),
        removed: raw.associationRemoved === true,
        type: assocType || undefined,
      };
      break;
    }
    default:
      return { reason: `unknown subscriptionType "${type}"` };
  }
  if (!crmId) return { reason: `${type} event without objectId` };
  const ev: CanonicalEvent = {
    provider: 'hubspot', objectType, action, crmId,
    occurredAt: toIso(raw.occurredAt),
    eventId: String(raw.eventId),
    changes, record: null,
  };
  if (association) ev.association = association;
  if (typeof raw.changeSource === 'string') ev.source = raw.changeSource;
  if (typeof raw.attemptNumber === 'number') ev.attempt = raw.attemptNumber;
  return ev;
}
