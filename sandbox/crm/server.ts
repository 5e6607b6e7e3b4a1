/**
 * CRM sandbox: a local server speaking the subset of HubSpot's CRM API the nodes use
 * (objects v3 with batch and search, associations v4, properties v3, account info), with bearer
 * tokens, HubSpot's rolling rate limit and 429 body, and HubSpot-signed v3 webhooks on every change.
 * Admin API under /sandbox/ (no token) to change records as a "user" would and to inspect deliveries.
 */
import crypto from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { CrmDb, CrmRecord, NotFound, PropertyValidationError, type ChangeSource } from './db';
import {
  ASSOCIATION_BY_ID, ASSOCIATION_TYPES, DEFAULT_RETURNED, ObjectType, PRIMARY_TYPES, PropertyDefinition, SINGULAR, resolveObjectType,
} from './schema';
import { SearchError, search } from './search';
import { SeedIndex, seedCrm } from './seed';
import { Delivery, Subscription, WebhookDispatcher } from './webhooks';

export interface CrmSandboxOptions {
  host?: string;
  /** Default env CRM_SANDBOX_PORT or 8070; 0 = ephemeral. */
  port?: number;
  /** Bearer token the API accepts (env CRM_SANDBOX_TOKEN or 'sandbox-token'). */
  token?: string;
  /** App client secret signing the webhooks (env CRM_SANDBOX_SECRET or 'sandbox-secret'). */
  secret?: string;
  quiet?: boolean;
  /** HubSpot's burst limit: `max` requests per `intervalMs` per token (default 100 per 10 s); false = none. */
  rateLimit?: { max: number; intervalMs: number } | false;
  /** Webhook delivery tuning (retry schedule, timeout, batching); defaults follow HubSpot. */
  webhooks?: { retryDelaysMs?: number[]; timeoutMs?: number; batchDelayMs?: number; maxBatch?: number };
  /** Skip the demo data. */
  empty?: boolean;
  portalId?: number;
  appId?: number;
}

export interface FaultSpec {
  /** HTTP status to answer (429, 500, 502, 503...). */
  status: number;
  /** How many API requests get it. */
  count: number;
  /** Seconds for Retry-After. */
  retryAfter?: number;
  /** Only requests whose path contains this. */
  pathContains?: string;
}

export interface CrmSandbox {
  url: string;
  port: number;
  token: string;
  secret: string;
  portalId: number;
  appId: number;
  db: CrmDb;
  seed: SeedIndex;
  close(): Promise<void>;
  subscribe(targetUrl: string, events?: string[]): Subscription;
  unsubscribe(id: number): boolean;
  deliveries(): Delivery[];
  /** Deliver collected webhook events now and wait for running attempts. */
  flushWebhooks(): Promise<void>;
  createRecord(type: string, properties: Record<string, unknown>, associations?: Array<{ type: string; id: string; primary?: boolean }>, source?: ChangeSource): CrmRecord;
  updateRecord(type: string, id: string, properties: Record<string, unknown>, source?: ChangeSource): CrmRecord;
  deleteRecord(type: string, id: string, source?: ChangeSource): boolean;
  associate(fromType: string, fromId: string, toType: string, toId: string, primary?: boolean): void;
  injectFault(fault: FaultSpec): void;
  stats(): { requests: number; rateLimited: number; faults: number };
  /** Replace all data with a fresh seed (subscriptions kept). */
  reset(): void;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>, readonly headers: Record<string, string> = {}) {
    super(String(body.message ?? status));
  }
}

function hsError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, { status: 'error', message, correlationId: crypto.randomUUID(), category, ...extra });
}

