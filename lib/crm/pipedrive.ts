/**
 * Pipedrive: webhooks v2 (no signature: HTTP basic-auth credentials set on the webhook; payload
 * {meta, data, previous}), REST API v2 for deals/persons/organizations (x-api-token header, cursor
 * paging, updated_since), v1 notes, upsert by search on an exact field value.
 */
import { CrmConfigError, CrmValidationError, WebhookAuthError, WebhookPayloadError } from './errors';
import { ProblemInfo, RestClient } from './http';
import type {
  CanonicalEvent, ConnectionInfo, CrmAction, CrmClient, CrmClientConfig, CrmObjectType, CrmRecord, FetchOptions,
  ParsedWebhook, PollCursor, PollOptions, PollPage, UpsertResult, WebhookReply, WebhookRequest,
} from './types';
import { header, plainObject, safeEqual, toIso, toMs, tryJson } from './util';

const ENTITY_TO_TYPE: Record<string, CrmObjectType> = {
  organization: 'company', person: 'contact', deal: 'deal', deal_product: 'line_item', product_attachment: 'line_item',
};
const TYPE_TO_PATH: Partial<Record<CrmObjectType, string>> = { company: 'organizations', contact: 'persons', deal: 'deals' };
const NOTE_FIELD: Partial<Record<CrmObjectType, string>> = { company: 'org_id', contact: 'person_id', deal: 'deal_id' };

export function pipedriveProblem(_status: number, body: unknown, headers: Headers): ProblemInfo {
  const reset = Number(headers.get('x-ratelimit-reset'));
  const retryAfterMs = Number.isFinite(reset) && reset > 0 && headers.get('retry-after') === null ? reset * 1000 : undefined;
  if (!plainObject(body)) return { message: typeof body === 'string' && body ? body.slice(0, 300) : 'no details', retryAfterMs };
  return {
    message: [body.error, body.error_info].filter((x) => typeof x === 'string' && x).join(' - ') || 'no details',
    crmCode: typeof body.errorCode === 'number' || typeof body.errorCode === 'string' ? String(body.errorCode) : undefined,
    retryAfterMs,
  };
}

/** Pipedrive object -> record: custom_fields flattened next to the standard fields; org/person links as associations. */
export function toPipedriveRecord(objectType: CrmObjectType, data: Record<string, unknown>): CrmRecord {
  const { custom_fields: custom, ...rest } = data;
  const properties: Record<string, unknown> = { ...rest, ...(plainObject(custom) ? custom : {}) };
  const associations: CrmRecord['associations'] = {};
  const idOf = (v: unknown) => (plainObject(v) ? v.value ?? v.id : v);
  const org = idOf(data.org_id);
  const person = idOf(data.person_id);
  if (org !== undefined && org !== null && objectType !== 'company') associations.company = [String(org)];
  if (person !== undefined && person !== null && objectType === 'deal') associations.contact = [String(person)];
  return {
    id: String(data.id), objectType, properties,
    ...(Object.keys(associations).length ? { associations } : {}),
    createdAt: data.add_time !== undefined ? toIso(data.add_time) : undefined,
    updatedAt: data.update_time !== undefined ? toIso(data.update_time) : undefined,
    archived: data.is_deleted === true,
  };
}

export function normalizePipedriveEvent(raw: unknown): CanonicalEvent | { reason: string } {
  if (!plainObject(raw) || !plainObject(raw.meta)) return { reason: 'payload without meta (not a webhooks v2 payload)' };
  const meta = raw.meta;
  if (meta.version !== undefined && String(meta.version) !== '2.0') return { reason: `webhook version ${String(meta.version)} is not supported (use 2.0)` };
  const entity = String(meta.entity ?? '');
  const objectType = ENTITY_TO_TYPE[entity];
  if (!objectType) return { reason: `unknown entity "${entity}"` };
  const data = plainObject(raw.data) ? raw.data : undefined;
  const previous = plainObject(raw.previous) ? raw.previous : undefined;
  const metaAction = String(meta.action ?? '');
  let action: CrmAction;
  if (metaAction === 'create' || metaAction === 'added') action = 'created';
  else if (metaAction === 'change' || metaAction === 'updated') action = 'updated';
  else if (metaAction === 'delete' || metaAction === 'deleted') action = 'deleted';
  else return { reason: `unknown action "${metaAction}"` };
  const crmId = String(meta.entity_id ?? data?.id ?? previous?.id ?? '');
  if (!crmId) return { reason: 'event without entity_id' };
  const changes: CanonicalEvent['changes'] = {};
  if (action === 'updated' && previous && data) {
    const flat = (o: Record<string, unknown>) => ({ ...o, ...(plainObject(o.custom_fields) ? o.custom_fields : {}) });
    const before = flat(previous);
    const after = flat(data);
    for (const [k, v] of Object.entries(before)) {
      if (k === 'custom_fields') continue;
      if (JSON.stringify(v) !== JSON.stringify(after[k])) changes[k] = { from: v, to: after[k] ?? null };
    }
    if (objectType === 'deal' && 'stage_id' in changes) action = 'stage_changed';
  }
  const timestamp = meta.timestamp ?? data?.update_time;
  // meta.id identifies the event (stable across retries); correlation_id is shared by the events of one action.
  const eventId = meta.id !== undefined && meta.id !== null && meta.id !== '' ? String(meta.id) : `${String(meta.webhook_id ?? 'wh')}:${entity}:${crmId}:${metaAction}:${String(timestamp)}`;
  const ev: CanonicalEvent = {
    provider: 'pipedrive', objectType, action, crmId, occurredAt: toIso(timestamp), eventId,
    changes, record: action === 'deleted' || !data ? null : toPipedriveRecord(objectType, data),
  };
  if (typeof meta.change_source === 'string') ev.source = meta.change_source;
  if (typeof meta.attempt === 'number') ev.attempt = meta.attempt;
  return ev;
}

