/**
 * Salesforce: outbound messages (SOAP `notifications`, no signature: the organisation id is checked
 * and the listener answers `notificationsResponse` with Ack=true, else Salesforce retries), REST API
 * write-back (PATCH sObject, upsert by external id, Note), SOQL polling on SystemModstamp, and the
 * OAuth 2.0 client-credentials flow when a client id/secret is configured instead of a token.
 */
import { CrmAuthError, CrmConfigError, CrmValidationError, WebhookAuthError, WebhookPayloadError } from './errors';
import { ProblemInfo, RestClient } from './http';
import type {
  CanonicalEvent, ConnectionInfo, CrmClient, CrmClientConfig, CrmObjectType, CrmRecord, FetchOptions,
  ParsedWebhook, PollCursor, PollOptions, PollPage, UpsertResult, WebhookReply, WebhookRequest,
} from './types';
import { plainObject, toIso, toMs } from './util';
import { XmlElement, XmlError, child, childrenNamed, escapeXml, parseXml } from './xml';

export const SALESFORCE_TYPES: Record<CrmObjectType, string> = {
  company: 'Account', contact: 'Contact', deal: 'Opportunity', line_item: 'OpportunityLineItem', ticket: 'Case',
};
const SOBJECT_TO_TYPE: Record<string, CrmObjectType> = Object.fromEntries(
  Object.entries(SALESFORCE_TYPES).map(([k, v]) => [v.toLowerCase(), k as CrmObjectType]),
);

const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';