function typeOrThrow(name: string): ObjectType {
  const t = resolveObjectType(name);
  if (!t) throw hsError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${name}`);
  return t;
}

function validationError(e: PropertyValidationError): HttpError {
  const unique = e.problems.find((p) => p.error === 'NOT_UNIQUE');
  if (unique) {
    const existing = /id (\d+)/.exec(unique.message)?.[1];
    return hsError(409, 'CONFLICT', `${unique.name === 'email' ? 'Contact' : 'Object'} already exists. Existing ID: ${existing}`);
  }
  return hsError(400, 'VALIDATION_ERROR', e.message, {
    errors: e.problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

function listParam(v: string | null): string[] | undefined {
  if (v === null) return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export async function startCrmSandbox(opts: CrmSandboxOptions = {}): Promise<CrmSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? Number(process.env.CRM_SANDBOX_PORT ?? 8070);
  const token = opts.token ?? process.env.CRM_SANDBOX_TOKEN ?? 'sandbox-token';
  const secret = opts.secret ?? process.env.CRM_SANDBOX_SECRET ?? 'sandbox-secret';
  const portalId = opts.portalId ?? 62515;
  const appId = opts.appId ?? 1160452;
  const rate = opts.rateLimit === undefined ? { max: 100, intervalMs: 10_000 } : opts.rateLimit;
  const log = (line: string) => { if (!opts.quiet) console.log(`[crm-sandbox] ${line}`); };

  let db = new CrmDb();
  let seed: SeedIndex = opts.empty ? { companies: {}, contacts: {}, products: {}, deals: {}, tickets: {} } : seedCrm(db);
  const hooks = new WebhookDispatcher({ secret, portalId, appId, ...opts.webhooks, log });
  db.onChange((c) => hooks.onChange(c));

  const windows = new Map<string, number[]>();
  const faults: FaultSpec[] = [];
  const counters = { requests: 0, rateLimited: 0, faults: 0 };

  // ---------- record rendering ----------
  const renderAssociations = (rec: CrmRecord, types: string[]) => {
    const out: Record<string, { results: Array<{ id: string; type: string }> }> = {};
    for (const name of types) {
      const to = resolveObjectType(name);
      if (!to) continue;
      const results = db.associations(rec.type, rec.id, to).map((a) => {
        const primary = PRIMARY_TYPES[`${rec.type}>${to}`] === a.typeId;
        return { id: a.toId, type: primary ? `${SINGULAR[rec.type]}_to_${SINGULAR[to]}_primary` : `${SINGULAR[rec.type]}_to_${SINGULAR[to]}` };
      });
      if (results.length) out[to] = { results };
    }
    return out;
  };

  const render = (rec: CrmRecord, properties?: string[], associations?: string[]) => {
    const body: Record<string, unknown> = {
      id: rec.id,
      properties: db.pick(rec, properties),
      createdAt: new Date(rec.createdAt).toISOString(),
      updatedAt: new Date(rec.updatedAt).toISOString(),
      archived: rec.archived,
    };
    if (rec.archived && rec.archivedAt) body.archivedAt = new Date(rec.archivedAt).toISOString();
    if (associations?.length) {
      const a = renderAssociations(rec, associations);
      if (Object.keys(a).length) body.associations = a;
    }
    return body;
  };

  /** v3 create `associations: [{to: {id}, types: [{associationCategory, associationTypeId}]}]`. */
  const applyCreateAssociations = (type: ObjectType, id: string, list: unknown, source: ChangeSource) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw hsError(400, 'VALIDATION_ERROR', 'associations must be an array');
    for (const item of list as Array<{ to?: { id?: unknown }; types?: Array<{ associationCategory?: string; associationTypeId?: number }> }>) {
      const toId = String(item?.to?.id ?? '');
      for (const t of item?.types ?? [{}]) {
        const pair = t.associationTypeId !== undefined ? ASSOCIATION_BY_ID.get(Number(t.associationTypeId)) : undefined;
        if (!pair || pair[0] !== type) throw hsError(400, 'VALIDATION_ERROR', `association type id ${String(t.associationTypeId)} doesn't exist between ${type} and the target`);
        const toType = pair[1];
        if (!db.get(toType, toId)) throw hsError(400, 'VALIDATION_ERROR', `One or more associations are invalid: ${SINGULAR[toType]} ${toId} does not exist`);
        db.associate(type, id, toType, toId, Number(t.associationTypeId), source);
      }
    }
  };

  const createOne = (type: ObjectType, input: { properties?: Record<string, unknown>; associations?: unknown }, source: ChangeSource) => {
    if (!input || typeof input !== 'object') throw hsError(400, 'VALIDATION_ERROR', 'Invalid input');
    // Check associations before creating so a bad association leaves nothing behind.
    for (const item of (Array.isArray(input.associations) ? input.associations : []) as Array<{ to?: { id?: unknown }; types?: Array<{ associationTypeId?: number }> }>) {
      for (const t of item?.types ?? []) {
        const pair = ASSOCIATION_BY_ID.get(Number(t.associationTypeId));
        if (!pair || pair[0] !== type) throw hsError(400, 'VALIDATION_ERROR', `association type id ${String(t.associationTypeId)} doesn't exist from ${type}`);
        if (!db.get(pair[1], String(item?.to?.id ?? ''))) throw hsError(400, 'VALIDATION_ERROR', `One or more associations are invalid: ${SINGULAR[pair[1]]} ${String(item?.to?.id)} does not exist`);
      }
    }
    try {
      const rec = db.create(type, input.properties ?? {}, source);
      applyCreateAssociations(type, rec.id, input.associations, source);
      return rec;
    } catch (e) {
      if (e instanceof PropertyValidationError) throw validationError(e);
      throw e;
    }
  };

  const findById = (type: ObjectType, id: string, idProperty?: string) => {
    if (idProperty && idProperty !== 'hs_object_id') {
      const def = db.property(type, idProperty);
      if (!def) throw hsError(400, 'VALIDATION_ERROR', `Property ${idProperty} does not exist`);
      if (!def.hasUniqueValue) throw hsError(400, 'VALIDATION_ERROR', `${idProperty} is not a unique identifier property for ${type}`);
      return db.findBy(type, idProperty, id);
    }
    return db.get(type, id);
  };

  const updateOne = (type: ObjectType, id: string, properties: Record<string, unknown>, source: ChangeSource, idProperty?: string) => {
    const rec = findById(type, id, idProperty);
    if (!rec) throw hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    try {
      return db.update(type, rec.id, properties ?? {}, source).record;
    } catch (e) {
      if (e instanceof PropertyValidationError) throw validationError(e);
      throw e;
    }
  };

  /** Write responses carry HubSpot's default properties plus the ones written. */
  const written = (type: ObjectType, body: unknown): string[] => {
    const props = (body as { properties?: Record<string, unknown> })?.properties;
    return [...DEFAULT_RETURNED[type], ...(props && typeof props === 'object' ? Object.keys(props) : [])];
  };

  // ---------- API ----------
  type Handler = (m: RegExpExecArray, url: URL, body: unknown) => { status: number; body?: unknown };
  const routes: Array<[string, RegExp, Handler]> = [];
  const route = (method: string, re: RegExp, h: Handler) => routes.push([method, re, h]);
  const src: ChangeSource = 'INTEGRATION';

  route('GET', /^\/account-info\/v3\/details$/, () => ({
    status: 200,
    body: { portalId, accountType: 'SANDBOX', timeZone: 'UTC', companyCurrency: 'USD', additionalCurrencies: [], utcOffset: '+00:00', utcOffsetMilliseconds: 0, uiDomain: 'app.hubspot.com', dataHostingLocation: 'local' },
  }));

  route('GET', /^\/crm\/v3\/objects\/([^/]+)$/, (m, url) => {
    const type = typeOrThrow(m[1]);
    const limit = Number(url.searchParams.get('limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw hsError(400, 'VALIDATION_ERROR', 'limit must be between 1 and 100');
    const after = url.searchParams.get('after');
    const archived = url.searchParams.get('archived') === 'true';
    const rows = db.all(type, archived).filter((r) => !after || Number(r.id) > Number(after));
    const page = rows.slice(0, limit);
    const props = listParam(url.searchParams.get('properties'));
    const assocs = listParam(url.searchParams.get('associations'));
    const body: Record<string, unknown> = { results: page.map((r) => render(r, props, assocs)) };
    if (rows.length > limit) {
      const next = page[page.length - 1].id;
      body.paging = { next: { after: next, link: `${url.pathname}?after=${next}` } };
    }
    return { status: 200, body };
  });

  route('POST', /^\/crm\/v3\/objects\/([^/]+)$/, (m, _u, body) => {
    const type = typeOrThrow(m[1]);
    return { status: 201, body: render(createOne(type, body as never, src), written(type, body)) };
  });

  route('POST', /^\/crm\/v3\/objects\/([^/]+)\/search$/, (m, _u, body) => {
    const type = typeOrThrow(m[1]);
    const req = (body ?? {}) as Parameters<typeof search>[2];
    try {
      const r = search(db, type, req);
      const out: Record<string, unknown> = { total: r.total, results: r.results.map((x) => render(x, req.properties)) };
      if (r.after) out.paging = { next: { after: r.after } };
      return { status: 200, body: out };
    } catch (e) {
      if (e instanceof SearchError) throw hsError(400, 'VALIDATION_ERROR', e.message);
      throw e;
    }
  });

  const batchInputs = (body: unknown): Array<Record<string, any>> => {
    const inputs = (body as { inputs?: unknown })?.inputs;
    if (!Array.isArray(inputs)) throw hsError(400, 'VALIDATION_ERROR', 'inputs must be an array');
    if (inputs.length > 100) throw hsError(400, 'VALIDATION_ERROR', `Batch input cannot exceed 100 inputs, got ${inputs.length}`);
    return inputs as Array<Record<string, any>>;
  };
  const batchResult = (status: number, results: unknown[], missing: string[], type: ObjectType) => {
    const now = new Date().toISOString();
    const out: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: now, completedAt: now };
    if (missing.length) {
      out.numErrors = 1;
      out.errors = [{
        status: 'error', category: 'OBJECT_NOT_FOUND',
        message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
        context: { ids: missing },
      }];
      return { status: 207, body: out };
    }
    return { status, body: out };
  };

  route('POST', /^\/crm\/v3\/objects\/([^/]+)\/batch\/read$/, (m, url, body) => {
    const type = typeOrThrow(m[1]);
    const b = (body ?? {}) as { properties?: string[]; idProperty?: string };
    const assocs = listParam(url.searchParams.get('associations'));
    const results: unknown[] = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const input of batchInputs(body)) {
      const id = String(input?.id ?? '');
      const rec = findById(type, id, b.idProperty);
      if (!rec) missing.push(id);
      else if (!seen.has(rec.id)) {
        seen.add(rec.id);
        results.push(render(rec, b.properties, assocs));
      }
    }
    return batchResult(200, results, missing, type);
  });

  route('POST', /^\/crm\/v3\/objects\/([^/]+)\/batch\/create$/, (m, _u, body) => {
    const type = typeOrThrow(m[1]);
    const inputs = batchInputs(body);
    // validate everything first: a batch with an invalid input creates nothing
    for (const input of inputs) {
      try { db.validate(type, input?.properties ?? {}); } catch (e) { if (e instanceof PropertyValidationError) throw validationError(e); throw e; }
    }
    return { status: 201, body: batchResult(201, inputs.map((i) => render(createOne(type, i, src), written(type, i))), [], type).body };
  });

  route('POST', /^\/crm\/v3\/objects\/([^/]+)\/batch\/update$/, (m, _u, body) => {
    const type = typeOrThrow(m[1]);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of batchInputs(body)) {
      const id = String(input?.id ?? '');
      const rec = findById(type, id, input?.idProperty);
      if (!rec) { missing.push(id); continue; }
      results.push(render(updateOne(type, rec.id, input?.properties ?? {}, src), written(type, input)));
    }
    return batchResult(200, results, missing, type);
  });

  route('POST', /^\/crm\/v3\/objects\/([^/]+)\/batch\/upsert$/, (m, _u, body) => {
    const type = typeOrThrow(m[1]);
    const results: unknown[] = [];
    for (const input of batchInputs(body)) {
      const idProperty = String(input?.idProperty ?? '');
      const id = String(input?.id ?? '');
      if (!idProperty || idProperty === 'hs_object_id') throw hsError(400, 'VALIDATION_ERROR', 'upsert needs an idProperty with unique values');
      const existing = findById(type, id, idProperty);
      const names = [...written(type, input), idProperty];
      if (existing) results.push({ ...render(updateOne(type, existing.id, input?.properties ?? {}, src), names), new: false });
      else results.push({ ...render(createOne(type, { properties: { ...(input?.properties ?? {}), [idProperty]: id } }, src), names), new: true });
    }
    return { status: 200, body: { status: 'COMPLETE', results, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() } };
  });

  route('POST', /^\/crm\/v3\/objects\/([^/]+)\/batch\/archive$/, (m, _u, body) => {
    const type = typeOrThrow(m[1]);
    for (const input of batchInputs(body)) db.archive(type, String(input?.id ?? ''), src);
    return { status: 204 };
  });

  route('GET', /^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/, (m, url) => {
    const type = typeOrThrow(m[1]);
    const rec = findById(type, decodeURIComponent(m[2]), url.searchParams.get('idProperty') ?? undefined);
    if (!rec) throw hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    return { status: 200, body: render(rec, listParam(url.searchParams.get('properties')), listParam(url.searchParams.get('associations'))) };
  });

  route('PATCH', /^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/, (m, url, body) => {
    const type = typeOrThrow(m[1]);
    const props = (body as { properties?: Record<string, unknown> })?.properties;
    if (!props || typeof props !== 'object') throw hsError(400, 'VALIDATION_ERROR', 'properties must be an object');
    return { status: 200, body: render(updateOne(type, decodeURIComponent(m[2]), props, src, url.searchParams.get('idProperty') ?? undefined), written(type, body)) };
  });

  route('DELETE', /^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/, (m) => {
    const type = typeOrThrow(m[1]);
    db.archive(type, decodeURIComponent(m[2]), src); // HubSpot answers 204 even for unknown ids
    return { status: 204 };
  });

  route('GET', /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)$/, (m) => {
    const from = typeOrThrow(m[1]);
    const to = typeOrThrow(m[3]);
    if (!db.get(from, m[2])) throw hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    const grouped = new Map<string, Array<{ category: string; typeId: number; label: string | null }>>();
    for (const a of db.associations(from, m[2], to)) {
      const list = grouped.get(a.toId) ?? [];
      const primary = PRIMARY_TYPES[`${from}>${to}`] === a.typeId;
      list.push({ category: a.category, typeId: a.typeId, label: primary ? 'Primary' : null });
      grouped.set(a.toId, list);
    }
    return { status: 200, body: { results: [...grouped].map(([id, types]) => ({ toObjectId: Number(id), associationTypes: types })) } };
  });

  route('PUT', /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/default\/([^/]+)\/([^/]+)$/, (m) => {
    const from = typeOrThrow(m[1]);
    const to = typeOrThrow(m[3]);
    if (!db.get(from, m[2]) || !db.get(to, m[4])) throw hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    if (ASSOCIATION_TYPES[`${from}>${to}`] === undefined) throw hsError(400, 'VALIDATION_ERROR', `No default association between ${from} and ${to}`);
    db.associate(from, m[2], to, m[4], undefined, src);
    return {
      status: 200,
      body: { status: 'COMPLETE', results: [{ from: { id: m[2] }, to: { id: m[4] }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ASSOCIATION_TYPES[`${from}>${to}`] } }], startedAt: new Date().toISOString(), completedAt: new Date().toISOString() },
    };
  });

  route('PUT', /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)\/([^/]+)$/, (m, _u, body) => {
    const from = typeOrThrow(m[1]);
    const to = typeOrThrow(m[3]);
    if (!db.get(from, m[2]) || !db.get(to, m[4])) throw hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    const specs = Array.isArray(body) ? (body as Array<{ associationTypeId?: number }>) : [];
    if (!specs.length) throw hsError(400, 'VALIDATION_ERROR', 'Body must be an array of {associationCategory, associationTypeId}');
    for (const s of specs) {
      const pair = ASSOCIATION_BY_ID.get(Number(s.associationTypeId));
      if (!pair || pair[0] !== from || pair[1] !== to) throw hsError(400, 'VALIDATION_ERROR', `association type id ${String(s.associationTypeId)} doesn't exist between ${from} and ${to}`);
      db.associate(from, m[2], to, m[4], Number(s.associationTypeId), src);
    }
    return { status: 201, body: { fromObjectTypeId: from, fromObjectId: Number(m[2]), toObjectTypeId: to, toObjectId: Number(m[4]), labels: [] } };
  });

  route('DELETE', /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)\/([^/]+)$/, (m) => {
    db.removeAssociation(typeOrThrow(m[1]), m[2], typeOrThrow(m[3]), m[4], undefined, src);
    return { status: 204 };
  });

  route('POST', /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/, (m, _u, body) => {
    const from = typeOrThrow(m[1]);
    const to = typeOrThrow(m[2]);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of batchInputs(body)) {
      const id = String(input?.id ?? '');
      if (!db.get(from, id)) { missing.push(id); continue; }
      const grouped = new Map<string, Array<{ category: string; typeId: number; label: string | null }>>();
      for (const a of db.associations(from, id, to)) {
        const list = grouped.get(a.toId) ?? [];
        list.push({ category: a.category, typeId: a.typeId, label: PRIMARY_TYPES[`${from}>${to}`] === a.typeId ? 'Primary' : null });
        grouped.set(a.toId, list);
      }
      if (grouped.size) results.push({ from: { id }, to: [...grouped].map(([toId, types]) => ({ toObjectId: Number(toId), associationTypes: types })) });
    }
    return batchResult(200, results, missing, from);
  });

  route('GET', /^\/crm\/v3\/properties\/([^/]+)$/, (m) => ({ status: 200, body: { results: db.properties(typeOrThrow(m[1])) } }));

  route('GET', /^\/crm\/v3\/properties\/([^/]+)\/([^/]+)$/, (m) => {
    const p = db.property(typeOrThrow(m[1]), m[2]);
    if (!p) throw hsError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${m[2]}`);
    return { status: 200, body: p };
  });

  route('POST', /^\/crm\/v3\/properties\/([^/]+)$/, (m, _u, body) => {
    const type = typeOrThrow(m[1]);
    const b = (body ?? {}) as Partial<PropertyDefinition>;
    if (!b.name || !/^[a-z][a-z0-9_]*$/.test(b.name)) throw hsError(400, 'VALIDATION_ERROR', 'name must be lowercase letters, digits and underscores');
    if (!b.label || !b.type || !b.fieldType || !b.groupName) throw hsError(400, 'VALIDATION_ERROR', 'label, type, fieldType and groupName are required');
    if (!['string', 'number', 'datetime', 'date', 'enumeration', 'bool'].includes(b.type)) throw hsError(400, 'VALIDATION_ERROR', `Unknown type ${b.type}`);
    if (db.property(type, b.name)) throw hsError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${b.name}' already exists.`);
    const now = new Date().toISOString();
    const def: PropertyDefinition = {
      name: b.name, label: b.label, type: b.type, fieldType: b.fieldType, groupName: b.groupName, description: b.description ?? '',
      options: b.options ?? [], hasUniqueValue: b.hasUniqueValue ?? false, hidden: b.hidden ?? false, calculated: false,
      readOnlyValue: false, hubspotDefined: false, createdAt: now, updatedAt: now, archived: false, formField: b.formField ?? false,
      displayOrder: b.displayOrder ?? -1,
    };
    db.addProperty(type, def);
    return { status: 201, body: def };
  });

  // ---------- admin ----------
  const adminRoutes: Array<[string, RegExp, Handler]> = [];
  const admin = (method: string, re: RegExp, h: Handler) => adminRoutes.push([method, re, h]);

  admin('GET', /^\/sandbox\/health$/, () => ({ status: 200, body: { ok: true, portalId, appId } }));
  admin('GET', /^\/sandbox\/seed$/, () => ({ status: 200, body: seed }));
  admin('GET', /^\/sandbox\/stats$/, () => ({ status: 200, body: { ...counters } }));
  admin('GET', /^\/sandbox\/webhooks$/, () => ({ status: 200, body: hooks.subscriptions() }));
  admin('POST', /^\/sandbox\/webhooks$/, (_m, _u, body) => {
    const b = (body ?? {}) as { targetUrl?: string; events?: string[] };
    if (!b.targetUrl) throw new HttpError(400, { message: 'targetUrl is required' });
    try {
      return { status: 201, body: hooks.subscribe(b.targetUrl, Array.isArray(b.events) ? b.events : []) };
    } catch (e) {
      throw new HttpError(400, { message: `targetUrl is not a valid URL: ${(e as Error).message}` });
    }
  });
  admin('DELETE', /^\/sandbox\/webhooks\/(\d+)$/, (m) => (hooks.unsubscribe(Number(m[1])) ? { status: 204 } : { status: 404, body: { message: 'no such subscription' } }));
  admin('GET', /^\/sandbox\/deliveries$/, (_m, url) => {
    const state = url.searchParams.get('state');
    return { status: 200, body: hooks.listDeliveries().filter((d) => !state || d.state === state) };
  });
  admin('DELETE', /^\/sandbox\/deliveries$/, () => { hooks.clearDeliveries(); return { status: 204 }; });
  admin('POST', /^\/sandbox\/records\/([^/]+)$/, (m, _u, body) => {
    const b = (body ?? {}) as { properties?: Record<string, unknown>; associations?: Array<{ type: string; id: string; primary?: boolean }> };
    return { status: 201, body: render(api.createRecord(m[1], b.properties ?? {}, b.associations, 'CRM_UI')) };
  });
  admin('PATCH', /^\/sandbox\/records\/([^/]+)\/([^/]+)$/, (m, _u, body) => {
    const b = (body ?? {}) as { properties?: Record<string, unknown> };
    return { status: 200, body: render(api.updateRecord(m[1], m[2], b.properties ?? {}, 'CRM_UI')) };
  });
  admin('DELETE', /^\/sandbox\/records\/([^/]+)\/([^/]+)$/, (m) => (api.deleteRecord(m[1], m[2], 'CRM_UI') ? { status: 204 } : { status: 404, body: { message: 'not found' } }));
  admin('POST', /^\/sandbox\/associations$/, (_m, _u, body) => {
    const b = (body ?? {}) as { fromType: string; fromId: string; toType: string; toId: string; primary?: boolean };
    api.associate(b.fromType, String(b.fromId), b.toType, String(b.toId), b.primary);
    return { status: 204 };
  });
  admin('POST', /^\/sandbox\/faults$/, (_m, _u, body) => {
    const b = (body ?? {}) as FaultSpec;
    if (!Number.isInteger(b.status) || !Number.isInteger(b.count)) throw new HttpError(400, { message: 'status and count are required integers' });
    api.injectFault(b);
    return { status: 204 };
  });
  admin('POST', /^\/sandbox\/flush$/, () => ({ status: 202 }));
  admin('POST', /^\/sandbox\/reset$/, () => { api.reset(); return { status: 204 }; });

  // ---------- HTTP plumbing ----------
  const rateLimit = (key: string): Record<string, string> => {
    if (!rate) return {};
    const now = Date.now();
    const list = (windows.get(key) ?? []).filter((t) => t > now - rate.intervalMs);
    windows.set(key, list);
    const headers = {
      'X-HubSpot-RateLimit-Max': String(rate.max),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(rate.intervalMs),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, rate.max - list.length - 1)),
    };
    if (list.length >= rate.max) {
      counters.rateLimited++;
      const wait = list[0] + rate.intervalMs - now;
      throw new HttpError(429, {
        status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT',
        correlationId: crypto.randomUUID(), policyName: 'TEN_SECONDLY_ROLLING', groupName: `publicapi:private-app:burst:${portalId}`,
      }, { ...headers, 'X-HubSpot-RateLimit-Remaining': '0', 'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))) });
    }
    list.push(now);
    return headers;
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined || status === 204 ? '' : JSON.stringify(body);
    res.writeHead(status, { ...headers, ...(text ? { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) } : {}) });
    res.end(text);
  };

  const readBody = (req: http.IncomingMessage): Promise<string> => new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 3 * 1024 * 1024) {
        reject(new HttpError(413, { status: 'error', message: 'Request body too large', category: 'VALIDATION_ERROR' }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    let headers: Record<string, string> = {};
    try {
      const isAdmin = url.pathname.startsWith('/sandbox/');
      const table = isAdmin ? adminRoutes : routes;
      let match: { m: RegExpExecArray; h: Handler } | undefined;
      let pathKnown = false;
      for (const [meth, re, h] of table) {
        const m = re.exec(url.pathname);
        if (!m) continue;
        pathKnown = true;
        if (meth === method) { match = { m, h }; break; }
      }
      if (!isAdmin) {
        counters.requests++;
        const auth = req.headers.authorization ?? '';
        const given = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
        if (!given) {
          throw hsError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview');
        }
        if (given.length !== token.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(token))) {
          throw hsError(401, 'INVALID_AUTHENTICATION', 'The OAuth token used to make this call expired 0 second(s) ago or is invalid.');
        }
        headers = rateLimit(given);
        const fault = faults.find((f) => !f.pathContains || url.pathname.includes(f.pathContains));
        if (fault) {
          fault.count--;
          if (fault.count <= 0) faults.splice(faults.indexOf(fault), 1);
          counters.faults++;
          const extra: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
          const body = fault.status === 429
            ? { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: crypto.randomUUID(), policyName: 'TEN_SECONDLY_ROLLING' }
            : { status: 'error', message: 'internal error (injected)', correlationId: crypto.randomUUID(), category: 'INTERNAL_ERROR' };
          throw new HttpError(fault.status, body, { ...headers, ...extra });
        }
      }
      if (!match) {
        if (pathKnown) throw new HttpError(405, { status: 'error', message: `HTTP method ${method} is not supported by this resource`, correlationId: crypto.randomUUID(), category: 'METHOD_NOT_ALLOWED' });
        throw new HttpError(404, { status: 'error', message: `Unknown path ${url.pathname}`, correlationId: crypto.randomUUID(), category: 'OBJECT_NOT_FOUND' });
      }
      const raw = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
      let body: unknown;
      if (raw.trim()) {
        try {
          body = JSON.parse(raw);
        } catch (e) {
          throw hsError(400, 'VALIDATION_ERROR', `Invalid input JSON : ${(e as Error).message}`);
        }
      }
      if (isAdmin && /^\/sandbox\/(flush|webhooks\/flush)$/.test(url.pathname)) await hooks.flush();
      const out = match.h(match.m, url, body);
      send(res, out.status, out.body, headers);
    } catch (e) {
      if (e instanceof HttpError) {
        send(res, e.status, e.body, { ...headers, ...e.headers });
      } else if (e instanceof NotFound) {
        send(res, 404, hsError(404, 'OBJECT_NOT_FOUND', 'resource not found').body, headers);
      } else if (e instanceof PropertyValidationError) {
        const v = validationError(e);
        send(res, v.status, v.body, headers);
      } else {
        log(`internal error on ${method} ${url.pathname}: ${(e as Error).stack}`);
        send(res, 500, { status: 'error', message: (e as Error).message, correlationId: crypto.randomUUID(), category: 'INTERNAL_ERROR' }, headers);
      }
    }
  };

  const server = http.createServer((req, res) => { void handle(req, res); });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  log(`HubSpot-style CRM sandbox on ${url} (token ${token.slice(0, 4)}…, portal ${portalId})`);

  const api: CrmSandbox = {
    url, port: actual, token, secret, portalId, appId,
    get db() { return db; },
    get seed() { return seed; },
    async close() {
      hooks.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
    },
    subscribe: (targetUrl, events) => hooks.subscribe(targetUrl, events ?? []),
    unsubscribe: (id) => hooks.unsubscribe(id),
    deliveries: () => hooks.listDeliveries(),
    flushWebhooks: () => hooks.flush(),
    createRecord(type, properties, associations, source = 'CRM_UI') {
      const t = typeOrThrow(type);
      try {
        const rec = db.create(t, properties, source);
        for (const a of associations ?? []) {
          const to = typeOrThrow(a.type);
          db.associate(t, rec.id, to, String(a.id), a.primary ? PRIMARY_TYPES[`${t}>${to}`] : undefined, source);
        }
        return rec;
      } catch (e) {
        if (e instanceof PropertyValidationError) throw validationError(e);
        throw e;
      }
    },
    updateRecord(type, id, properties, source = 'CRM_UI') {
      const t = typeOrThrow(type);
      if (!db.get(t, id)) throw hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
      return updateOne(t, id, properties, source);
    },
    deleteRecord: (type, id, source = 'CRM_UI') => db.archive(typeOrThrow(type), id, source),
    associate(fromType, fromId, toType, toId, primary) {
      const f = typeOrThrow(fromType);
      const t = typeOrThrow(toType);
      if (!db.get(f, fromId) || !db.get(t, toId)) throw hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
      db.associate(f, fromId, t, toId, primary ? PRIMARY_TYPES[`${f}>${t}`] : undefined, 'CRM_UI');
    },
    injectFault: (f) => { faults.push({ ...f }); },
    stats: () => ({ ...counters }),
    reset() {
      db = new CrmDb();
      seed = opts.empty ? { companies: {}, contacts: {}, products: {}, deals: {}, tickets: {} } : seedCrm(db);
      db.onChange((c) => hooks.onChange(c));
      windows.clear();
      faults.length = 0;
    },
  };
  return api;
}
