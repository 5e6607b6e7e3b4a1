/**
 * OdooClient: one authenticated, pooled connection to one Odoo database.
 *
 *  - protocols: XML-RPC (`/xmlrpc/2/common|object`, the `xmlrpc` package) and JSON-2
 *    (`/json/2/<model>/<method>`, bearer API key); `auto` probes `GET /web/version` once and uses
 *    JSON-2 on 19+ when the password/key works as a bearer key, else XML-RPC.
 *  - authenticates once and keeps the uid; on an authentication failure of a call (fault 3 / HTTP 401)
 *    it authenticates again once and repeats the call, then gives up with OdooAuthError.
 *  - keep-alive agent, a cap on calls in flight (the rest wait in a FIFO queue), a timeout on every call.
 *  - every failure is a typed error (./errors); transient ones are retried here with exponential
 *    backoff and full jitter, bounded in attempts and total time, honouring Retry-After.
 * See docs/odoo-client.md.
 */
import http from 'http';
import https from 'https';
import {
  OdooAuthError,
  OdooClosedError,
  OdooError,
  OdooRequestError,
  OdooTransientError,
} from './errors';
import { toJson2Request } from './json2-params';
import { Json2Transport, TransportOptions, XmlRpcTransport, httpRequest } from './transport';
import { UpsertOptions, UpsertResult, runUpsert } from './upsert';

export type OdooProtocol = 'auto' | 'xmlrpc' | 'json2';
export type Domain = unknown[];
export type OdooRecord = Record<string, unknown>;

export interface RetryOptions {
  /** Total tries of one call, the first included (default 4; 1 = no retry). */
  attempts?: number;
  /** Base of the exponential backoff (default 200 ms). */
  baseDelayMs?: number;
  /** Cap of one wait (default 5000 ms). A longer Retry-After is not waited for: the error is thrown. */
  maxDelayMs?: number;
  /** Cap of the whole call including waits (default 60000 ms). */
  maxTotalMs?: number;
  /**
   * Also retry calls that are not known to be idempotent (create, unlink, business methods) after
   * failures where the server may have done the work (timeout, connection reset, 500/502/504).
   * Default false: those are retried only when the server certainly did nothing
   * (429, 503, connection refused, concurrent-update / lock errors, which Odoo rolls back).
   */
  unsafe?: boolean;
}

export interface OdooClientOptions {
  url: string;
  db: string;
  username: string;
  /** Password or API key. JSON-2 needs an API key. */
  password: string;
  protocol?: OdooProtocol;
  /** Timeout of every HTTP call (default 30000 ms). */
  timeoutMs?: number;
  /** Default context merged under every call's context (lang, tz, allowed_company_ids...). */
  context?: Record<string, unknown>;
  /** Calls in flight at once against this server (default 4); more wait in a queue. */
  maxInFlight?: number;
  retry?: RetryOptions;
  userAgent?: string;
  /** Called before each retry wait (status display, logs). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  model?: string;
  method: string;
  attempt: number;
  delayMs: number;
  error: OdooError;
}

export interface VersionInfo {
  serverVersion: string;
  versionInfo: unknown[];
  /** Major version (17, 18, 19...) or NaN if not numeric (e.g. saas~17.4 gives 17). */
  major: number;
}

export interface AuthInfo {
  uid: number;
  serverVersion: string;
  protocol: 'xmlrpc' | 'json2';
}

export interface SearchReadOptions {
  fields?: string[];
  offset?: number;
  limit?: number;
  order?: string;
  context?: Record<string, unknown>;
}

export interface PageOptions extends Omit<SearchReadOptions, 'offset'> {
  /** Records per call (default 500). */
  pageSize?: number;
  /**
   * `id` (default when no order or order "id [asc]"): each page asks for id > last id, stable while
   * records change. `offset`: classic offset paging, used whenever another order is given.
   */
  cursor?: 'id' | 'offset';
}

export interface ClientStats {
  calls: number;
  retries: number;
  authentications: number;
  inFlight: number;
  queued: number;
}

const IDEMPOTENT = new Set([
  'search_read', 'search', 'search_count', 'search_fetch', 'read', 'name_search', 'fields_get', 'default_get',
  'read_group', 'formatted_read_group', 'exists', 'context_get', 'check_access_rights', 'has_access', 'write',
  'version', 'authenticate', 'login', 'web_search_read', 'get_views', 'onchange',
]);

function sleep(ms: number, signal: { closed: boolean; wake: Set<() => void> }): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.wake.delete(done);
      resolve();
    }
    signal.wake.add(done);
  });
}

