/**
 * Typed errors of the Odoo client. Every error the client throws is an OdooError subclass.
 *
 * Contract (docs/architecture.md): Node-RED copies only `message`, `code`, `stack` and `cause` into a
 * Catch node's `msg.error`, so each error has the OWN properties `code` (its class name) and `cause`
 * (a plain, JSON-able object). The getters below (`model`, `retryable`...) read from `cause`.
 */

export type OdooErrorType =
  | 'auth'
  | 'access'
  | 'validation'
  | 'missing'
  | 'unknown_model'
  | 'unknown_field'
  | 'unknown_method'
  | 'domain'
  | 'bad_request'
  | 'server'
  | 'transient'
  | 'closed';

export interface OdooErrorCause {
  /** Short category, see OdooErrorType. */
  type: OdooErrorType;
  /** Whether repeating the same call later can succeed. */
  retryable: boolean;
  model?: string;
  method?: string;
  /** Odoo's own message, without the Python traceback. */
  odooMessage?: string;
  /** HTTP status, when there was one (JSON-2 errors, 429, 5xx). */
  status?: number;
  /** Server-requested wait (Retry-After), ms. */
  retryAfterMs?: number;
  /** XML-RPC fault code (1-4). */
  faultCode?: number | string;
  /** Odoo/Python exception name when known, e.g. "odoo.exceptions.ValidationError" or "ValueError". */
  exceptionName?: string;
  /** Network-level code for transport failures: ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE, ... */
  networkCode?: string;
  /** Protocol the failing call used. */
  protocol?: 'xmlrpc' | 'json2';
  /** How many times the client tried the call (1 = no retry). */
  attempts?: number;
}

export interface OdooErrorInit extends Partial<Omit<OdooErrorCause, 'type' | 'retryable'>> {
  retryable?: boolean;
  /** The original low-level error (kept non-enumerable, not part of the contract). */
  original?: unknown;
}

export class OdooError extends Error {
  declare code: string;
  declare cause: OdooErrorCause;
  /** The underlying low-level error, if any (non-enumerable). */
  declare readonly original?: unknown;

  constructor(type: OdooErrorType, defaultRetryable: boolean, message: string, init: OdooErrorInit = {}) {
    super(message);
    const { original, retryable, ...rest } = init;
    const cause: OdooErrorCause = { type, retryable: retryable ?? defaultRetryable };
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined) (cause as unknown as Record<string, unknown>)[k] = v;
    }
    // Own, enumerable properties: Node-RED copies these into msg.error.
    Object.defineProperty(this, 'code', { value: new.target.name, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(this, 'cause', { value: cause, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, writable: true, configurable: true });
    if (original !== undefined) Object.defineProperty(this, 'original', { value: original, enumerable: false });
  }

  get type(): OdooErrorType { return this.cause.type; }
  get retryable(): boolean { return this.cause.retryable; }
  get model(): string | undefined { return this.cause.model; }
  get method(): string | undefined { return this.cause.method; }
  get odooMessage(): string | undefined { return this.cause.odooMessage; }
  get status(): number | undefined { return this.cause.status; }
  get retryAfterMs(): number | undefined { return this.cause.retryAfterMs; }
  get faultCode(): number | string | undefined { return this.cause.faultCode; }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, cause: this.cause };
  }
}

/** Bad login, password or API key (XML-RPC fault 3 / authenticate() = false, JSON-2 401). Not retryable. */
export class OdooAuthError extends OdooError {
  constructor(message: string, init?: OdooErrorInit) { super('auth', false, message, init); }
}

/** The user lacks rights (odoo.exceptions.AccessError: fault 4, JSON-2 403), incl. private methods. */
export class OdooAccessError extends OdooError {
  constructor(message: string, init?: OdooErrorInit) { super('access', false, message, init); }
}

/** UserError / ValidationError / RedirectWarning (fault 2, JSON-2 422): the data or state is refused. */
export class OdooValidationError extends OdooError {
  constructor(message: string, init?: OdooErrorInit) { super('validation', false, message, init); }
}

/** Record does not exist or has been deleted (odoo.exceptions.MissingError, JSON-2 404). */
export class OdooMissingError extends OdooError {
  constructor(message: string, init?: OdooErrorInit) { super('missing', false, message, init); }
}

/**
 * The request itself is wrong: unknown model, field or method, bad domain, wrong arguments, or an
 * unclassified server-side exception (Python ValueError/TypeError... = XML-RPC fault 1, JSON-2 400/500).
 * The subclasses below name the common kinds; `cause.type` tells them apart too.
 */