export class PipedriveClient implements CrmClient {
  readonly provider = 'pipedrive' as const;
  readonly rest: RestClient;

  constructor(private readonly cfg: CrmClientConfig) {
    this.rest = new RestClient({
      provider: 'pipedrive', baseUrl: cfg.url || 'https://api.pipedrive.com',
      auth: () => {
        if (!cfg.token) throw new CrmConfigError('Pipedrive API token is missing', { provider: 'pipedrive' });
        return { 'x-api-token': cfg.token };
      },
      rateLimit: cfg.rateLimit, maxRetries: cfg.maxRetries, timeoutMs: cfg.timeoutMs, maxRetryWaitMs: cfg.maxRetryWaitMs,
      fetch: cfg.fetch, log: cfg.log, problem: (s, b, h) => pipedriveProblem(s, b, h),
    });
  }

  private path(objectType: CrmObjectType): string {
    const p = TYPE_TO_PATH[objectType];
    if (!p) throw new CrmConfigError(`Pipedrive has no ${objectType} endpoint`, { provider: 'pipedrive', objectType });
    return p;
  }

  verifyWebhook(req: WebhookRequest): void {
    if (!this.cfg.username || !this.cfg.secret) throw new WebhookAuthError('no basic-auth user/password configured for Pipedrive webhooks', { provider: 'pipedrive' });
    const auth = header(req.headers, 'authorization') ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
    if (!m) throw new WebhookAuthError('missing HTTP basic credentials', { provider: 'pipedrive' });
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const expected = `${this.cfg.username}:${this.cfg.secret}`;
    if (!safeEqual(decoded, expected)) throw new WebhookAuthError('wrong basic-auth credentials', { provider: 'pipedrive' });
  }

  parseWebhook(req: WebhookRequest): ParsedWebhook {
    const parsed = tryJson(req.rawBody.toString('utf8'));
    if (!parsed.ok) throw new WebhookPayloadError(`body is not JSON: ${parsed.error}`, { provider: 'pipedrive' });
    if (!plainObject(parsed.value)) throw new WebhookPayloadError('body is not a JSON object', { provider: 'pipedrive' });
    const r = normalizePipedriveEvent(parsed.value);
    return 'reason' in r ? { events: [], skipped: [{ reason: r.reason, raw: parsed.value }] } : { events: [r], skipped: [] };
  }

  webhookAck(): WebhookReply {
    return { status: 200, contentType: 'application/json', body: '{"success":true}' };
  }

  webhookReject(status: number, reason: string): WebhookReply {
    return { status, contentType: 'application/json', body: JSON.stringify({ success: false, error: reason }) };
  }

  /** Pipedrive sends the full object: records come from the payload; only events without data are fetched. */
  async hydrate(events: CanonicalEvent[], opts: FetchOptions = {}): Promise<CanonicalEvent[]> {
    const missing = events.filter((e) => !e.record && e.action !== 'deleted' && TYPE_TO_PATH[e.objectType]);
    if (!missing.length) return events;
    const found = new Map<string, CrmRecord>();
    for (const type of new Set(missing.map((e) => e.objectType))) {
      for (const r of await this.getRecords(type, missing.filter((e) => e.objectType === type).map((e) => e.crmId), opts)) found.set(`${type}:${r.id}`, r);
    }
    return events.map((e) => (e.record || e.action === 'deleted' ? e : { ...e, record: found.get(`${e.objectType}:${e.crmId}`) ?? null }));
  }

  async getRecords(objectType: CrmObjectType, ids: string[], _opts: FetchOptions = {}): Promise<CrmRecord[]> {
    const out: CrmRecord[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      const res = await this.rest.request<{ data?: Array<Record<string, unknown>> }>({
        method: 'GET', path: `/api/v2/${this.path(objectType)}`, query: { ids: unique.slice(i, i + 100).join(','), limit: 100 },
      });
      for (const d of res.body?.data ?? []) out.push(toPipedriveRecord(objectType, d));
    }
    return out;
  }