function majorOf(v: string, info: unknown[]): number {
  if (Array.isArray(info) && typeof info[0] === 'number') return info[0];
  const m = /(\d+)/.exec(String(v ?? ''));
  return m ? Number(m[1]) : NaN;
}

export class OdooClient {
  readonly options: Readonly<Required<Pick<OdooClientOptions, 'url' | 'db' | 'username' | 'protocol' | 'timeoutMs' | 'maxInFlight'>>> & { context: Record<string, unknown> };
  private readonly password: string;
  private readonly retry: Required<RetryOptions>;
  private readonly agent: http.Agent;
  private readonly xml: XmlRpcTransport;
  private readonly json2: Json2Transport;
  private readonly transportOpts: TransportOptions;
  private readonly onRetry?: (info: RetryInfo) => void;

  private uid: number | undefined;
  private activeProtocol: 'xmlrpc' | 'json2' | undefined;
  private versionCache: VersionInfo | undefined;
  private authPromise: Promise<AuthInfo> | undefined;
  private inFlight = 0;
  private readonly queue: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private readonly sleeper = { closed: false, wake: new Set<() => void>() };
  private closed = false;
  private readonly counters = { calls: 0, retries: 0, authentications: 0 };

  constructor(opts: OdooClientOptions) {
    if (!opts || !opts.url) throw new OdooRequestError('Odoo URL is required');
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new OdooRequestError(`Odoo URL is not valid: ${opts.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OdooRequestError(`Odoo URL must be http(s): ${opts.url}`);
    const maxInFlight = Math.max(1, Math.floor(opts.maxInFlight ?? 4));
    this.options = {
      url: url.toString().replace(/\/+$/, ''),
      db: opts.db ?? '',
      username: opts.username ?? '',
      protocol: opts.protocol ?? 'auto',
      timeoutMs: opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : 30000,
      maxInFlight,
      context: { ...(opts.context ?? {}) },
    };
    this.password = opts.password ?? '';
    this.retry = {
      attempts: Math.max(1, Math.floor(opts.retry?.attempts ?? 4)),
      baseDelayMs: Math.max(0, opts.retry?.baseDelayMs ?? 200),
      maxDelayMs: Math.max(0, opts.retry?.maxDelayMs ?? 5000),
      maxTotalMs: Math.max(0, opts.retry?.maxTotalMs ?? 60000),
      unsafe: opts.retry?.unsafe ?? false,
    };
    this.onRetry = opts.onRetry;
    const AgentCls = url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new AgentCls({ keepAlive: true, maxSockets: maxInFlight, keepAliveMsecs: 1000 });
    this.transportOpts = { url, agent: this.agent, timeoutMs: this.options.timeoutMs, userAgent: opts.userAgent ?? 'node-red-contrib-odoo-crm-bridge' };
    this.xml = new XmlRpcTransport(this.transportOpts);
    this.json2 = new Json2Transport(this.transportOpts, this.options.db || undefined);
  }

  /** The protocol in use once authenticated (undefined before). */
  get protocol(): 'xmlrpc' | 'json2' | undefined {
    return this.activeProtocol;
  }

  get stats(): ClientStats {
    return { ...this.counters, inFlight: this.inFlight, queued: this.queue.length };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Version and authentication                                                                 */
  /* ------------------------------------------------------------------------------------------ */

  /** Server version (no authentication needed). Cached after the first answer. */
  async version(): Promise<VersionInfo> {
    if (this.versionCache) return this.versionCache;
    const v = await this.withRetry('version', undefined, () => this.fetchVersion());
    this.versionCache = v;
    return v;
  }

  private async fetchVersion(): Promise<VersionInfo> {
    const viaXml = async (): Promise<VersionInfo> => {
      const r = (await this.xml.call('common', 'version', [], { method: 'version' })) as Record<string, unknown>;
      const serverVersion = String(r?.server_version ?? r?.server_serie ?? '');
      const info = Array.isArray(r?.server_version_info) ? (r.server_version_info as unknown[]) : [];
      return { serverVersion, versionInfo: info, major: majorOf(serverVersion, info) };
    };
    if (this.options.protocol === 'xmlrpc') return viaXml();
    let res;
    try {
      res = await httpRequest(this.transportOpts, 'GET', '/web/version', {}, undefined, { method: 'version', protocol: 'json2' });
    } catch (e) {
      if (e instanceof OdooTransientError) throw e;
      return viaXml();
    }
    if (res.status === 200) {
      try {
        const j = JSON.parse(res.body) as { version?: string; version_info?: unknown[] };
        if (j && (j.version || j.version_info)) {
          const serverVersion = String(j.version ?? (j.version_info ?? []).slice(0, 2).join('.'));
          const info = j.version_info ?? [];
          return { serverVersion, versionInfo: info, major: majorOf(serverVersion, info) };
        }
      } catch {
        /* not JSON: older server or a proxy page */
      }
    }
    if (res.status === 429 || res.status >= 500) {
      const { classifyJson2Error } = await import('./errors');
      let body: unknown = res.body;
      try { body = JSON.parse(res.body); } catch { /* plain text */ }
      throw classifyJson2Error(res.status, body, res.headers, { method: 'version', protocol: 'json2' });
    }
    return viaXml();
  }

  /** Log in (once; concurrent callers share the attempt). Forces a fresh login when called again after a failure. */
  authenticate(): Promise<AuthInfo> {
    if (this.closed) return Promise.reject(new OdooClosedError());
    if (this.uid !== undefined && this.activeProtocol && this.versionCache) {
      return Promise.resolve({ uid: this.uid, serverVersion: this.versionCache.serverVersion, protocol: this.activeProtocol });
    }
    if (!this.authPromise) {
      this.authPromise = this.doAuthenticate().finally(() => {
        this.authPromise = undefined;
      });
    }
    return this.authPromise;
  }

  /** The uid, authenticating first if needed. */
  async getUid(): Promise<number> {
    return (await this.authenticate()).uid;
  }

  private async doAuthenticate(): Promise<AuthInfo> {
    if (!this.options.username && this.options.protocol !== 'json2') throw new OdooAuthError('no Odoo username configured', { method: 'authenticate' });
    if (!this.password) throw new OdooAuthError('no Odoo password or API key configured', { method: 'authenticate' });
    const v = await this.version();
    this.counters.authentications++;
    const want = this.options.protocol;
    if (want === 'json2' || (want === 'auto' && v.major >= 19)) {
      try {
        const uid = await this.withRetry('authenticate', undefined, () => this.json2Uid());
        this.uid = uid;
        this.activeProtocol = 'json2';
        return { uid, serverVersion: v.serverVersion, protocol: 'json2' };
      } catch (e) {
        // auto: a password (not an API key) is refused as bearer; XML-RPC still accepts it.
        if (want === 'json2' || !(e instanceof OdooAuthError || (e instanceof OdooError && e.cause.status === 404))) throw e;
      }
    }
    const uid = await this.withRetry('authenticate', undefined, () =>
      this.xml.call('common', 'authenticate', [this.options.db, this.options.username, this.password, {}], { method: 'authenticate' }),
    );
    if (typeof uid !== 'number' || !uid) {
      throw new OdooAuthError(`login refused for user "${this.options.username}" on database "${this.options.db}"`, {
        method: 'authenticate',
        protocol: 'xmlrpc',
        odooMessage: 'Access Denied',
      });
    }
    this.uid = uid;
    this.activeProtocol = 'xmlrpc';
    return { uid, serverVersion: v.serverVersion, protocol: 'xmlrpc' };
  }

  private async json2Uid(): Promise<number> {
    const ctx = (await this.json2.call('res.users', 'context_get', {}, this.password)) as Record<string, unknown> | null;
    if (ctx && typeof ctx.uid === 'number') return ctx.uid;
    // Older builds leave uid out of the context: find the key's user by login.
    const ids = (await this.json2.call('res.users', 'search', { domain: [['login', '=', this.options.username]], limit: 1 }, this.password)) as number[];
    if (Array.isArray(ids) && ids.length) return ids[0];
    throw new OdooAuthError('the API key works but its user could not be determined', { method: 'authenticate', protocol: 'json2' });
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Calls                                                                                      */
  /* ------------------------------------------------------------------------------------------ */

  /**
   * Call any public model method, XML-RPC style: positional `args` (args[0] = ids for record
   * methods) and keyword `kwargs` (`context` merged over the client's default context).
   * On JSON-2 the positional args are mapped to named parameters (json2-params.ts), and
   * `create` with one dict returns one id as on XML-RPC.
   */
  async executeKw(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    if (typeof model !== 'string' || !model) throw new OdooRequestError('model is required', { method });
    if (typeof method !== 'string' || !method) throw new OdooRequestError('method is required', { model });
    if (!Array.isArray(args)) throw new OdooRequestError(`${model}.${method}: args must be an array`, { model, method });
    if (kwargs !== undefined && (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs))) {
      throw new OdooRequestError(`${model}.${method}: kwargs must be an object`, { model, method });
    }
    const kw = this.withContext(kwargs ?? {});
    let reauthed = false;
    for (;;) {
      await this.authenticate();
      const uid = this.uid as number;
      const protocol = this.activeProtocol as 'xmlrpc' | 'json2';
      try {
        return await this.withRetry(method, model, () => this.rawCall(protocol, uid, model, method, args, kw));
      } catch (e) {
        if (e instanceof OdooAuthError && !reauthed && !this.closed) {
          reauthed = true;
          if (this.uid === uid) {
            this.uid = undefined;
            this.activeProtocol = undefined;
          }
          continue;
        }
        throw e;
      }
    }
  }

  private withContext(kwargs: Record<string, unknown>): Record<string, unknown> {
    const base = this.options.context;
    const own = kwargs.context;
    if (!Object.keys(base).length && own === undefined) return kwargs;
    const ctx = { ...base, ...(own && typeof own === 'object' ? (own as Record<string, unknown>) : {}) };
    return { ...kwargs, context: ctx };
  }

  private async rawCall(protocol: 'xmlrpc' | 'json2', uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
    if (protocol === 'xmlrpc') {
      return this.xml.call('object', 'execute_kw', [this.options.db, uid, this.password, model, method, args, kwargs], { model, method });
    }
    const req = toJson2Request(model, method, args, kwargs);
    const body: Record<string, unknown> = { ...req.params };
    if (req.ids) body.ids = req.ids;
    if (req.context) body.context = req.context;
    const result = await this.json2.call(model, method, body, this.password);
    if (method === 'create' && args.length > 0 && args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]) && Array.isArray(result)) {
      return result[0];
    }
    return result;
  }

  /** Slot in the in-flight cap, then the call; transient failures retried with backoff. */
  private async withRetry<T>(method: string, model: string | undefined, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const { attempts, baseDelayMs, maxDelayMs, maxTotalMs, unsafe } = this.retry;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new OdooClosedError(undefined, { model, method });
      await this.acquire();
      let err: OdooError;
      try {
        this.counters.calls++;
        return await fn();
      } catch (e) {
        err = e instanceof OdooError ? e : new OdooTransientError(String((e as Error)?.message ?? e), { model, method, original: e });
      } finally {
        this.release();
      }
      err.cause.attempts = attempt;
      if (this.closed) throw new OdooClosedError(undefined, { model, method });
      if (!(err instanceof OdooTransientError)) throw err;
      if (attempt >= attempts) throw err;
      if (!unsafe && !IDEMPOTENT.has(method) && !certainlyNotApplied(err)) throw err;
      const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      let delay = Math.random() * exp;
      const ra = err.cause.retryAfterMs;
      if (ra !== undefined) {
        if (ra > maxDelayMs) throw err;
        delay = Math.max(delay, ra);
      }
      if (Date.now() - started + delay > maxTotalMs) throw err;
      this.counters.retries++;
      try {
        this.onRetry?.({ model, method, attempt, delayMs: Math.round(delay), error: err });
      } catch {
        /* observer errors never break the call */
      }
      await sleep(delay, this.sleeper);
    }
  }

  private acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new OdooClosedError());
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.queue.push({ resolve, reject }));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.resolve();
    else this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Helpers                                                                                    */
  /* ------------------------------------------------------------------------------------------ */

  async searchRead(model: string, domain: Domain = [], opts: SearchReadOptions = {}): Promise<OdooRecord[]> {
    const kwargs: Record<string, unknown> = {};
    if (opts.fields && opts.fields.length) kwargs.fields = opts.fields;
    if (opts.offset) kwargs.offset = opts.offset;
    if (opts.limit) kwargs.limit = opts.limit;
    if (opts.order) kwargs.order = opts.order;
    if (opts.context) kwargs.context = opts.context;
    return (await this.executeKw(model, 'search_read', [domain], kwargs)) as OdooRecord[];
  }

  async searchCount(model: string, domain: Domain = [], context?: Record<string, unknown>): Promise<number> {
    return (await this.executeKw(model, 'search_count', [domain], context ? { context } : {})) as number;
  }

  async read(model: string, ids: number[], fields?: string[], context?: Record<string, unknown>): Promise<OdooRecord[]> {
    const kwargs: Record<string, unknown> = {};
    if (fields && fields.length) kwargs.fields = fields;
    if (context) kwargs.context = context;
    return (await this.executeKw(model, 'read', [ids], kwargs)) as OdooRecord[];
  }

  /** search_read over a large set, one page per iteration. */
  async *searchReadPages(model: string, domain: Domain = [], opts: PageOptions = {}): AsyncGenerator<OdooRecord[], void, unknown> {
    const pageSize = Math.max(1, Math.floor(opts.pageSize ?? 500));
    const byId = opts.cursor ? opts.cursor === 'id' : !opts.order || /^\s*id(\s+asc)?\s*$/i.test(opts.order);
    let remaining = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let offset = 0;
    let lastId = 0;
    let fields = opts.fields;
    if (byId && fields && fields.length && !fields.includes('id')) fields = [...fields, 'id'];
    while (remaining > 0) {
      const size = Math.min(pageSize, remaining);
      const page = byId
        ? await this.searchRead(model, lastId ? [['id', '>', lastId], ...domain] : domain, { fields, limit: size, order: 'id asc', context: opts.context })
        : await this.searchRead(model, domain, { fields, limit: size, offset, order: opts.order, context: opts.context });
      if (!page.length) return;
      remaining -= page.length;
      offset += page.length;
      if (byId) lastId = Number(page[page.length - 1].id);
      yield page;
      if (page.length < size) return;
    }
  }

  /** Create many records with one multi-create call per chunk (default chunk 1000). Ids in input order. */
  async createMany(model: string, valsList: OdooRecord[], opts: { batchSize?: number; context?: Record<string, unknown> } = {}): Promise<number[]> {
    if (!Array.isArray(valsList)) throw new OdooRequestError(`${model}.create: values must be an array`, { model, method: 'create' });
    const size = Math.max(1, Math.floor(opts.batchSize ?? 1000));
    const ids: number[] = [];
    for (let i = 0; i < valsList.length; i += size) {
      const chunk = valsList.slice(i, i + size);
      const r = await this.executeKw(model, 'create', [chunk], opts.context ? { context: opts.context } : {});
      const got = Array.isArray(r) ? (r as number[]) : [r as number];
      if (got.length !== chunk.length) {
        throw new OdooRequestError(`${model}.create: Odoo returned ${got.length} ids for ${chunk.length} records`, { model, method: 'create' });
      }
      ids.push(...got);
    }
    return ids;
  }

  async write(model: string, ids: number[], vals: OdooRecord, context?: Record<string, unknown>): Promise<boolean> {
    return (await this.executeKw(model, 'write', [ids, vals], context ? { context } : {})) as boolean;
  }

  async unlink(model: string, ids: number[], context?: Record<string, unknown>): Promise<boolean> {
    return (await this.executeKw(model, 'unlink', [ids], context ? { context } : {})) as boolean;
  }

  /**
   * Create or update a batch by match keys: one search for the whole batch, one create for the new
   * records, grouped writes for the changed ones, nothing for unchanged ones. See upsert.ts.
   */
  upsert(model: string, records: OdooRecord[], matchOn: string | string[], opts: UpsertOptions = {}): Promise<UpsertResult> {
    return runUpsert(this, model, records, Array.isArray(matchOn) ? matchOn : [matchOn], opts);
  }

  async fieldsGet(model: string, attributes: string[] = ['string', 'type', 'required', 'readonly', 'relation', 'selection', 'help'], context?: Record<string, unknown>): Promise<Record<string, Record<string, unknown>>> {
    const kwargs: Record<string, unknown> = { attributes };
    if (context) kwargs.context = context;
    return (await this.executeKw(model, 'fields_get', [], kwargs)) as Record<string, Record<string, unknown>>;
  }

  /** Stop: queued and sleeping calls fail with OdooClosedError, sockets are closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sleeper.closed = true;
    for (const wake of [...this.sleeper.wake]) wake();
    const waiting = this.queue.splice(0);
    for (const w of waiting) w.reject(new OdooClosedError());
    this.agent.destroy();
  }
}

/** Failures after which the server certainly did not apply the call, so any method may be repeated. */
function certainlyNotApplied(err: OdooError): boolean {
  const c = err.cause;
  if (c.status === 429 || c.status === 503 || c.status === 409 || c.status === 408 || c.status === 425) return true;
  if (c.networkCode === 'ECONNREFUSED' || c.networkCode === 'EAI_AGAIN' || c.networkCode === 'ENOTFOUND') return true;
  const n = c.exceptionName ?? '';
  if (/LockError|SerializationFailure|TransactionRollbackError|LockNotAvailable|Deadlock/.test(n)) return true;
  // Fault 2 concurrency messages (XML-RPC): Odoo rolled the transaction back.
  if (c.faultCode !== undefined && c.status === undefined && !c.networkCode) return true;
  return false;
}