export class OdooRequestError extends OdooError {
  constructor(message: string, init?: OdooErrorInit, type: OdooErrorType = 'bad_request') {
    super(type, false, message, init);
  }
}
/** "Object x doesn't exist" / JSON-2 "the model 'x' does not exist". */
export class OdooUnknownModelError extends OdooRequestError {
  constructor(message: string, init?: OdooErrorInit) { super(message, init, 'unknown_model'); }
}
/** "Invalid field 'x' on model 'y'" (read, write, create, order, fields). */
export class OdooUnknownFieldError extends OdooRequestError {
  constructor(message: string, init?: OdooErrorInit) { super(message, init, 'unknown_field'); }
}
/** Unknown public method ("The method 'm.x' does not exist"). */
export class OdooUnknownMethodError extends OdooRequestError {
  constructor(message: string, init?: OdooErrorInit) { super(message, init, 'unknown_method'); }
}
/** Malformed domain: invalid leaf, operator or field path. */
export class OdooDomainError extends OdooRequestError {
  constructor(message: string, init?: OdooErrorInit) { super(message, init, 'domain'); }
}
/** Any other server-side exception (traceback fault, 500 with an Odoo error body, marshalling errors). */
export class OdooServerError extends OdooRequestError {
  constructor(message: string, init?: OdooErrorInit) { super(message, init, 'server'); }
}

/**
 * Temporary failure: network error, timeout (networkCode ETIMEDOUT), 5xx without an Odoo error,
 * 429 (retryAfterMs from Retry-After), concurrent update / serialization failure / LockError (409).
 * Retried inside the client; thrown once the retry budget is spent.
 */
export class OdooTransientError extends OdooError {
  constructor(message: string, init?: OdooErrorInit) { super('transient', true, message, init); }
}

/** The client was closed while the call waited or ran. */
export class OdooClosedError extends OdooError {
  constructor(message = 'Odoo client closed', init?: OdooErrorInit) { super('closed', false, message, init); }
}

export function isOdooError(e: unknown): e is OdooError {
  return e instanceof OdooError;
}

const ERROR_CLASSES = {
  OdooAuthError, OdooAccessError, OdooValidationError, OdooMissingError, OdooRequestError, OdooUnknownModelError,
  OdooUnknownFieldError, OdooUnknownMethodError, OdooDomainError, OdooServerError, OdooTransientError, OdooClosedError,
};
export const ODOO_ERROR_CODES = Object.keys(ERROR_CLASSES) as Array<keyof typeof ERROR_CLASSES>;

/* ------------------------------------------------------------------------------------------------ */
/* Classification                                                                                   */
/* ------------------------------------------------------------------------------------------------ */

const CONCURRENCY_RE =
  /concurrent update|could not serialize|serializ(?:ation|able) failure|deadlock detected|lock(?:_| )?not(?:_| )?available|could not obtain lock|LockError|SerializationFailure|TransactionRollbackError|being (?:modified|updated) by another|is locked by another/i;
const UNKNOWN_MODEL_RE = /Object ([\w.]+) doesn't exist|the model ['"]?([\w.]+)['"]? does not exist|Unknown model/i;
const UNKNOWN_METHOD_RE = /The method '[^']+' does not exist|has no attribute|Unknown method|does not have a method/i;
const UNKNOWN_FIELD_RE = /Invalid field|Unknown field|field .* does not exist/i;
const DOMAIN_RE = /Invalid leaf|Invalid condition|in (?:leaf|condition)\b|Invalid operator|Invalid domain|domain|not a valid operator|Invalid term/i;
const MISSING_RE = /Record does not exist or has been deleted|MissingError/i;

/**
 * The useful part of an Odoo message: for a traceback (XML-RPC fault 1, JSON-2 `debug`) the last
 * "Type: message" line (with any continuation lines of that message), else the text trimmed.
 */