  async poll(objectType: CrmObjectType, cursor: PollCursor | undefined, opts: PollOptions = {}): Promise<PollPage> {
    const since = cursor?.since ?? 0;
    const res = await this.rest.request<{ data?: Array<Record<string, unknown>>; additional_data?: { next_cursor?: string | null } }>({
      method: 'GET', path: `/api/v2/${this.path(objectType)}`,
      query: {
        updated_since: new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z'), sort_by: 'update_time', sort_direction: 'asc',
        limit: Math.min(500, opts.pageSize ?? 100), cursor: cursor?.after,
      },
    });
    const seen = new Set(cursor?.idsAtSince ?? []);
    let newSince = since;
    let ids = [...seen];
    const events: CanonicalEvent[] = [];
    for (const d of res.body?.data ?? []) {
      const rec = toPipedriveRecord(objectType, d);
      const ts = toMs(d.update_time) ?? since;
      if (ts < since || (ts === since && seen.has(rec.id))) continue;
      if (ts > newSince) { newSince = ts; ids = [rec.id]; } else if (ts === newSince) ids.push(rec.id);
      const created = toMs(d.add_time);
      events.push({
        provider: 'pipedrive', objectType, action: created === ts ? 'created' : 'updated', crmId: rec.id,
        occurredAt: new Date(ts).toISOString(), eventId: `poll:${objectType}:${rec.id}:${ts}`, changes: {}, record: rec,
      });
    }
    const next = res.body?.additional_data?.next_cursor ?? undefined;
    // Pipedrive's updated_since has second precision: keep the cursor's paging token only while the timestamp stands still.
    return { events, cursor: { since: newSince, idsAtSince: ids, ...(next && newSince === since ? { after: next } : {}) }, more: !!next };
  }

  async update(objectType: CrmObjectType, crmId: string, properties: Record<string, unknown>): Promise<CrmRecord> {
    const res = await this.rest.request<{ data: Record<string, unknown> }>({
      method: 'PATCH', path: `/api/v2/${this.path(objectType)}/${encodeURIComponent(crmId)}`, body: splitCustom(properties),
    });
    return toPipedriveRecord(objectType, res.body.data);
  }

  async addNote(objectType: CrmObjectType, crmId: string, body: string, opts: { title?: string } = {}): Promise<{ id: string }> {
    const field = NOTE_FIELD[objectType];
    if (!field) throw new CrmValidationError(`Pipedrive notes cannot be attached to ${objectType}`, { provider: 'pipedrive', objectType });
    const content = opts.title ? `<b>${opts.title}</b><br>${body}` : body;
    const res = await this.rest.request<{ data: { id: number } }>({ method: 'POST', path: '/api/v1/notes', body: { content, [field]: Number(crmId) } });
    return { id: String(res.body.data.id) };
  }

  async upsert(objectType: CrmObjectType, idProperty: string, idValue: string, properties: Record<string, unknown>): Promise<UpsertResult> {
    const path = this.path(objectType);
    const custom = /^[0-9a-f]{40}$/.test(idProperty);
    const res = await this.rest.request<{ data?: { items?: Array<{ item: Record<string, unknown> }> } }>({
      method: 'GET', path: `/api/v2/${path}/search`,
      query: { term: idValue, fields: custom ? 'custom_fields' : idProperty, exact_match: true, limit: 2 },
    });
    const items = res.body?.data?.items ?? [];
    if (items.length > 1) throw new CrmValidationError(`${items.length} ${path} have ${idProperty} = ${idValue}: not unique`, { provider: 'pipedrive', objectType, field: idProperty });
    if (items.length === 1) return { record: await this.update(objectType, String(items[0].item.id), properties), created: false };
    const created = await this.rest.request<{ data: Record<string, unknown> }>({
      method: 'POST', path: `/api/v2/${path}`, body: splitCustom({ ...properties, [idProperty]: idValue }),
    });
    return { record: toPipedriveRecord(objectType, created.body.data), created: true };
  }

  async testConnection(): Promise<ConnectionInfo> {
    const res = await this.rest.request<{ data?: Record<string, unknown> }>({ method: 'GET', path: '/api/v1/users/me' });
    const d = res.body?.data ?? {};
    return { provider: 'pipedrive', url: this.cfg.url, detail: `user ${String(d.name ?? d.email ?? '?')} of ${String(d.company_name ?? d.company_domain ?? 'company')}`, account: d };
  }

  close(): void {
    this.rest.close();
  }
}

/** Pipedrive v2 wants custom fields (40-hex-character keys) under `custom_fields`. */
function splitCustom(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(properties)) {
    if (/^[0-9a-f]{40}$/.test(k)) custom[k] = v;
    else out[k] = v;
  }
  if (Object.keys(custom).length) out.custom_fields = custom;
  return out;
}