export function salesforceAck(ack = true): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="${OUTBOUND_NS}"><Ack>${ack}</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`;
}

function soapFault(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}

export interface OutboundMessage {
  organizationId: string;
  actionId: string;
  sessionId: string | null;
  enterpriseUrl?: string;
  partnerUrl?: string;
  notifications: Array<{ id: string; sObjectType: string; fields: Record<string, string | null> }>;
}

/** Parses a SOAP outbound message. Throws WebhookPayloadError when it is not one. */
export function parseOutboundMessage(xml: string): OutboundMessage {
  let env: XmlElement;
  try {
    env = parseXml(xml);
  } catch (e) {
    throw new WebhookPayloadError(`malformed SOAP: ${(e as XmlError).message}`, { provider: 'salesforce' });
  }
  if (env.name !== 'Envelope') throw new WebhookPayloadError(`not a SOAP envelope (root <${env.name}>)`, { provider: 'salesforce' });
  const n = child(child(env, 'Body'), 'notifications');
  if (!n) throw new WebhookPayloadError('SOAP body has no <notifications> element', { provider: 'salesforce' });
  const text = (name: string) => child(n, name)?.text.trim();
  const organizationId = text('OrganizationId');
  if (!organizationId) throw new WebhookPayloadError('outbound message without OrganizationId', { provider: 'salesforce' });
  const session = child(n, 'SessionId');
  const list = childrenNamed(n, 'Notification');
  if (list.length < 1 || list.length > 100) throw new WebhookPayloadError(`outbound message must carry 1-100 notifications (got ${list.length})`, { provider: 'salesforce' });
  return {
    organizationId,
    actionId: text('ActionId') ?? '',
    sessionId: !session || session.attrs['xsi:nil'] === 'true' ? null : session.text.trim() || null,
    enterpriseUrl: text('EnterpriseUrl'),
    partnerUrl: text('PartnerUrl'),
    notifications: list.map((el) => {
      const id = child(el, 'Id')?.text.trim() ?? '';
      const so = child(el, 'sObject');
      if (!id || !so) throw new WebhookPayloadError('Notification without Id or sObject', { provider: 'salesforce' });
      const xsiType = so.attrs['xsi:type'] ?? '';
      const fields: Record<string, string | null> = {};
      for (const f of so.children) fields[f.name] = f.attrs['xsi:nil'] === 'true' ? null : f.text;
      return { id, sObjectType: xsiType.includes(':') ? xsiType.split(':')[1] : xsiType, fields };
    }),
  };
}

/** Salesforce ids: the 15-character case-sensitive id is the 18-character id without its checksum. */
function sameOrgId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15) && (a.length < 18 || b.length < 18 || a === b);
}

export function salesforceProblem(_status: number, body: unknown): ProblemInfo {
  const first = Array.isArray(body) ? body[0] : body;
  if (plainObject(first)) {
    const fields = Array.isArray(first.fields) ? first.fields : [];
    return {
      message: String(first.message ?? first.error_description ?? first.error ?? 'no details'),
      crmCode: String(first.errorCode ?? first.error ?? '') || undefined,
      field: typeof fields[0] === 'string' ? fields[0] : undefined,
    };
  }
  return { message: typeof body === 'string' && body ? body.slice(0, 300) : 'no details' };
}

function fieldsToRecord(objectType: CrmObjectType, fields: Record<string, unknown>): CrmRecord {
  const { attributes: _a, ...props } = fields;
  return {
    id: String(fields.Id ?? ''), objectType, properties: props,
    createdAt: fields.CreatedDate ? toIso(fields.CreatedDate) : undefined,
    updatedAt: fields.LastModifiedDate || fields.SystemModstamp ? toIso(fields.LastModifiedDate ?? fields.SystemModstamp) : undefined,
    archived: fields.IsDeleted === true || fields.IsDeleted === 'true',
  };
}

export function normalizeOutboundMessage(msg: OutboundMessage): ParsedWebhook {
  const out: ParsedWebhook = { events: [], skipped: [] };
  for (const n of msg.notifications) {
    const objectType = SOBJECT_TO_TYPE[n.sObjectType.toLowerCase()];
    if (!objectType) {
      out.skipped.push({ reason: `unknown sObject type "${n.sObjectType}"`, raw: n });
      continue;
    }
    const record = fieldsToRecord(objectType, n.fields);
    if (!record.id) {
      out.skipped.push({ reason: 'notification sObject without Id', raw: n });
      continue;
    }
    const deleted = record.archived === true;
    const created = n.fields.CreatedDate && n.fields.LastModifiedDate && n.fields.CreatedDate === n.fields.LastModifiedDate;
    out.events.push({
      provider: 'salesforce', objectType, action: deleted ? 'deleted' : created ? 'created' : 'updated', crmId: record.id,
      occurredAt: toIso(n.fields.SystemModstamp ?? n.fields.LastModifiedDate ?? undefined),
      eventId: n.id, changes: {}, record: deleted ? null : record, source: `outbound:${msg.actionId}`,
    });
  }
  return out;
}

export class SalesforceClient implements CrmClient {
  readonly provider = 'salesforce' as const;
  readonly rest: RestClient;
  private accessToken?: string;
  private instanceUrl?: string;
  private tokenPromise?: Promise<void>;

  constructor(private readonly cfg: CrmClientConfig) {
    this.accessToken = cfg.token || undefined;
    this.rest = new RestClient({
      provider: 'salesforce', baseUrl: cfg.url || 'https://login.salesforce.com',
      auth: async () => {
        if (!this.accessToken) await this.fetchToken();
        return { authorization: `Bearer ${this.accessToken}` };
      },
      onUnauthorized: async () => {
        if (!cfg.clientId || !cfg.clientSecret) return false;
        this.accessToken = undefined;
        await this.fetchToken();
        return true;
      },
      rateLimit: cfg.rateLimit, maxRetries: cfg.maxRetries, timeoutMs: cfg.timeoutMs, maxRetryWaitMs: cfg.maxRetryWaitMs,
      fetch: cfg.fetch, log: cfg.log, problem: salesforceProblem,
    });
  }

  private get version(): string {
    return this.cfg.apiVersion || 'v60.0';
  }

  private api(path: string): string {
    const base = (this.instanceUrl ?? this.cfg.url).replace(/\/+$/, '');
    return `${base}/services/data/${this.version}${path}`;
  }

  /** OAuth 2.0 client credentials: POST {url}/services/oauth2/token. */
  private fetchToken(): Promise<void> {
    if (!this.tokenPromise) {
      this.tokenPromise = (async () => {
        if (!this.cfg.clientId || !this.cfg.clientSecret) {
          throw new CrmConfigError('Salesforce needs an access token or a client id and secret', { provider: 'salesforce' });
        }
        const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.cfg.clientId, client_secret: this.cfg.clientSecret });
        const res = await this.rest.request<{ access_token?: string; instance_url?: string }>({
          method: 'POST', path: '/services/oauth2/token', body: form.toString(), contentType: 'application/x-www-form-urlencoded', noAuth: true, accept: [400],
        });
        if (res.status === 400 || !res.body?.access_token) {
          const p = salesforceProblem(res.status, res.body);
          throw new CrmAuthError(`Salesforce token request failed: ${p.message}`, { provider: 'salesforce', status: res.status, crmCode: p.crmCode });
        }
        this.accessToken = res.body.access_token;
        if (res.body.instance_url) this.instanceUrl = res.body.instance_url;
      })().finally(() => { this.tokenPromise = undefined; });
    }
    return this.tokenPromise;
  }

  verifyWebhook(req: WebhookRequest): void {
    const expected = this.cfg.organizationId;
    if (!expected) throw new WebhookAuthError('no Salesforce organisation id configured: cannot check outbound messages', { provider: 'salesforce' });
    // The organisation id sits inside the envelope: read just enough of it.
    let msg: OutboundMessage;
    try {
      msg = parseOutboundMessage(req.rawBody.toString('utf8'));
    } catch (e) {
      throw new WebhookAuthError(`not a readable outbound message: ${(e as Error).message}`, { provider: 'salesforce' });
    }
    if (!sameOrgId(msg.organizationId, expected)) throw new WebhookAuthError(`OrganizationId ${msg.organizationId} is not the configured organisation`, { provider: 'salesforce' });
  }

  parseWebhook(req: WebhookRequest): ParsedWebhook {
    return normalizeOutboundMessage(parseOutboundMessage(req.rawBody.toString('utf8')));
  }

  webhookAck(): WebhookReply {
    return { status: 200, contentType: 'text/xml; charset=utf-8', body: salesforceAck(true) };
  }

  webhookReject(status: number, reason: string): WebhookReply {
    return { status, contentType: 'text/xml; charset=utf-8', body: soapFault(status >= 500 ? 'Server' : 'Client', reason) };
  }

  async hydrate(events: CanonicalEvent[], opts: FetchOptions = {}): Promise<CanonicalEvent[]> {
    // Outbound messages carry the fields the admin selected; fetch more only when the node asks for fields they lack.
    const wanted = opts.properties ?? [];
    const need = events.filter((e) => e.action !== 'deleted' && (!e.record || wanted.some((p) => !(p in e.record!.properties))));
    if (!need.length) return events;
    const found = new Map<string, CrmRecord>();
    for (const type of new Set(need.map((e) => e.objectType))) {
      for (const r of await this.getRecords(type, need.filter((e) => e.objectType === type).map((e) => e.crmId), opts)) found.set(`${type}:${r.id}`, r);
    }
    return events.map((e) => {
      const r = found.get(`${e.objectType}:${e.crmId}`);
      if (!r || e.action === 'deleted') return e;
      return { ...e, record: { ...r, properties: { ...(e.record?.properties ?? {}), ...r.properties } } };
    });
  }

  async getRecords(objectType: CrmObjectType, ids: string[], opts: FetchOptions = {}): Promise<CrmRecord[]> {
    const fields = [...new Set(['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', ...(opts.properties ?? [])])];
    const out: CrmRecord[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 200) {
      const res = await this.rest.request<Array<Record<string, unknown> | null>>({
        method: 'GET', path: this.api(`/composite/sobjects/${SALESFORCE_TYPES[objectType]}`),
        query: { ids: unique.slice(i, i + 200).join(','), fields: fields.join(',') },
      });
      for (const r of res.body ?? []) if (r) out.push(fieldsToRecord(objectType, r));
    }
    return out;
  }

  async poll(objectType: CrmObjectType, cursor: PollCursor | undefined, opts: PollOptions = {}): Promise<PollPage> {
    const since = cursor?.since ?? 0;
    const limit = Math.min(2000, Math.max(1, opts.pageSize ?? 200));
    const fields = [...new Set(['Id', 'CreatedDate', 'SystemModstamp', ...(opts.properties ?? [])])];
    const sinceLiteral = new Date(Math.floor(since / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const res = cursor?.after
      ? await this.rest.request<{ records: Array<Record<string, unknown>>; done: boolean; nextRecordsUrl?: string }>({ method: 'GET', path: (this.instanceUrl ?? this.cfg.url).replace(/\/+$/, '') + cursor.after })
      : await this.rest.request<{ records: Array<Record<string, unknown>>; done: boolean; nextRecordsUrl?: string }>({
        method: 'GET', path: this.api('/query'),
        query: { q: `SELECT ${fields.join(', ')} FROM ${SALESFORCE_TYPES[objectType]} WHERE SystemModstamp >= ${sinceLiteral} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${limit}` },
      });
    const seen = new Set(cursor?.idsAtSince ?? []);
    let newSince = since;
    let idsAt = [...seen];
    const events: CanonicalEvent[] = [];
    for (const r of res.body?.records ?? []) {
      const rec = fieldsToRecord(objectType, r);
      const ts = toMs(r.SystemModstamp) ?? since;
      if (ts < since || (ts === since && seen.has(rec.id))) continue;
      if (ts > newSince) { newSince = ts; idsAt = [rec.id]; } else if (ts === newSince) idsAt.push(rec.id);
      events.push({
        provider: 'salesforce', objectType, action: toMs(r.CreatedDate) === ts ? 'created' : 'updated', crmId: rec.id,
        occurredAt: new Date(ts).toISOString(), eventId: `poll:${objectType}:${rec.id}:${ts}`, changes: {}, record: rec,
      });
    }
    const next = res.body?.done === false ? res.body.nextRecordsUrl : undefined;
    const full = (res.body?.records?.length ?? 0) >= limit;
    return { events, cursor: { since: newSince, idsAtSince: idsAt, ...(next && newSince === since ? { after: next } : {}) }, more: !!next || full };
  }

  async update(objectType: CrmObjectType, crmId: string, properties: Record<string, unknown>): Promise<CrmRecord> {
    await this.rest.request({ method: 'PATCH', path: this.api(`/sobjects/${SALESFORCE_TYPES[objectType]}/${encodeURIComponent(crmId)}`), body: properties });
    return { id: crmId, objectType, properties: { ...properties } };
  }

  async addNote(objectType: CrmObjectType, crmId: string, body: string, opts: { title?: string } = {}): Promise<{ id: string }> {
    const title = (opts.title || body.split('\n')[0] || 'Note').slice(0, 80);
    const res = await this.rest.request<{ id?: string; success?: boolean; errors?: unknown[] }>({
      method: 'POST', path: this.api('/sobjects/Note'), body: { ParentId: crmId, Title: title, Body: body.slice(0, 32000) },
    });
    if (!res.body?.id) throw new CrmValidationError('Salesforce did not return the note id', { provider: 'salesforce', objectType, crmId });
    return { id: res.body.id };
  }

  async upsert(objectType: CrmObjectType, idProperty: string, idValue: string, properties: Record<string, unknown>): Promise<UpsertResult> {
    const { [idProperty]: _drop, ...fields } = properties;
    const res = await this.rest.request<{ id?: string; created?: boolean } | string[]>({
      method: 'PATCH', path: this.api(`/sobjects/${SALESFORCE_TYPES[objectType]}/${encodeURIComponent(idProperty)}/${encodeURIComponent(idValue)}`),
      body: fields, idempotent: true, accept: [300],
    });
    if (res.status === 300) {
      throw new CrmValidationError(`several ${SALESFORCE_TYPES[objectType]} records have ${idProperty} = ${idValue}`, { provider: 'salesforce', objectType, field: idProperty, status: 300, crmCode: 'MULTIPLE_CHOICES' });
    }
    const body = plainObject(res.body) ? (res.body as { id?: string; created?: boolean }) : {};
    return {
      record: { id: body.id ?? '', objectType, properties: { ...fields, [idProperty]: idValue } },
      created: res.status === 201 || body.created === true,
    };
  }

  async testConnection(): Promise<ConnectionInfo> {
    const res = await this.rest.request<Record<string, { Max?: number; Remaining?: number }>>({ method: 'GET', path: this.api('/limits') });
    const api = res.body?.DailyApiRequests;
    return {
      provider: 'salesforce', url: this.instanceUrl ?? this.cfg.url,
      detail: `API ${this.version}${api ? `, ${api.Remaining}/${api.Max} daily API requests left` : ''}`,
      account: res.body as Record<string, unknown>,
    };
  }

  close(): void {
    this.rest.close();
  }
}