export function extractOdooMessage(text: string): { type?: string; message: string } {
  const s = String(text ?? '').replace(/\r\n/g, '\n').trim();
  if (!/^Traceback \(most recent call last\)/m.test(s)) return { message: s };
  const lines = s.split('\n');
  // The exception line is the last non-indented line of the last traceback block.
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (!line || /^\s/.test(line) || /^Traceback \(most recent call last\)/.test(line)) continue;
    const m = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/.exec(line);
    if (!m) continue;
    // Multi-line messages: the exception line starts the message, following non-indented lines continue it.
    // Take from the first candidate line after the last "  File" frame.
    let start = i;
    for (let j = i - 1; j >= 0; j--) {
      const l = lines[j];
      if (/^\s/.test(l) || /^Traceback/.test(l) || l === '') break;
      start = j;
    }
    const first = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/.exec(lines[start]);
    if (first) {
      const rest = lines.slice(start + 1, lines.length).join('\n');
      const msg = [first[2] ?? '', rest].filter((x) => x !== '').join('\n').trim();
      return { type: first[1].split('.').pop(), message: msg || first[1] };
    }
    return { type: m[1].split('.').pop(), message: (m[2] ?? m[1]).trim() };
  }
  return { message: lines[lines.length - 1].trim() };
}

interface Ctx {
  model?: string;
  method?: string;
  protocol?: 'xmlrpc' | 'json2';
}

function short(model: string | undefined, method: string | undefined, msg: string): string {
  const where = model ? `${model}${method ? '.' + method : ''}` : method ?? '';
  return where ? `${where}: ${msg}` : msg;
}

/** Classify a Python exception (bare or qualified name) with its message into an OdooError. */
export function classifyOdooException(pyName: string | undefined, message: string, ctx: Ctx, extra: OdooErrorInit = {}): OdooError {
  const bare = (pyName ?? '').split('.').pop() ?? '';
  const init: OdooErrorInit = { ...extra, model: ctx.model, method: ctx.method, protocol: ctx.protocol, odooMessage: message, exceptionName: pyName || undefined };
  const text = short(ctx.model, ctx.method, message);
  if (bare === 'AccessDenied') return new OdooAuthError(text, init);
  if (bare === 'AccessError') return new OdooAccessError(text, init);
  if (bare === 'MissingError') return new OdooMissingError(text, init);
  if (bare === 'LockError' || /SerializationFailure|TransactionRollbackError|LockNotAvailable|DeadlockDetected|OperationalError/.test(bare) || CONCURRENCY_RE.test(message)) {
    return new OdooTransientError(text, init);
  }
  if (UNKNOWN_MODEL_RE.test(message)) return new OdooUnknownModelError(text, init);
  if (bare === 'UserError' || bare === 'ValidationError' || bare === 'RedirectWarning' || bare === 'Warning' || bare === 'except_orm') {
    return new OdooValidationError(text, init);
  }
  if (bare === 'AttributeError' || UNKNOWN_METHOD_RE.test(message)) return new OdooUnknownMethodError(text, init);
  if (bare === 'ValueError' || bare === 'KeyError') {
    if (UNKNOWN_FIELD_RE.test(message) && !/\bin (?:leaf|condition)\b/i.test(message)) return new OdooUnknownFieldError(text, init);
    if (DOMAIN_RE.test(message)) return new OdooDomainError(text, init);
    if (UNKNOWN_FIELD_RE.test(message)) return new OdooUnknownFieldError(text, init);
    return new OdooServerError(text, init);
  }
  if (bare === 'TypeError') return new OdooRequestError(text, init);
  if (MISSING_RE.test(message)) return new OdooMissingError(text, init);
  return new OdooServerError(text, init);
}

/** XML-RPC fault (`/xmlrpc/2`: integer codes 1-4; legacy string codes handled too). */
export function classifyXmlRpcFault(faultCode: unknown, faultString: unknown, ctx: Ctx): OdooError {
  const fs = String(faultString ?? '');
  const base: OdooErrorInit = { faultCode: faultCode as number | string };
  if (typeof faultCode === 'string' && isNaN(Number(faultCode))) {
    // Legacy /xmlrpc/<service>: "warning -- MissingError\n\n<msg>" or "AccessDenied".
    const m = /^warning -- (\w+)\n\n([\s\S]*)$/.exec(faultCode);
    if (m) return classifyOdooException(m[1] === 'Warning' ? 'RedirectWarning' : m[1], m[2].trim(), ctx, base);
    if (faultCode === 'AccessDenied') return classifyOdooException('AccessDenied', fs || 'Access Denied', ctx, base);
    const ex = extractOdooMessage(fs);
    return classifyOdooException(ex.type, extractOdooMessage(faultCode).message || ex.message, ctx, base);
  }
  const code = Number(faultCode);
  switch (code) {
    case 3:
      return classifyOdooException('AccessDenied', fs.trim() || 'Access Denied', ctx, base);
    case 4:
      return classifyOdooException('AccessError', fs.trim(), ctx, base);
    case 2: {
      const msg = fs.trim();
      if (MISSING_RE.test(msg)) return classifyOdooException('MissingError', msg, ctx, base);
      if (CONCURRENCY_RE.test(msg)) return classifyOdooException('LockError', msg, ctx, base);
      if (UNKNOWN_MODEL_RE.test(msg)) return new OdooUnknownModelError(short(ctx.model, ctx.method, msg), { ...base, model: ctx.model, method: ctx.method, protocol: ctx.protocol, odooMessage: msg, exceptionName: 'UserError' });
      return classifyOdooException('UserError', msg, ctx, base);
    }
    default: {
      const ex = extractOdooMessage(fs);
      return classifyOdooException(ex.type, ex.message, ctx, base);
    }
  }
}

