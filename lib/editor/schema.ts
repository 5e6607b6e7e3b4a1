/**
 * Pure helpers behind the editor's live-schema endpoints (nodes/shared/schema-endpoints.ts):
 * the shapes sent to the browser, normalisation of Odoo's answers, a small TTL cache and the
 * wording of connection failures. No Node-RED import.
 */
import crypto from 'crypto';

export interface ModelInfo {
  model: string;
  name: string;
  transient?: boolean;
}

export interface FieldInfo {
  name: string;
  type: string;
  string: string;
  required: boolean;
  readonly: boolean;
  relation?: string;
  selection?: Array<[string, string]>;
  help?: string;
}

/** Attributes asked of fields_get (Odoo answers only these, which keeps the answer small). */
export const FIELD_ATTRIBUTES = ['type', 'string', 'required', 'readonly', 'relation', 'selection', 'help'];

/** ir.model rows -> sorted model list. */
export function normalizeModels(rows: unknown): ModelInfo[] {
  if (!Array.isArray(rows)) return [];
  const out: ModelInfo[] = [];
  for (const r of rows as Array<Record<string, unknown>>) {
    if (!r || typeof r.model !== 'string') continue;
    const m: ModelInfo = { model: r.model, name: typeof r.name === 'string' && r.name ? r.name : r.model };
    if (r.transient === true) m.transient = true;
    out.push(m);
  }
  return out.sort((a, b) => a.model.localeCompare(b.model));
}

/** fields_get answer -> sorted field list with the attributes the pickers show. */
export function normalizeFields(raw: unknown): FieldInfo[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const out: FieldInfo[] = [];
  for (const [name, v] of Object.entries(raw as Record<string, Record<string, unknown>>)) {
    if (!v || typeof v !== 'object') continue;
    const f: FieldInfo = {
      name,
      type: typeof v.type === 'string' ? v.type : 'unknown',
      string: typeof v.string === 'string' && v.string ? v.string : name,
      required: v.required === true,
      readonly: v.readonly === true,
    };
    if (typeof v.relation === 'string' && v.relation) f.relation = v.relation;
    if (Array.isArray(v.selection)) {
      f.selection = (v.selection as unknown[])
        .filter((s): s is [unknown, unknown] => Array.isArray(s) && s.length >= 2)
        .map((s) => [String(s[0]), String(s[1])] as [string, string]);
    }
    if (typeof v.help === 'string' && v.help) f.help = v.help;
    out.push(f);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Domain for the ir.model search behind the model picker's text box. */
export function modelSearchDomain(q: string | undefined): unknown[] {
  const text = (q ?? '').trim();
  if (!text) return [];
  return ['|', ['model', 'ilike', text], ['name', 'ilike', text]];
}

/** Cache key part that identifies a login without keeping the secret readable. */
export function connectionKey(parts: { url: string; db: string; username: string; password: string; protocol: string }): string {
  const h = crypto.createHash('sha256').update(parts.password).digest('hex').slice(0, 16);
  return [parts.url.replace(/\/+$/, ''), parts.db, parts.username, parts.protocol, h].join('|');
}

/** A small TTL cache that also shares one in-flight lookup between concurrent callers. */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(private readonly ttlMs: number, private readonly max = 200, private readonly now: () => number = Date.now) {}

  get(key: string, load: () => Promise<T>, refresh = false): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && !refresh && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    // Failures are not cached: the next call asks Odoo again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface SchemaErrorAnswer {
  status: number;
  body: { error: string; code?: string };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

function findNetworkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as Record<string, unknown>;
  const cause = e.cause as Record<string, unknown> | undefined;
  for (const c of [cause?.networkCode, e.code, e.errno]) {
    if (typeof c === 'string' && NETWORK_CODES.has(c)) return c;
  }
  return findNetworkCode(e.original, depth + 1) ?? (cause && typeof cause === 'object' && !('type' in cause) ? findNetworkCode(cause, depth + 1) : undefined);
}

/** Timeout of a schema lookup (raised by the endpoint's own deadline). */
export class SchemaTimeoutError extends Error {
  code = 'ETIMEDOUT_SCHEMA';
  constructor(readonly url: string, readonly ms: number) {
    super(`Odoo at ${url} did not answer within ${Math.round(ms / 100) / 10} s`);
  }
}

/**
 * Turn a failure into the endpoint's answer. Never 401: the editor treats 401 as "log in again".
 * Unreachable servers are 502, timeouts 504, refused logins 422, rights 403, unknown models 404.
 */
export function describeSchemaError(err: unknown, ctx: { url: string; db?: string; username?: string; model?: string }): SchemaErrorAnswer {
  if (err instanceof SchemaTimeoutError) return { status: 504, body: { error: err.message, code: 'timeout' } };
  const e = (err ?? {}) as { message?: string; code?: string; cause?: { type?: string; odooMessage?: string; status?: number } };
  const type = e.cause && typeof e.cause === 'object' ? e.cause.type : undefined;
  const odooMessage = (e.cause && typeof e.cause === 'object' && e.cause.odooMessage) || e.message || String(err);
  const net = findNetworkCode(err);
  if (net) return { status: 502, body: { error: `Odoo at ${ctx.url} is unreachable: ${net}`, code: 'unreachable' } };
  if (type === 'auth' || e.code === 'OdooAuthError') {
    return { status: 422, body: { error: `Odoo at ${ctx.url} refused the login of '${ctx.username ?? ''}' on database '${ctx.db ?? ''}': ${odooMessage}`, code: 'auth' } };
  }
  if (type === 'access' || e.code === 'OdooAccessError') return { status: 403, body: { error: `Odoo denied access: ${odooMessage}`, code: 'access' } };
  if (type === 'unknown_model' || e.code === 'OdooUnknownModelError') {
    return { status: 404, body: { error: `Model '${ctx.model ?? ''}' does not exist on Odoo at ${ctx.url}`, code: 'unknown_model' } };
  }
  if (type === 'transient' || type === 'server') {
    return { status: 502, body: { error: `Odoo at ${ctx.url} failed: ${odooMessage}`, code: type } };
  }
  return { status: 502, body: { error: `Odoo at ${ctx.url}: ${odooMessage}`, code: type ?? e.code ?? 'error' } };
}

/** Race a promise against a deadline. */
export function withDeadline<T>(p: Promise<T>, ms: number, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SchemaTimeoutError(url, ms)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