/** Parse a Retry-After header (seconds or HTTP date) to ms. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const secs = Number(v.trim());
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
  const date = Date.parse(v);
  if (!isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/** JSON-2 error: HTTP status plus (usually) Odoo's `{name, message, arguments, context, debug}` body. */
export function classifyJson2Error(status: number, body: unknown, headers: Record<string, string | string[] | undefined>, ctx: Ctx): OdooError {
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const name = typeof b?.name === 'string' ? b.name : undefined;
  let message = typeof b?.message === 'string' ? b.message : typeof body === 'string' ? body.trim().slice(0, 500) : '';
  if (!message && typeof b?.debug === 'string') message = extractOdooMessage(b.debug).message;
  const init: OdooErrorInit = { status, retryAfterMs };
  const text = (m: string) => short(ctx.model, ctx.method, m || `HTTP ${status}`);
  const baseInit = { ...init, model: ctx.model, method: ctx.method, protocol: ctx.protocol, odooMessage: message || undefined, exceptionName: name };
  if (status === 429 || status === 408 || status === 425) return new OdooTransientError(text(message || 'Too Many Requests'), baseInit);
  if (status === 401) return new OdooAuthError(text(message || 'Invalid apikey'), baseInit);
  if (status === 409) return new OdooTransientError(text(message || 'Conflict (concurrent update)'), baseInit);
  if (status >= 500) {
    const bare = (name ?? '').split('.').pop() ?? '';
    const isOdooBody = !!name && !/werkzeug|ServiceUnavailable|InternalServerError|GatewayTimeout|BadGateway/.test(name);
    if (status === 500 && isOdooBody && !/psycopg|OperationalError|SerializationFailure/.test(name ?? '')) {
      return classifyOdooException(name, message, ctx, init);
    }
    void bare;
    return new OdooTransientError(text(message || `HTTP ${status}`), baseInit);
  }
  if (name) {
    const err = classifyOdooException(name, message, ctx, init);
    if ((status === 400 || status === 422) && err instanceof OdooServerError) return new OdooRequestError(text(message), baseInit);
    if (status === 404 && err instanceof OdooServerError) {
      if (UNKNOWN_MODEL_RE.test(message)) return new OdooUnknownModelError(text(message), baseInit);
      return new OdooUnknownMethodError(text(message), baseInit);
    }
    return err;
  }
  if (status === 403) return new OdooAccessError(text(message || 'Forbidden'), baseInit);
  if (status === 404) {
    if (UNKNOWN_MODEL_RE.test(message)) return new OdooUnknownModelError(text(message), baseInit);
    return new OdooUnknownMethodError(text(message || 'Not Found'), baseInit);
  }
  if (status === 422) return new OdooValidationError(text(message), baseInit);
  return new OdooRequestError(text(message || `HTTP ${status}`), baseInit);
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);

/** A transport-level failure (socket error, abort by timeout) as OdooTransientError. */
export function networkError(e: unknown, ctx: Ctx, timedOut: boolean, timeoutMs?: number): OdooTransientError {
  const err = e as { code?: string; message?: string } | undefined;
  const code = timedOut ? 'ETIMEDOUT' : err?.code && NETWORK_CODES.has(err.code) ? err.code : err?.code === 'ABORT_ERR' ? 'ECONNABORTED' : 'ECONNRESET';
  const message = timedOut ? `no answer within ${timeoutMs} ms` : `${code}${err?.message && err.message !== code ? ': ' + err.message : ''}`;
  return new OdooTransientError(short(ctx.model, ctx.method, message), { model: ctx.model, method: ctx.method, protocol: ctx.protocol, networkCode: code, original: e });
}
